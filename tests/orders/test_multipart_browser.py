"""In a real browser, in both languages: two quoted parts ordered together with an assembly at a third factory,
paid, planned across the three factories (two lines, transport legs into the assembly), made and shipped."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.orders.test_multipart import BRACKET, PLATE

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(app_config, own_localstripe):
    return app_config | {"STRIPE_API_BASE": own_localstripe.base_url}


def test_two_lines_assembled_at_a_third_factory(browser_sign_in, live_server, page_factory, screenshot, api_as, shops,
                                                assembler, buyer_user):
    quotes = [api_as(buyer_user).post("/api/v1/quotes", json=body).json for body in (BRACKET, PLATE)]
    buyer = page_factory("zh-CN")
    browser_sign_in(buyer, live_server, buyer_user)
    buyer.goto(f"{live_server}/orders")
    buyer.click("[data-testid=multipart-link]")
    for q in quotes:
        buyer.check(f"[data-testid=line-{q['reference']}]")
    buyer.fill("input[name=assembly_minutes]", "6")
    buyer.fill("input[name=delivery_address]", "长安镇振安路 88 号")
    buyer.locator("#delivery-map").click(position={"x": 300, "y": 120})
    screenshot(buyer, "multipart-form-zh")
    buyer.click("[data-testid=place-multipart]")
    buyer.wait_for_selector("[data-testid=pay]")
    rows = buyer.locator("[data-testid=lines] tbody tr")
    assert rows.count() == 4                                                    # two parts, the assembly, the total
    figures = [float(rows.nth(i).locator("td, th").nth(3).inner_text().lstrip("¥").replace(",", ""))
               for i in range(4)]
    assert round(sum(figures[:3]), 2) == figures[3] > 0                       # the lines add up to the price
    assert "2 个零件，20 套" in buyer.locator("main").inner_text()
    order_url = buyer.url
    buyer.click("[data-testid=pay]")
    expect(buyer.locator("[data-testid=order-status]")).to_have_text("已排产", timeout=60_000)
    timeline = buyer.locator("[data-testid=timeline]").inner_text()
    for expected in ("零件 1", "零件 2", "装配", "Assembly hall", "Mill plant", "Finish plant"):
        assert expected in timeline, expected
    assert buyer.locator("[data-testid=timeline] tr.transport").count() >= 3      # into assembly ×2, to the buyer
    screenshot(buyer, "multipart-planned-zh")

    for who in (shops["mill_user"], shops["mill_user"], shops["finish_user"], assembler["user"]):
        factory = page_factory("en-US")
        browser_sign_in(factory, live_server, who)
        factory.goto(order_url)
        while factory.locator("[data-testid=start-step]").count():
            factory.locator("[data-testid=start-step]").first.click()
            factory.locator("[data-testid=finish-step]").first.click()
    screenshot(factory, "multipart-assembler-en")
    factory.click("[data-testid=ship]")
    assert factory.locator("[data-testid=order-status]").inner_text() == "Shipped"
