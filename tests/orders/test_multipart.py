"""A multi-part order: two quoted parts and an assembly at a third factory, planned as one DAG across the three
(the assembly waits for both lines, with the transport legs from each), priced as the lines plus the assembly."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.orders.models import Booking, Order, OrderStep

BRACKET = {"material": "al6061", "quantity": 20, "bbox_mm": [100, 60, 20], "volume_mm3": 80000, "finish": "anodised"}
PLATE = {"material": "al6061", "quantity": 20, "bbox_mm": [120, 80, 8], "volume_mm3": 70000,
         "route": ["cnc_mill_3ax"]}


def _quotes(buyer):
    quotes = [buyer.post("/api/v1/quotes", json=body).json for body in (BRACKET, PLATE)]
    assert all(q["feasible"] for q in quotes), quotes
    return quotes


def test_two_lines_and_an_assembly_across_three_factories(db, api_as, shops, assembler, buyer_user, fake_stripe,
                                                          drain):
    buyer = api_as(buyer_user)
    quotes = _quotes(buyer)
    r = buyer.post("/api/v1/orders/multi-part", json={
        "quote_ids": [q["id"] for q in quotes], "assembly": {"minutes_per_set": 6},
        "delivery_address": "长安镇振安路 88 号", "delivery_latitude": 22.8, "delivery_longitude": 113.8})
    assert r.status_code == 201, r.json
    order = r.json
    standard = [next(t for t in q["tiers"] if t["tier"] == "standard")["price_fen"] for q in quotes]
    assert [line["total_fen"] for line in order["lines"]] == standard
    assembly_fen = order["total_fen"] - sum(standard)
    assert 0 < assembly_fen < min(standard)                          # 30 + 6 × 20 min at ¥60/h, plus margins
    steps = order["steps"]
    assert [s["line"] for s in steps] == [1, 1, 2, None]
    assert steps[-1]["process_code"] == "assembly" and steps[-1]["predecessors"] == [2, 3]
    again = buyer.post("/api/v1/orders/multi-part", json={
        "quote_ids": [q["id"] for q in quotes], "assembly": {"minutes_per_set": 6}, "delivery_address": "x",
        "delivery_latitude": 22.8, "delivery_longitude": 113.8})
    assert again.status_code == 422 and "quote_ids" in again.json["errors"]       # each quote is ordered once

    assert buyer.post(f"/api/v1/orders/{order['id']}/pay", json={}).status_code == 202
    drain()
    assert buyer.get(f"/api/v1/orders/{order['id']}").json["status"] == "planned"
    db.session.rollback()
    stored = db.session.get(Order, order["id"])
    booked = {s.sequence: db.session.scalar(select(Booking).where(Booking.order_step_id == s.id))
              for s in stored.steps}
    firms = {seq: b.factory.firm.name for seq, b in booked.items()}
    assert firms == {1: "Mill Co", 2: "Finish Co", 3: "Mill Co", 4: "Assembly Co"}
    assert booked[4].starts_at >= max(booked[2].ends_at, booked[3].ends_at)        # waits for both lines
    assert booked[4].ends_at <= stored.promised_at
    timeline = buyer.get(f"/api/v1/orders/{order['id']}/timeline").json
    at = next(i for i, e in enumerate(timeline) if e.get("sequence") == 4)
    legs_into_assembly = []
    while timeline[at - 1 - len(legs_into_assembly)]["kind"] == "transport":
        legs_into_assembly.append(timeline[at - 1 - len(legs_into_assembly)])
    assert len(legs_into_assembly) == 2                              # from the anodiser and from the mill
    assert timeline[-1]["kind"] == "transport" and timeline[-1]["to"] == "delivery"

    for seq in (1, 2, 3):
        user = shops["mill_user"] if firms[seq] == "Mill Co" else shops["finish_user"]
        client = api_as(user)
        assert client.post(f"/api/v1/bookings/{booked[seq].id}/start").status_code == 200
        assert client.post(f"/api/v1/bookings/{booked[seq].id}/finish").status_code == 200
    refused = api_as(shops["finish_user"]).post(f"/api/v1/orders/{order['id']}/ship")
    assert refused.status_code == 403                                # the assembler ships
    assembler_client = api_as(assembler["user"])
    assert assembler_client.post(f"/api/v1/bookings/{booked[4].id}/start").status_code == 200
    assert assembler_client.post(f"/api/v1/bookings/{booked[4].id}/finish").status_code == 200
    assert assembler_client.post(f"/api/v1/orders/{order['id']}/ship").json["status"] == "shipped"


@pytest.mark.parametrize("change,field", [
    ({"quote_ids": []}, "quote_ids"),
    ({"assembly": {"minutes_per_set": 0}}, "assembly"),
    ({"assembly": {"minutes_per_set": 5, "sets": 21}}, "assembly_minutes"),     # more sets than parts
    ({"delivery_address": ""}, "delivery_address"),
])
def test_bad_multi_part_orders_store_nothing(db, api_as, shops, assembler, buyer_user, change, field):
    buyer = api_as(buyer_user)
    quotes = _quotes(buyer)
    body = {"quote_ids": [q["id"] for q in quotes], "assembly": {"minutes_per_set": 6},
            "delivery_address": "东莞", "delivery_latitude": 22.8, "delivery_longitude": 113.8} | change
    r = buyer.post("/api/v1/orders/multi-part", json=body)
    assert r.status_code == 422 and any(k.startswith(field) for k in r.json["errors"]), r.json
    db.session.rollback()
    assert db.session.scalar(select(OrderStep.id)) is None


def test_without_an_assembler_the_cluster_says_so(api_as, shops, buyer_user):
    buyer = api_as(buyer_user)
    quotes = _quotes(buyer)
    r = buyer.post("/api/v1/orders/multi-part", json={
        "quote_ids": [q["id"] for q in quotes], "assembly": {"minutes_per_set": 6}, "delivery_address": "东莞",
        "delivery_latitude": 22.8, "delivery_longitude": 113.8})
    assert r.status_code == 422 and "assembly_minutes" in r.json["errors"]
