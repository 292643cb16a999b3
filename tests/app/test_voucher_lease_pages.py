"""Voucher and lease pages: forms with their errors next to the field, nothing stored on error, both languages."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from capacity.lease_models import Lease
from capacity.models import EquipmentAvailability, InstalmentPlan
from marketplace.vouchers import services as vouchers
from marketplace.vouchers.models import Voucher, VoucherProgramme

PASSWORD = "correct horse battery"  # the password the create_user fixture sets
TODAY = date.today()  # the pages use the cluster's date; tests keep a margin of days around it




def programme_form(**change):
    year = TODAY.year
    return {
        "name": "2026 数字化服务券",
        "budget_fen": "50000.00",
        "per_firm_cap_fen": "3000",
        "kind": "percent",
        "percent_bp": "30",
        "value_fen": "",
        "eligible_processes": ["cnc_mill_3ax", "laser_cut"],
        "valid_from": f"{year}-01-01",
        "valid_until": f"{year + 1}-12-31",
    } | change


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def operator(create_firm, create_user):
    return create_user(create_firm("operator", name="Songshan Lake Operator"))


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"per_firm_cap_fen": "60000"}, "per_firm_cap_fen", "The per-firm cap cannot exceed the budget."),
        ({"percent_bp": ""}, "percent_bp", "A percentage voucher needs a percentage between 0 and 100."),
        ({"percent_bp": "120"}, "percent_bp", "Between 0.01 and 100."),
        ({"kind": "fixed"}, "value_fen", "A fixed voucher needs a positive value."),
        ({"budget_fen": "12.345"}, "budget_fen", "At most two decimal places."),
        ({"budget_fen": ""}, "budget_fen", "This field is required."),
        ({"valid_until": "2000-01-01"}, "valid_until", "The end must not be before the start."),
    ],
)
def test_bad_programmes_are_refused_next_to_the_field(sign_in, client, db, operator, change, field, message):
    sign_in(client, operator)
    r = client.post("/vouchers", data=programme_form(**change))
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert f'data-field="{field}">{message}</small>' in html
    assert count(db, VoucherProgramme) == 0


def test_operator_creates_a_programme_issues_a_voucher_and_sees_the_report(sign_in, client, db, operator, create_firm):
    buyer = create_firm("buyer", name="Dongguan Moulds SME")
    create_firm("factory", name="Not a buyer")
    sign_in(client, operator)
    assert client.get("/vouchers").status_code == 200
    r = client.post("/vouchers", data=programme_form())
    assert r.status_code == 302
    programme = db.session.scalar(select(VoucherProgramme))
    assert (programme.budget_fen, programme.per_firm_cap_fen, programme.percent_bp, programme.value_fen) == (
        5_000_000, 300_000, 3_000, 0)
    assert programme.eligible_processes == ["cnc_mill_3ax", "laser_cut"]
    assert r.headers["Location"].endswith(f"/vouchers/{programme.id}")

    again = client.post("/vouchers", data=programme_form())  # the service's unique-name rule, on the name field
    assert again.status_code == 422 and 'data-field="name"' in again.get_data(as_text=True)
    assert count(db, VoucherProgramme) == 1
    listing = client.get("/vouchers").get_data(as_text=True)
    assert "¥50,000.00" in listing and "¥3,000.00" in listing and "30.00 % of the price" in listing

    page = client.get(f"/vouchers/{programme.id}").get_data(as_text=True)
    assert "Dongguan Moulds SME" in page and "Not a buyer" not in page  # only the cluster's SME buyers
    r = client.post(f"/vouchers/{programme.id}/issue", data={"i-firm_id": buyer.id, "i-cap_fen": "1000"})
    assert r.status_code == 302
    voucher = db.session.scalar(select(Voucher))
    assert (voucher.firm_id, voucher.cap_fen) == (buyer.id, 100_000)
    r = client.post(f"/vouchers/{programme.id}/issue", data={"i-firm_id": buyer.id})
    assert r.status_code == 422
    assert "This firm already holds a voucher of this programme." in r.get_data(as_text=True)
    assert count(db, Voucher) == 1

    report = client.get(f"/vouchers/{programme.id}").get_data(as_text=True)
    assert voucher.code in report and "Use per firm" in report and "¥1,000.00" in report


def test_vouchers_are_for_operators_and_buyers(sign_in, client, db, create_firm, create_user, dummy_cluster,
                                               create_cluster):
    factory = create_user(create_firm("factory"))
    sign_in(client, factory)
    assert client.get("/vouchers").status_code == 403
    assert client.get("/vouchers/mine").status_code == 403
    other = vouchers.create_programme(create_cluster().id, programme_form(
        budget_fen=1000, per_firm_cap_fen=100, percent_bp=1000, value_fen=0, valid_from=TODAY, valid_until=TODAY))
    db.session.commit()
    client.post("/sign-out")
    sign_in(client, create_user(create_firm("operator")))
    assert client.get(f"/vouchers/{other.id}").status_code == 404  # another cluster's programme


@pytest.mark.parametrize("language, words", [("en", ["My service vouchers", "Available"]),
                                              ("zh", ["我的服务券", "可用"])])
def test_buyer_sees_their_vouchers(sign_in, client, db, dummy_cluster, create_firm, create_user, language, words):
    buyer = create_user(create_firm("buyer"))
    programme = vouchers.create_programme(dummy_cluster.id, programme_form(
        name="Digital services", budget_fen=500_000, per_firm_cap_fen=200_000, percent_bp=5_000,
        value_fen=0, valid_from=TODAY, valid_until=TODAY + timedelta(days=90)))
    voucher = vouchers.issue(programme, buyer.firm)
    vouchers.issue(programme, create_firm("buyer"))  # someone else's
    db.session.commit()
    sign_in(client, buyer, language)
    r = client.get("/vouchers/mine")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and voucher.code in html and "¥2,000.00" in html and "Digital services" in html
    assert html.count("SV-") == 1
    assert all(w in html for w in words)
    assert 'data-testid="nav-vouchers"' in html and 'href="/vouchers/mine"' in html


@pytest.fixture
def listed(db, create_firm, create_equipment, create_factory):
    owner = create_firm("lessor", name="Owner Leasing")
    item = create_equipment(owner, name="DMG Mori DMU 50", min_days=3, daily_rate_fen=150_000,
                            deposit_fen=5_000_000, delivered_to_lessee=True)
    db.session.add_all([
        EquipmentAvailability(equipment=item, start_date=TODAY, end_date=TODAY + timedelta(days=200)),
        InstalmentPlan(equipment=item, months=6, annual_rate_bp=600),
    ])
    db.session.commit()
    return item


def lease_form(site, start=10, end=191, **change):
    return {"start_date": (TODAY + timedelta(days=start)).isoformat(),
            "end_date": (TODAY + timedelta(days=end)).isoformat(),
            "site_factory_id": site.id, "instalment_months": "6", "action": "lease"} | change


def test_factory_leases_listed_equipment(sign_in, client, db, factory_user, dummy_factory, listed, create_firm,
                                         create_user):
    sign_in(client, factory_user)
    listings = client.get("/equipment/listings").get_data(as_text=True)
    assert f'href="/equipment/{listed.id}/lease"' in listings
    assert client.get(f"/equipment/{listed.id}/lease").status_code == 200

    preview = client.post(f"/equipment/{listed.id}/lease", data=lease_form(dummy_factory, action="preview"))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and count(db, Lease) == 0  # a preview keeps nothing
    assert "182 days × ¥1,500.00" in html and "¥273,000.00" in html and "¥50,000.00" in html
    assert html.count("<tr><td>6</td>") == 1 and 'data-testid="schedule"' in html

    month = client.post(f"/equipment/{listed.id}/lease", data=lease_form(dummy_factory, end=39))  # 30 days, 6 months
    assert month.status_code == 422 and count(db, Lease) == 0
    assert ('data-field="instalment_months">A 6-month plan needs a lease of at least 6 months; pay this lease in '
            'full.</small>') in month.get_data(as_text=True)

    missing_site = client.post(f"/equipment/{listed.id}/lease", data=lease_form(dummy_factory, site_factory_id="0"))
    assert missing_site.status_code == 422 and 'data-field="site_factory_id"' in missing_site.get_data(as_text=True)
    too_short = client.post(f"/equipment/{listed.id}/lease", data=lease_form(dummy_factory, start=10, end=10))
    assert too_short.status_code == 422
    assert 'data-field="end_date">The minimum lease is 3 days.</small>' in too_short.get_data(as_text=True)
    assert 'data-testid="price-preview"' in too_short.get_data(as_text=True)  # the price after a failed submit
    past = client.post(f"/equipment/{listed.id}/lease", data=lease_form(dummy_factory, start=-5, end=5))
    assert 'data-field="start_date">A lease cannot start in the past.</small>' in past.get_data(as_text=True)
    assert count(db, Lease) == 0

    r = client.post(f"/equipment/{listed.id}/lease", data=lease_form(dummy_factory))
    record = db.session.scalar(select(Lease))
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/leases/{record.id}")
    assert (record.days, record.rent_fen, record.site_factory_id, len(record.instalments), record.status) == (
        182, 27_300_000, dummy_factory.id, 6, "requested")

    # Another factory cannot lease the same item for an overlapping period.
    client.post("/sign-out")
    rival = create_user(create_firm("factory", name="Rival"))
    from capacity.models import Factory

    rival_site = Factory(firm=rival.firm, cluster_id=rival.firm.cluster_id, name="Rival plant", latitude=22.8,
                         longitude=113.8)
    db.session.add(rival_site)
    db.session.commit()
    sign_in(client, rival)
    clash = client.post(f"/equipment/{listed.id}/lease", data=lease_form(rival_site, start=20, end=25,
                                                                          instalment_months="0"))
    assert clash.status_code == 422
    assert f'data-field="start_date">Already leased for part of this period (lease {record.reference}).' in (
        clash.get_data(as_text=True))
    assert count(db, Lease) == 1


@pytest.mark.parametrize("language, words", [("en", ["Equipment you lease", "Cancel the lease", "Payment"]),
                                              ("zh", ["您租用的设备", "取消租赁", "付款方式"])])
def test_leases_page_lists_and_cancels(sign_in, client, db, factory_user, dummy_factory, listed, create_user,
                                       language, words):
    sign_in(client, factory_user, language)
    assert client.post(f"/equipment/{listed.id}/lease", data=lease_form(dummy_factory)).status_code == 302
    record = db.session.scalar(select(Lease))
    page = client.get("/leases").get_data(as_text=True)
    assert record.reference in page and listed.name in page and "¥273,000.00" in page and "¥50,000.00" in page
    assert words[0] in page and 'data-testid="nav-leases"' in page
    assert words[1] in client.get(f"/leases/{record.id}").get_data(as_text=True)
    assert words[2] in client.get(f"/equipment/{listed.id}/lease").get_data(as_text=True)

    owner = create_user(listed.owner)  # the owner sees the lease of their equipment, without a cancel button
    owner_client = client.application.test_client()
    sign_in(owner_client, owner, language)
    owner_page = owner_client.get("/leases").get_data(as_text=True)
    assert record.reference in owner_page and "Jinhui Precision" in owner_page
    owner_client.post(f"/leases/{record.id}/cancel")  # the lessor cannot cancel for the lessee
    db.session.refresh(record)
    assert record.status == "requested"
    assert words[1] not in owner_client.get(f"/leases/{record.id}").get_data(as_text=True)

    r = client.post(f"/leases/{record.id}/cancel")
    assert r.status_code == 302
    db.session.refresh(record)
    assert record.status == "cancelled"
    again = client.post(f"/leases/{record.id}/cancel", follow_redirects=True)
    assert again.status_code == 200 and db.session.get(Lease, record.id).status == "cancelled"


def test_lease_pages_404_for_unlisted_or_foreign(sign_in, client, db, factory_user, listed):
    listed.listed = False
    db.session.commit()
    sign_in(client, factory_user)
    assert client.get(f"/equipment/{listed.id}/lease").status_code == 404
    assert client.post("/leases/999/cancel").status_code == 404
