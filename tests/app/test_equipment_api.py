"""Leasable equipment: the owner's editor, instalment plans, availability and the cluster's listings."""

from datetime import date

import pytest
from sqlalchemy import func, select

from capacity.leasing import instalment_schedule, level_payment_fen
from capacity.models import Equipment

ITEM = {
    "name": "DMU 50 five-axis",
    "process_code": "cnc_mill_5ax",
    "envelope_x_mm": 650,
    "envelope_y_mm": 520,
    "envelope_z_mm": 475,
    "best_tolerance_mm": 0.005,
    "daily_rate_fen": 180000,
    "deposit_fen": 5000000,
    "min_days": 5,
    "delivered_to_lessee": True,
}


@pytest.fixture
def lessor(create_firm, create_user):
    return create_user(create_firm("lessor", name="Yueke Leasing"))


def test_list_and_manage_equipment(api_as, lessor, create_firm, create_user):
    api = api_as(lessor)
    r = api.post("/api/v1/equipment", json=ITEM)
    assert r.status_code == 201, r.json
    item = r.json
    assert (
        api.post(
            f"/api/v1/equipment/{item['id']}/instalment-plans", json={"months": 6, "annual_rate_bp": 450}
        ).status_code
        == 201
    )
    r = api.post(f"/api/v1/equipment/{item['id']}/instalment-plans", json={"months": 6})
    assert r.status_code == 422 and "months" in r.json["errors"]
    assert (
        api.post(
            f"/api/v1/equipment/{item['id']}/availability", json={"start_date": "2026-12-01", "end_date": "2027-02-28"}
        ).status_code
        == 201
    )
    r = api.post(
        f"/api/v1/equipment/{item['id']}/availability", json={"start_date": "2027-02-01", "end_date": "2027-03-01"}
    )
    assert r.status_code == 422 and "start_date" in r.json["errors"]
    r = api.post(
        f"/api/v1/equipment/{item['id']}/availability", json={"start_date": "2027-05-01", "end_date": "2027-04-01"}
    )
    assert r.status_code == 422 and "end_date" in r.json["errors"]
    full = api.get(f"/api/v1/equipment/{item['id']}").json
    assert [p["months"] for p in full["instalment_plans"]] == [6] and len(full["availability"]) == 1
    buyer = api_as(create_user(create_firm("buyer")))
    listings = buyer.get("/api/v1/equipment-listings?process=cnc_mill_5ax").json
    assert listings["total"] == 1 and listings["items"][0]["daily_rate_fen"] == 180000
    assert buyer.get(f"/api/v1/equipment-listings/{item['id']}").status_code == 200
    assert buyer.patch(f"/api/v1/equipment/{item['id']}", json={"daily_rate_fen": 1}).status_code == 404
    assert api.patch(f"/api/v1/equipment/{item['id']}", json={"listed": False}).status_code == 200
    assert buyer.get("/api/v1/equipment-listings").json["total"] == 0


@pytest.mark.parametrize(
    "change, field",
    [
        ({"daily_rate_fen": 0}, "daily_rate_fen"),
        ({"deposit_fen": -1}, "deposit_fen"),
        ({"min_days": 0}, "min_days"),
        ({"envelope_y_mm": 0}, "envelope_y_mm"),
        ({"process_code": "teleport"}, "process_code"),
        ({"delivered_to_lessee": False}, "site_factory_id"),
        ({"site_factory_id": 999999}, "site_factory_id"),
        ({"name": "n" * 201}, "name"),
    ],
)
def test_bad_equipment_is_rejected(api_as, lessor, db, change, field):
    r = api_as(lessor).post("/api/v1/equipment", json=ITEM | change)
    assert r.status_code == 422 and field in r.json["errors"], r.json
    assert db.session.scalar(select(func.count(Equipment.id))) == 0


def test_buyers_cannot_list_equipment(api_as, create_firm, create_user):
    r = api_as(create_user(create_firm("buyer"))).post("/api/v1/equipment", json=ITEM)
    assert r.status_code == 422 and "firm" in r.json["errors"]


def test_the_example_on_the_equipment_page_is_what_a_lease_charges():
    assert level_payment_fen(120000, 12, 0) == 10000
    assert level_payment_fen(100, 3, 0) == 34
    payment = level_payment_fen(5_400_000, 12, 650)  # 54,000 CNY over a year at 6.5 %
    assert payment == 466_001  # 466,000.65 by the annuity formula, to the nearest fen
    schedule = instalment_schedule(5_400_000, 12, 650, date(2027, 1, 1))
    assert all(line.amount_fen == payment for line in schedule[:-1])  # the one formula: page example == schedule
    assert sum(line.principal_fen for line in schedule) == 5_400_000
