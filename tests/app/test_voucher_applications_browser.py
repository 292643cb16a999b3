"""In a real browser: an SME (in Chinese) applies for a service voucher; the operator (in English) ticks it with
another and approves both; the SME then holds the voucher, for the amount it asked."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from marketplace.extensions import db
from marketplace.vouchers import applications, services

pytestmark = pytest.mark.browser


def test_apply_and_approve_in_a_batch(browser_sign_in, live_server, page_factory, screenshot, dummy_cluster,
                                      create_firm, create_user):
    programme = services.create_programme(dummy_cluster.id, {
        "name": "东莞数字化服务券 2026", "budget_fen": 5_000_000, "per_firm_cap_fen": 500_000, "kind": "percent",
        "percent_bp": 3000, "value_fen": 0, "eligible_processes": [], "valid_from": date.today(),
        "valid_until": date.today() + timedelta(days=180)})
    operator, sme = create_user(create_firm("operator", name="松山湖运营中心")), create_user(
        create_firm("buyer", name="虎门服装"))
    other = create_firm("buyer", name="Chang'an Toys")
    applications.apply(programme, other, "Injection moulds for a toy line", 200_000, date.today())
    db.session.commit()
    programme_id = programme.id
    operator, sme = (SimpleNamespace(email=u.email) for u in (operator, sme))
    db.session.close()

    buyer = page_factory("zh-CN")
    browser_sign_in(buyer, live_server, sme)
    buyer.goto(f"{live_server}/vouchers/mine")
    form = buyer.locator(f"[data-testid=apply-{programme_id}]")
    form.locator("textarea").fill("50 件 CNC 铣削支架，用于新产线")
    form.locator("input[name$=requested_fen]").fill("6000")  # over the ¥5,000 cap: refused by the field
    form.locator("button[type=submit]").click()
    assert "每家企业最多可申请 ¥5,000.00" in buyer.locator(f"[data-testid=apply-{programme_id}]").inner_text()
    form = buyer.locator(f"[data-testid=apply-{programme_id}]")
    form.locator("input[name$=requested_fen]").fill("4200")
    form.locator("button[type=submit]").click()
    assert "审核中" in buyer.locator("[data-testid=my-applications]").inner_text()
    screenshot(buyer, "voucher-applied-zh")

    desk = page_factory("en-US")
    browser_sign_in(desk, live_server, operator)
    desk.goto(f"{live_server}/vouchers/{programme_id}")
    rows = desk.locator("[data-testid=applications] tbody tr")
    assert rows.count() == 2 and "¥4,200.00" in desk.locator("[data-testid=applications]").inner_text()
    for i in range(2):
        rows.nth(i).locator("input[type=checkbox]").check()
    desk.click("[data-testid=approve-selected]")
    assert "2 applications approved" in desk.content()
    assert desk.locator("[data-testid=applications] input[type=checkbox]").count() == 0
    assert "¥6,200.00" in desk.locator("#applications + p").inner_text()  # committed: 4,200 + 2,000
    screenshot(desk, "voucher-applications-approved-en")

    buyer.goto(f"{live_server}/vouchers/mine")
    held = buyer.locator("[data-testid=my-vouchers]").inner_text()
    assert "东莞数字化服务券 2026" in held and "¥4,200.00" in held
    screenshot(buyer, "voucher-held-zh")
