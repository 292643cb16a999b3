"""In a real browser, the whole lease as its two sides live it: the lessee (in English) requests an item and pays
in full; the lessor (in Chinese) approves, the runner charges the deposit and the rent at localstripe, the lessor
hands it over with notes; the lessee records the return; the lessor keeps ¥150 of the deposit for a broken probe
and the rest is refunded. Each page's figures are checked against the others."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest

from capacity.models import EquipmentAvailability, InstalmentPlan
from marketplace.db_types import utcnow
from marketplace.extensions import db
from marketplace.i18n import local_zone
from tests.app.test_lease_pages import png

pytestmark = pytest.mark.browser


@pytest.fixture
def paying_site(csrf_app, localstripe_server):
    """The browser's app charges at the run's localstripe."""
    from marketplace import payments

    csrf_app.config["STRIPE_API_BASE"] = localstripe_server.base_url
    client = payments.init_app(csrf_app, sleep=lambda s: None)
    yield
    client.close()


def until(page, selector, text, tries=40):
    """Reload until the runner's work shows (it charges and refunds after the request answered)."""
    for _ in range(tries):
        if text in page.locator(selector).inner_text():
            return
        page.wait_for_timeout(250)
        page.reload()
    raise AssertionError(f"{text!r} never appeared in {selector}: {page.locator(selector).inner_text()!r}")


def test_lease_from_request_to_deposit_refund(paying_site, browser_sign_in, live_server, page_factory, screenshot,
                                              create_firm, create_user, create_factory, create_equipment):
    owner, lessee = create_firm("lessor", name="东莞设备租赁"), create_firm("factory", name="Chang'an Works")
    owner_user, lessee_user = create_user(owner), create_user(lessee)
    create_factory(lessee, name="Chang'an plant")
    item = create_equipment(owner, name="Haas UMC-750", min_days=3, daily_rate_fen=80_000, deposit_fen=1_000_000,
                            delivered_to_lessee=True)
    today = utcnow().astimezone(local_zone()).date()
    db.session.add_all([EquipmentAvailability(equipment=item, start_date=today, end_date=today + timedelta(days=90)),
                        InstalmentPlan(equipment=item, months=3, annual_rate_bp=600)])
    db.session.commit()
    item_id = item.id
    owner_user, lessee_user = (SimpleNamespace(email=u.email) for u in (owner_user, lessee_user))
    db.session.close()

    tenant = page_factory("en-US")
    browser_sign_in(tenant, live_server, lessee_user)
    tenant.goto(f"{live_server}/equipment/{item_id}/lease")
    start, end = today + timedelta(days=3), today + timedelta(days=9)  # 7 days
    tenant.fill("input[name=start_date]", start.isoformat())
    tenant.fill("input[name=end_date]", end.isoformat())
    tenant.select_option("select[name=site_factory_id]", label="Chang'an plant")
    tenant.select_option("select[name=instalment_months]", value="3")  # a 3-month plan for a week: refused, why
    tenant.click("[data-testid=lease]")
    assert "A 3-month plan needs a lease of at least 3 months" in tenant.locator(
        "[data-field=instalment_months]").inner_text()
    tenant.select_option("select[name=instalment_months]", value="0")
    tenant.click("[data-testid=lease]")
    tenant.wait_for_url(re.compile(r"/leases/\d+$"))
    lease_url = tenant.url
    assert "requested" in tenant.locator("[data-testid=lease-status]").inner_text()
    assert "¥5,600.00" in tenant.content()  # 7 days x ¥800
    assert tenant.locator("[data-testid=approve]").count() == 0  # only the lessor approves

    lessor = page_factory("zh-CN")
    browser_sign_in(lessor, live_server, owner_user)
    lessor.goto(lease_url)
    assert "已申请" in lessor.locator("[data-testid=lease-status]").inner_text()
    screenshot(lessor, "lease-request-lessor-zh")
    lessor.click("[data-testid=approve]")
    until(lessor, "[data-testid=lease-status]", "已付款，待交付")
    assert "¥15,600.00" in lessor.locator("[data-testid=lease-charges]").inner_text()  # deposit + rent
    assert lessor.locator("[data-testid=deposit-held]").inner_text() == "¥10,000.00"
    lessor.click("[data-testid=hand-over]")  # no notes: refused by the field
    assert lessor.locator("[data-field=note]").count() == 1
    lessor.fill("[data-testid=hand-over-form] textarea[name=note]", "主轴 1,204 小时，无损伤；含 2 个虎钳、1 个测头")
    lessor.set_input_files("[data-testid=hand-over-form] input[name=photos]",
                           files=[{"name": "front.png", "mimeType": "image/png", "buffer": png()}])
    lessor.click("[data-testid=hand-over]")
    assert "使用中" in lessor.locator("[data-testid=lease-status]").inner_text()

    tenant.reload()
    assert "in use" in tenant.locator("[data-testid=lease-status]").inner_text()
    assert "1,204" in tenant.locator("[data-testid=handover-note]").inner_text()
    photo = tenant.locator("[data-testid=photos-handover] img")
    assert photo.count() == 1 and photo.evaluate("img => img.complete && img.naturalWidth") == 64
    tenant.fill("[data-testid=return-form] textarea[name=note]", "Cleaned; probe tip broken")
    tenant.click("[data-testid=return]")
    assert "returned, awaiting inspection" in tenant.locator("[data-testid=lease-status]").inner_text()

    lessor.reload()
    lessor.fill("input[name=kept_fen]", "150")
    lessor.click("[data-testid=inspect]")  # a deduction needs its reason
    assert lessor.locator("[data-field=reason]").count() == 1
    lessor.fill("input[name=kept_fen]", "150")
    lessor.fill("[data-testid=inspect-form] textarea[name=reason]", "测头更换 Probe tip replaced")
    lessor.click("[data-testid=inspect]")
    until(lessor, "[data-testid=lease-charges]", "已退款")
    assert lessor.locator("[data-testid=deposit-held]").inner_text() == "¥0.00"
    assert "¥9,850.00" in lessor.locator("[data-testid=lease-charges]").inner_text()
    screenshot(lessor, "lease-closed-lessor-zh")
    lessor.goto(f"{live_server}/leases/money")
    assert lessor.locator("[data-testid=received]").inner_text() == "¥5,600.00"
    assert lessor.locator("[data-testid=kept]").inner_text() == "¥150.00"
    assert lessor.locator("[data-testid=deposits-held]").inner_text() == "¥0.00"
    screenshot(lessor, "lease-income-zh")

    tenant.reload()
    history = tenant.locator("[data-testid=lease-history]").inner_text()
    assert "¥9,850.00 of the deposit refunded, ¥150.00 kept" in history and "Probe tip replaced" in history
    screenshot(tenant, "lease-closed-lessee-en")
