"""Counter-offers: a factory answers an assignment with a later start; the buyer accepts (the step moves there and is
committed, the next step follows) or rejects (a decline: the step goes to other capacity)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.planning import counter_offers
from marketplace.planning.models import CounterOffer

NOW = datetime.now(timezone.utc)
WINDOW = {"start": (NOW - timedelta(days=2)).isoformat(), "end": (NOW + timedelta(days=90)).isoformat()}


def _rows(client, process):
    rows = client.get("/api/v1/schedule", query_string=WINDOW).json
    assert isinstance(rows, list), rows
    return [r for r in rows if r["process_code"] == process]


def _refused(response, field):
    """A 422 naming the field: the service's own check, or the schema's (under "json")."""
    errors = response.json.get("errors", {})
    return response.status_code == 422 and (field in errors or field in errors.get("json", {}))


def _later(row, hours):
    return (datetime.fromisoformat(row["starts_at"]) + timedelta(hours=hours)).isoformat()


def test_accepted_counter_offer_moves_the_step_commits_it_and_the_next_step_follows(
        api_as, planned_order, shops, buyer_user, outsider_user, drain):
    mill, buyer, finish = api_as(shops["mill_user"]), api_as(buyer_user), api_as(shops["finish_user"])
    row = _rows(mill, "cnc_mill_3ax")[0]
    assert row["status"] == "planned"
    bad = mill.post(f"/api/v1/bookings/{row['id']}/counter-offer", json={"starts_at": _later(row, -1)})
    assert _refused(bad, "starts_at"), bad.json
    naive = mill.post(f"/api/v1/bookings/{row['id']}/counter-offer", json={"starts_at": "2026-12-20T08:00:00"})
    assert _refused(naive, "starts_at"), naive.json
    too_late = mill.post(f"/api/v1/bookings/{row['id']}/counter-offer", json={"starts_at": _later(row, 24 * 61)})
    assert _refused(too_late, "starts_at")
    assert finish.post(f"/api/v1/bookings/{row['id']}/counter-offer",
                       json={"starts_at": _later(row, 48)}).status_code == 404   # not its machine

    r = mill.post(f"/api/v1/bookings/{row['id']}/counter-offer",
                  json={"starts_at": _later(row, 48), "note": "主轴周三才修好"})
    assert r.status_code == 201 and r.json["status"] == "open", r.json
    offer = r.json
    assert _rows(mill, "cnc_mill_3ax")[0]["status"] == "countered"
    assert mill.post(f"/api/v1/bookings/{row['id']}/counter-offer",
                     json={"starts_at": _later(row, 72)}).status_code == 422     # one open offer per booking
    drain()  # a re-plan meanwhile keeps the booking where it is; the buyer is told
    assert _rows(mill, "cnc_mill_3ax")[0]["starts_at"] == row["starts_at"]
    kinds = [n["kind"] for n in buyer.get("/api/v1/notifications").json["items"]]
    assert "counter_offer" in kinds

    assert api_as(outsider_user).get(f"/api/v1/counter-offers/{offer['id']}").status_code == 404
    assert mill.post(f"/api/v1/counter-offers/{offer['id']}/accept").status_code == 403   # only the buyer decides
    listed = buyer.get(f"/api/v1/orders/{planned_order['id']}/counter-offers").json
    assert [o["id"] for o in listed] == [offer["id"]] and listed[0]["note"] == "主轴周三才修好"

    accepted = buyer.post(f"/api/v1/counter-offers/{offer['id']}/accept")
    assert accepted.status_code == 200 and accepted.json["status"] == "accepted"
    assert buyer.post(f"/api/v1/counter-offers/{offer['id']}/accept").status_code == 422  # decided once
    assert buyer.post(f"/api/v1/counter-offers/{offer['id']}/reject").status_code == 422
    drain()
    moved = _rows(mill, "cnc_mill_3ax")[0]
    assert moved["id"] == row["id"] and moved["status"] == "accepted"
    assert datetime.fromisoformat(moved["starts_at"]) == datetime.fromisoformat(offer["proposed_start"])
    assert datetime.fromisoformat(moved["ends_at"]) == datetime.fromisoformat(offer["proposed_end"])
    anodise = _rows(finish, "anodise")[0]
    assert datetime.fromisoformat(anodise["starts_at"]) >= datetime.fromisoformat(moved["ends_at"])
    assert "counter_offer_accepted" in [n["kind"] for n in mill.get("/api/v1/notifications").json["items"]]


def test_rejected_counter_offer_is_a_decline_and_the_step_goes_elsewhere(
        api_as, planned_order, shops, buyer_user, big_mill, drain):
    mill, buyer = api_as(shops["mill_user"]), api_as(buyer_user)
    row = _rows(mill, "cnc_mill_3ax")[0]
    offer = mill.post(f"/api/v1/bookings/{row['id']}/counter-offer", json={"starts_at": _later(row, 30)}).json
    r = buyer.post(f"/api/v1/counter-offers/{offer['id']}/reject")
    assert r.status_code == 200 and r.json["status"] == "rejected"
    drain()
    assert _rows(mill, "cnc_mill_3ax") == []                                 # gone from Mill Co
    assert len(_rows(api_as(big_mill["user"]), "cnc_mill_3ax")) == 1          # placed at Big Mill Co
    assert "counter_offer_rejected" in [n["kind"] for n in mill.get("/api/v1/notifications").json["items"]]
    assert mill.get(f"/api/v1/counter-offers/{offer['id']}").json["status"] == "rejected"  # still its own to read


def test_withdrawn_counter_offer_proposes_the_assignment_again(api_as, planned_order, shops, buyer_user):
    mill, buyer = api_as(shops["mill_user"]), api_as(buyer_user)
    row = _rows(mill, "cnc_mill_3ax")[0]
    offer = mill.post(f"/api/v1/bookings/{row['id']}/counter-offer", json={"starts_at": _later(row, 5)}).json
    assert buyer.post(f"/api/v1/counter-offers/{offer['id']}/withdraw").status_code == 403
    assert mill.post(f"/api/v1/counter-offers/{offer['id']}/withdraw").json["status"] == "withdrawn"
    assert _rows(mill, "cnc_mill_3ax")[0]["status"] == "planned"
    assert buyer.post(f"/api/v1/counter-offers/{offer['id']}/accept").status_code == 422


def test_a_slot_the_machine_is_busy_in_is_refused(api_as, planned_order, shops, db):
    from marketplace.orders.models import Booking

    mill = api_as(shops["mill_user"])
    row = _rows(mill, "cnc_mill_3ax")[0]
    start = datetime.fromisoformat(row["starts_at"]) + timedelta(days=3)
    db.session.add(Booking(machine_id=row["machine_id"], starts_at=start - timedelta(hours=1),
                           ends_at=start + timedelta(hours=1), status="accepted", note="own work"))
    db.session.commit()
    r = mill.post(f"/api/v1/bookings/{row['id']}/counter-offer", json={"starts_at": start.isoformat()})
    assert _refused(r, "starts_at"), r.json
    assert db.session.query(CounterOffer).count() == 0                       # nothing partial stored


def test_two_answers_at_once_decide_once(app, api_as, planned_order, shops, buyer_user):
    mill = api_as(shops["mill_user"])
    row = _rows(mill, "cnc_mill_3ax")[0]
    offer_id = mill.post(f"/api/v1/bookings/{row['id']}/counter-offer", json={"starts_at": _later(row, 8)}).json["id"]
    with app.test_request_context():
        stale = CounterOffer(id=offer_id, status="open")  # what a second request read before the first committed
        counter_offers.accept(db.session.get(CounterOffer, offer_id), buyer_user)
        db.session.commit()
        with pytest.raises(FieldError, match="status"):
            counter_offers._decide(stale, "rejected", buyer_user)
        assert db.session.get(CounterOffer, offer_id).status == "accepted"


def _page(app, sign_in, user, language, path):
    client = app.test_client()
    sign_in(client, user, language)
    return client.get(path).get_data(as_text=True)


def test_pages_show_the_offer_to_the_buyer_in_chinese_and_english(app, api_as, planned_order, shops, buyer_user,
                                                                     sign_in):
    mill = api_as(shops["mill_user"])
    row = _rows(mill, "cnc_mill_3ax")[0]
    factory_page = _page(app, sign_in, shops["mill_user"], "zh", "/schedule")
    assert "提出更晚的开工时间" in factory_page
    mill.post(f"/api/v1/bookings/{row['id']}/counter-offer", json={"starts_at": _later(row, 26), "note": "下周二"})
    for locale, heading, action in (("zh", "改期提议", "接受"), ("en", "Counter-offers", "Accept")):
        page = _page(app, sign_in, buyer_user, locale, f"/orders/{planned_order['id']}")
        assert heading in page and action in page and "下周二" in page
    outsider_page = _page(app, sign_in, shops["finish_user"], "en", f"/orders/{planned_order['id']}")
    assert "下周二" not in outsider_page                                        # another factory's offer is not shown
