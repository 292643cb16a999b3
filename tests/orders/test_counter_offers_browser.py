"""In a real browser: the factory (in Chinese) proposes a later start from its schedule; the buyer (in English) sees
it on the order page and accepts it; the factory's schedule then shows the step committed at the new time."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from marketplace.extensions import db

pytestmark = pytest.mark.browser


def test_factory_proposes_a_later_start_and_the_buyer_accepts(browser_sign_in, live_server, page_factory, screenshot,
                                                                planned_order, buyer_user, shops):
    mill_user, buyer_user = (SimpleNamespace(email=u.email) for u in (shops["mill_user"], buyer_user))
    db.session.close()  # no read transaction of the test's own left open while the live server writes
    mill = page_factory("zh-CN")
    browser_sign_in(mill, live_server, mill_user)
    mill.goto(f"{live_server}/schedule")
    mill.click("[data-testid=counter-offer] summary")
    field = mill.locator("[data-testid=counter-offer] input[name=starts_at]")
    later = (datetime.strptime(field.get_attribute("value"), "%Y-%m-%dT%H:%M") + timedelta(days=2)).replace(
        minute=0)
    field.fill(later.strftime("%Y-%m-%dT%H:%M"))
    mill.fill("[data-testid=counter-offer] input[name=note]", "主轴维修，周四可开工")
    mill.click("[data-testid=counter-offer] button[type=submit]")
    countered = mill.locator("[data-testid=countered]")
    assert later.strftime("%Y-%m-%d %H:%M") in countered.inner_text() and "已提出改期" in countered.inner_text()
    mill.goto(f"{live_server}/schedule?week={(later - timedelta(days=2)).date().isoformat()}")  # the planned week
    bar = mill.locator(".bar-countered")  # the held booking is drawn in its own colour on the week's chart
    assert bar.count() == 1 and bar.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    screenshot(mill, "counter-offer-sent-zh")

    buyer = page_factory("en-US")
    browser_sign_in(buyer, live_server, buyer_user)
    buyer.goto(f"{live_server}/orders/{planned_order['id']}")
    table = buyer.locator("[data-testid=counter-offers]")
    assert "主轴维修" in table.inner_text() and "Awaiting your answer" in table.inner_text()
    assert later.strftime("%Y-%m-%d %H:%M") in table.inner_text()
    screenshot(buyer, "counter-offer-buyer-en")
    buyer.click("[data-testid=accept-counter-offer]")
    assert "Counter-offer accepted" in buyer.content()
    assert "Accepted" in buyer.locator("[data-testid=counter-offers]").inner_text()
    assert buyer.locator("[data-testid=accept-counter-offer]").count() == 0

    mill.goto(f"{live_server}/schedule")
    rows = mill.locator("[data-testid=assignments] tbody tr")
    milling = next(rows.nth(i).inner_text() for i in range(rows.count()) if later.strftime("%Y-%m-%d %H:%M")
                   in rows.nth(i).inner_text())
    assert "已接受" in milling
    screenshot(mill, "counter-offer-accepted-zh")
