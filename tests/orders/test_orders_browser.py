"""The whole path in a real browser against localstripe: quote -> order -> pay -> plan -> steps done -> delivery ->
payout visible to the factory -> rating."""

import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"  # the password the create_user fixture sets


@pytest.fixture
def app_config(app_config, own_localstripe):
    return app_config | {"STRIPE_API_BASE": own_localstripe.base_url}




def test_quote_to_payout_and_rating(browser_sign_in, live_server, page_factory, screenshot, db, shops, buyer_user):
    buyer = page_factory("en-US")
    browser_sign_in(buyer, live_server, buyer_user)
    buyer.click("[data-testid=nav-quote]")
    buyer.fill("input[name=length_mm]", "100")
    buyer.fill("input[name=width_mm]", "60")
    buyer.fill("input[name=height_mm]", "20")
    buyer.fill("input[name=volume_cm3]", "80")
    buyer.select_option("select[name=material]", "al6061")
    buyer.fill("input[name=quantity]", "20")
    buyer.select_option("select[name=finish]", "anodised")
    buyer.click("[data-testid=get-quote]")
    buyer.wait_for_selector("[data-testid=tiers]")
    buyer.click("[data-testid=order-quote]")
    buyer.fill("input[name=delivery_address]", "长安镇 Buyer Co warehouse")
    buyer.locator("#delivery-map").click(position={"x": 240, "y": 90})     # the pin, never typed coordinates
    pinned = float(buyer.locator("input[name=delivery_latitude]").input_value())
    assert 22 < pinned < 24
    screenshot(buyer, "order-place-en")
    assert buyer.locator("#delivery-map .site-dot").count() == 2                 # the two sites as landmarks
    buyer.click("[data-testid=place-order]")
    buyer.wait_for_selector("[data-testid=pay]")
    assert buyer.locator("[data-testid=order-status]").inner_text() == "Accepted"
    order_url = buyer.url
    started = time.monotonic()
    buyer.click("[data-testid=pay]")
    buyer.wait_for_selector("[data-testid=order-status]")
    answered_s = time.monotonic() - started
    # Pay answers at once (the solver runs in the background); the page refreshes itself until the order is planned
    assert buyer.locator("[data-testid=order-status]").inner_text() in ("Accepted", "Paid", "Planned")
    if buyer.locator("[data-testid=in-progress]").count():
        screenshot(buyer, "order-paying-en")
    expect(buyer.locator("[data-testid=order-status]")).to_have_text("Planned", timeout=60_000)
    assert answered_s < 5, f"Pay took {answered_s:.1f} s to answer"
    screenshot(buyer, "order-planned-en")

    for who in ("mill_user", "finish_user"):                 # each factory starts and finishes its own step
        factory = page_factory("zh-CN")
        browser_sign_in(factory, live_server, shops[who])
        factory.goto(order_url)
        factory.click("[data-testid=start-step]")
        factory.click("[data-testid=finish-step]")
    factory.click("[data-testid=ship]")
    assert factory.locator("[data-testid=order-status]").inner_text() == "已发货"
    screenshot(factory, "order-shipped-zh")

    buyer.goto(order_url)
    buyer.click("[data-testid=confirm-delivery]")
    expect(buyer.locator("[data-testid=order-status]")).to_have_text("Completed", timeout=30_000)
    form = buyer.locator(f"[data-testid=rate-{shops['mill_firm'].id}]")
    form.locator("select[name=score]").select_option("5")
    form.locator("input[name=comment]").fill("On time, clean parts")
    form.locator("button").click()
    assert "rated, thank you" in buyer.content()
    screenshot(buyer, "order-completed-en")

    factory.goto(f"{live_server}/payouts")                    # the finishing shop sees its payout
    payouts = factory.locator("[data-testid=statement] tbody tr")              # this month's statement (对账单)
    assert payouts.count() >= 1 and "待结算" in payouts.inner_text()   # localstripe has no Connect transfers
    screenshot(factory, "payouts-zh")
    buyer.goto(f"{live_server}/suppliers/{shops['mill_firm'].id}")
    assert "5.0" in buyer.locator("[data-testid=supplier-rating]").inner_text()
