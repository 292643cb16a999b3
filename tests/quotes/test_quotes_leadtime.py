"""Lead-time tiers come from live capacity: booked machines push the promise later; no machine or no idle time
makes the quote infeasible, stored with blocking warnings and reasons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from capacity.models import CalendarException
from marketplace.orders.models import Booking


def ship_dates(body) -> dict[str, datetime]:
    return {t["tier"]: datetime.fromisoformat(t["ship_by"]) for t in body["tiers"] if t["feasible"]}


def test_booked_machines_move_the_promised_dates_later(app, db, plant, buyer_api, declared):
    _, mill, _ = plant
    before = ship_dates(buyer_api.post("/api/v1/quotes", json=declared).json)
    now = datetime.now(UTC)
    db.session.add(
        Booking(
            machine_id=mill.id,
            starts_at=now - timedelta(hours=2),
            ends_at=now + timedelta(days=6),
            status="accepted",
            note="work from outside the platform",
        )
    )
    db.session.commit()
    response = buyer_api.post("/api/v1/quotes", json=declared)
    assert response.status_code == 201 and response.json["feasible"]
    after = ship_dates(response.json)
    assert set(after) == {"expedite", "standard", "economy"}
    for tier in after:
        assert after[tier] > before[tier]
    assert after["expedite"] >= now + timedelta(days=6)
    placements = [p for t in response.json["tiers"] for p in t["placements"] if p["machine_id"] == mill.id]
    assert placements and all(datetime.fromisoformat(p["starts_at"]) >= now + timedelta(days=6) for p in placements)


def test_a_process_no_factory_offers_is_infeasible_with_reasons(app, db, plant, buyer_api, declared):
    response = buyer_api.post("/api/v1/quotes", json=declared | {"route": ["wire_edm"]})
    assert response.status_code == 201
    body = response.json
    assert body["feasible"] is False and body["tiers"] == []
    blocking = [w for w in body["warnings"] if w["severity"] == "blocking"]
    assert blocking and blocking[0]["code"] == "no_machine" and "Wire EDM" in blocking[0]["message"]


def test_no_idle_time_in_the_horizon_is_infeasible_with_the_matching_reasons(app, db, plant, buyer_api, declared):
    _, mill, _ = plant
    start = datetime.now(UTC) - timedelta(days=1)
    db.session.add(
        CalendarException(machine=mill, kind="blackout", starts_at=start, ends_at=start + timedelta(days=60))
    )
    db.session.commit()
    body = buyer_api.post("/api/v1/quotes", json=declared).json
    assert body["feasible"] is False
    assert [t["feasible"] for t in body["tiers"]] == [False, False, False]
    assert all(t["reasons"] and t["ship_by"] is None for t in body["tiers"])
    assert any(w["code"] == "no_capacity" and w["severity"] == "blocking" for w in body["warnings"])


def test_due_date_marks_which_tiers_meet_it(app, db, plant, buyer_api, declared):
    soon = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    body = buyer_api.post("/api/v1/quotes", json=declared | {"due_date": soon}).json
    tiers = {t["tier"]: t for t in body["tiers"]}
    assert tiers["expedite"]["meets_due"] is True and tiers["economy"]["meets_due"] is False
