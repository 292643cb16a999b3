"""In a real browser, in both languages: a part no mill of the cluster can hold gets reasons instead of a price,
goes out for bids, two factories bid, the buyer compares them side by side and awards."""

from __future__ import annotations

import pytest

from tests.orders.test_bids import TOO_LONG

pytestmark = pytest.mark.browser


def test_infeasible_part_to_bids_to_award(browser_sign_in, live_server, page_factory, screenshot, api_as, shops,
                                           big_mill, buyer_user):
    quote = api_as(buyer_user).post("/api/v1/quotes", json=TOO_LONG).json
    buyer = page_factory("zh-CN")
    browser_sign_in(buyer, live_server, buyer_user)
    buyer.goto(f"{live_server}/quotes/{quote['id']}")
    assert buyer.locator("[data-testid=infeasible-reasons] li").count() >= 1
    assert buyer.locator("[data-testid=breaks]").count() == 0 and buyer.locator("[data-testid=tiers]").count() == 0
    assert "¥" not in buyer.locator("main").inner_text()          # no price for a part that cannot be made
    screenshot(buyer, "quote-infeasible-zh")
    buyer.fill("[data-testid=request-bids] input[name=notes]", "整体铣削，不接受拼焊")
    buyer.click("[data-testid=publish-bids]")
    buyer.wait_for_selector("[data-testid=request-status]")
    assert buyer.locator("[data-testid=request-status]").inner_text() == "报价中"
    request_url = buyer.url

    for user, price, days, locale in ((shops["mill_user"], "8500", "12", "en-US"),
                                      (big_mill["user"], "10,000.00", "6", "zh-CN")):
        factory = page_factory(locale)
        browser_sign_in(factory, live_server, user)
        factory.click("[data-testid=nav-bids]")
        factory.click(f"a[href='{request_url.removeprefix(live_server)}']")
        factory.fill("input[name=price_yuan]", price)
        factory.fill("input[name=lead_days]", days)
        factory.click("[data-testid=submit-bid]")
        factory.wait_for_selector("[data-testid=my-bid]")
        if locale == "en-US":
            factory.fill("[data-testid=ask] input[name=question]", "May the part be milled in two setups?")
            factory.click("[data-testid=ask-question]")
            factory.wait_for_selector("text=Your question is sent to the buyer.")
        screenshot(factory, f"bid-{locale}")
    outsider = page_factory("en-US")
    browser_sign_in(outsider, live_server, shops["finish_user"])      # anodising only: not its part
    assert outsider.goto(request_url).status == 404

    buyer.goto(request_url)
    buyer.fill("[data-testid=questions] input[name=answer]", "可以，但需保证平面度 0.05。")
    buyer.click("[data-testid=answer-question]")
    buyer.wait_for_selector("[data-testid=answer]")
    rows = buyer.locator("[data-testid=bid-row]")
    assert [rows.nth(i).get_attribute("data-firm") for i in range(rows.count())] == ["Mill Co", "Big Mill Co"]
    assert "¥10,500.00" in buyer.locator("[data-testid=bids]").inner_text()      # ¥10,000 bid + 5 % fee
    screenshot(buyer, "bids-compare-zh")
    buyer.check("[data-testid=award] input[value]:near(:text('Big Mill Co'))")
    buyer.fill("[data-testid=award] input[name=delivery_address]", "长安镇振安路 88 号")
    buyer.click("[data-testid=award-bid]")
    buyer.wait_for_selector("[data-testid=order-status]")
    assert buyer.locator("[data-testid=order-status]").inner_text() == "已接受"
    assert "¥10,500.00" in buyer.locator("main").inner_text()
    screenshot(buyer, "bid-awarded-order-zh")
