"""Bids where instant pricing stops: a part too large for every mill goes to the factories that mill, two bid, the
buyer compares and awards; the order is placed at the bid plus the fee and planning keeps it at the winner."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from marketplace.bids.models import Bid, BidRequest
from marketplace.fees import fee_in
from marketplace.orders.models import Booking, Order

TOO_LONG = {"material": "al6061", "quantity": 4, "bbox_mm": [1500, 300, 120], "volume_mm3": 9_000_000,
            "route": ["cnc_mill_3ax"]}


def _publish(buyer, **extra):
    quote = buyer.post("/api/v1/quotes", json=TOO_LONG).json
    assert quote["feasible"] is False, quote
    r = buyer.post("/api/v1/bid-requests", json={"quote_id": quote["id"], "deadline_days": 3,
                                                 "notes": "整体铣削，不接受拼焊", **extra})
    assert r.status_code == 201, r.json
    return quote, r.json


def test_publish_bid_award_pay_and_plan_at_the_winner(db, api_as, shops, big_mill, buyer_user, fake_stripe, drain,
                                                      smtp_server):
    buyer, mill, big, finisher = (api_as(buyer_user), api_as(shops["mill_user"]), api_as(big_mill["user"]),
                                  api_as(shops["finish_user"]))
    quote, request = _publish(buyer)
    assert request["route"] == ["cnc_mill_3ax"] and request["status"] == "open"
    drain()
    told = {m["To"] for m in smtp_server.messages if request["reference"] in m["Subject"]}
    assert told == {shops["mill_user"].email, big_mill["user"].email}          # the mills, not the anodiser
    assert finisher.get(f"/api/v1/bid-requests/{request['id']}").status_code == 404
    refused = finisher.post(f"/api/v1/bid-requests/{request['id']}/bids", json={"price_fen": 1, "lead_days": 1})
    assert refused.status_code == 404
    assert [r["id"] for r in mill.get("/api/v1/bid-requests").json] == [request["id"]]

    assert mill.post(f"/api/v1/bid-requests/{request['id']}/bids",
                     json={"price_fen": 900_000, "lead_days": 12}).status_code == 201
    revised = mill.post(f"/api/v1/bid-requests/{request['id']}/bids",
                        json={"price_fen": 850_000, "lead_days": 12, "notes": "two setups"})
    assert revised.status_code == 201
    assert big.post(f"/api/v1/bid-requests/{request['id']}/bids",
                    json={"price_fen": 1_000_000, "lead_days": 6, "notes": "gantry, one setup"}).status_code == 201
    assert [b["firm_name"] for b in mill.get(f"/api/v1/bid-requests/{request['id']}").json["bids"]] == ["Mill Co"]
    seen = buyer.get(f"/api/v1/bid-requests/{request['id']}").json["bids"]
    assert [(b["firm_name"], b["price_fen"]) for b in seen] == [("Mill Co", 850_000), ("Big Mill Co", 1_000_000)]
    big_bid = next(b for b in seen if b["firm_name"] == "Big Mill Co")
    assert big_bid["buyer_price_fen"] == 1_050_000 and fee_in(big_bid["buyer_price_fen"]) == 50_000
    drain()
    assert len([n for n in buyer.get("/api/v1/notifications").json["items"] if n["kind"] == "bid_received"]) == 3

    no_address = buyer.post(f"/api/v1/bid-requests/{request['id']}/award", json={"bid_id": big_bid["id"],
                                                                                  "delivery_address": " "})
    assert no_address.status_code == 422 and "delivery_address" in no_address.json["errors"]
    awarded = buyer.post(f"/api/v1/bid-requests/{request['id']}/award",
                         json={"bid_id": big_bid["id"], "delivery_address": "长安镇振安路 88 号"})
    assert awarded.status_code == 201, awarded.json
    order = awarded.json
    assert order["total_fen"] == 1_050_000 and order["status"] == "accepted"
    again = buyer.post(f"/api/v1/bid-requests/{request['id']}/award",
                       json={"bid_id": big_bid["id"], "delivery_address": "x"})
    assert again.status_code == 422                                               # awarded once
    late = mill.post(f"/api/v1/bid-requests/{request['id']}/bids", json={"price_fen": 1, "lead_days": 1})
    assert late.status_code == 422
    assert buyer.post("/api/v1/orders", json={"quote_id": quote["id"], "delivery_latitude": 22.8,
                                              "delivery_longitude": 113.8}).status_code == 422

    assert buyer.post(f"/api/v1/orders/{order['id']}/pay", json={}).status_code == 202
    drain()
    planned = buyer.get(f"/api/v1/orders/{order['id']}").json
    assert planned["status"] == "planned", planned
    db.session.rollback()
    bookings = db.session.scalars(select(Booking).join(Booking.step).where(Booking.step.has(order_id=order["id"])))
    assert {b.machine_id for b in bookings} == {big_mill["machine"].id}          # kept at the winner
    kinds = {n["kind"] for n in big.get("/api/v1/notifications").json["items"]}
    assert {"bid_requested", "bid_won", "work_assigned"} <= kinds
    assert "bid_lost" in {n["kind"] for n in mill.get("/api/v1/notifications").json["items"]}
    assert big.get(f"/api/v1/orders/{order['id']}").status_code == 200
    assert mill.get(f"/api/v1/orders/{order['id']}").status_code == 404


@pytest.mark.parametrize("body,field", [
    ({"price_fen": 0, "lead_days": 5}, "price_fen"),
    ({"price_fen": 2_000_000_001, "lead_days": 5}, "price_fen"),
    ({"price_fen": 100, "lead_days": 0}, "lead_days"),
    ({"price_fen": 100, "lead_days": 5, "extra": 1}, "extra"),
])
def test_bad_bids_are_refused_and_nothing_is_stored(db, api_as, shops, buyer_user, body, field):
    _, request = _publish(api_as(buyer_user))
    r = api_as(shops["mill_user"]).post(f"/api/v1/bid-requests/{request['id']}/bids", json=body)
    assert r.status_code == 422 and field in r.json["errors"], r.json
    db.session.rollback()
    assert db.session.scalar(select(func.count(Bid.id))) == 0


def test_a_quote_goes_out_for_bids_once_and_only_its_buyer_publishes(api_as, shops, buyer_user, create_firm,
                                                                     create_user):
    buyer = api_as(buyer_user)
    quote, _ = _publish(buyer)
    twice = buyer.post("/api/v1/bid-requests", json={"quote_id": quote["id"]})
    assert twice.status_code == 422 and "quote_id" in twice.json["errors"]
    other = api_as(create_user(create_firm("buyer", name="Other buyer")))
    assert other.post("/api/v1/bid-requests", json={"quote_id": quote["id"]}).status_code == 404
    long = buyer.post("/api/v1/bid-requests", json={"quote_id": quote["id"], "deadline_days": 99})
    assert long.status_code == 422 and "deadline_days" in long.json["errors"]


def test_two_awards_at_once_place_one_order(app, db, api_as, shops, big_mill, buyer_user):
    buyer = api_as(buyer_user)
    _, request = _publish(buyer)
    bids = [api_as(u).post(f"/api/v1/bid-requests/{request['id']}/bids", json={"price_fen": p, "lead_days": 5}).json
            for u, p in ((shops["mill_user"], 500_000), (big_mill["user"], 600_000))]
    answers, barrier = [], threading.Barrier(2)
    client = api_as(buyer_user)

    def award(bid_id):
        with app.app_context():
            barrier.wait()
            answers.append(client.post(f"/api/v1/bid-requests/{request['id']}/award",
                                       json={"bid_id": bid_id, "delivery_address": "东莞"}).status_code)
            db.session.remove()

    threads = [threading.Thread(target=award, args=(b["id"],)) for b in bids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    db.session.rollback()
    assert sorted(answers) == [201, 422]
    assert db.session.scalar(select(func.count(Order.id))) == 1
    stored = db.session.get(BidRequest, request["id"])
    assert stored.status == "awarded" and sorted(b.status for b in stored.bids) == ["lost", "won"]


def test_questions_are_answered_for_every_factory_without_saying_who_asked(db, api_as, shops, big_mill, buyer_user,
                                                                           drain, smtp_server):
    buyer, mill, big = api_as(buyer_user), api_as(shops["mill_user"]), api_as(big_mill["user"])
    _, request = _publish(buyer)
    asked = mill.post(f"/api/v1/bid-requests/{request['id']}/questions", json={"question": "可以分两段铣吗？"})
    assert asked.status_code == 201, asked.json
    assert buyer.post(f"/api/v1/bid-requests/{request['id']}/questions",
                      json={"question": "me?"}).status_code == 422                       # buyers do not ask
    assert api_as(shops["finish_user"]).post(f"/api/v1/bid-requests/{request['id']}/questions",
                                             json={"question": "x"}).status_code == 404  # nor outsiders
    refused = mill.post(f"/api/v1/bid-requests/{request['id']}/questions/{asked.json['id']}/answer",
                        json={"answer": "self-answer"})
    assert refused.status_code == 403
    answered = buyer.post(f"/api/v1/bid-requests/{request['id']}/questions/{asked.json['id']}/answer",
                          json={"answer": "不可以，需整体加工。"})
    assert answered.status_code == 200
    seen = big.get(f"/api/v1/bid-requests/{request['id']}").json["questions"]
    assert [(q["question"], q["answer"]) for q in seen] == [("可以分两段铣吗？", "不可以，需整体加工。")]
    assert "firm_id" not in seen[0]
    drain()
    assert "bid_question" in {n["kind"] for n in buyer.get("/api/v1/notifications").json["items"]}
    assert "bid_answer" in {n["kind"] for n in big.get("/api/v1/notifications").json["items"]}
    assert any("回答" in m["Subject"] for m in smtp_server.messages if m["To"] == big_mill["user"].email)
