"""Refund requests over the REST API (buyer asks, operator or factory decides, refunded in the background), and the
payables and payouts endpoints."""

from __future__ import annotations

from marketplace.payments import ledger, services, settlement


def test_refund_request_decided_by_the_factory_and_refunded_once(app, db, api_as, create_firm, create_user, buyer,
                                                                  create_paid_order, fake_stripe, drain):
    factory = create_firm("factory", name="Mill")
    order = create_paid_order(buyer, 80_000, shares={factory: 40_000})
    services.charge_order(order, 80_000, payer_firm=buyer, capture="automatic")
    buyer_api, factory_api = api_as(create_user(buyer)), api_as(create_user(factory))
    outsider = api_as(create_user(create_firm("factory", name="Other")))
    path = f"/api/v1/orders/{order.id}/refund-requests"

    too_much = buyer_api.post(path, json={"amount_fen": 80_001, "reason": "scratched"})
    assert too_much.status_code == 422 and "amount_fen" in too_much.json["errors"]
    assert buyer_api.post(path, json={"amount_fen": 0, "reason": "x"}).status_code == 422
    assert factory_api.post(path, json={"amount_fen": 100, "reason": "mine"}).status_code == 403
    assert outsider.get(path).status_code == 404
    asked = buyer_api.post(path, json={"amount_fen": 30_000, "reason": "two parts scratched"})
    assert asked.status_code == 201 and asked.json["status"] == "requested"
    second = buyer_api.post(path, json={"amount_fen": 60_000, "reason": "more"})
    assert second.status_code == 422  # 30,000 is already asked for: at most 50,000 more
    decision = f"/api/v1/refund-requests/{asked.json['id']}/decision"
    assert buyer_api.post(decision, json={"approve": True}).status_code == 403
    assert outsider.post(decision, json={"approve": True}).status_code == 404
    approved = factory_api.post(decision, json={"approve": True, "note": "agreed"})
    assert approved.status_code == 202 and approved.json["status"] == "approved"
    assert approved.json["refund_status"] is None  # not sent yet: it goes after commit
    assert factory_api.post(decision, json={"approve": True}).status_code == 422  # decided once
    drain()
    drain()
    assert buyer_api.get(path).json[0]["refund_status"] == "succeeded"
    assert [r["amount"] for r in fake_stripe.of("refund")] == [30_000]
    assert ledger.balance("psp_clearing") == 50_000


def test_payables_and_payouts(app, db, api_as, create_firm, create_user, buyer, create_paid_order, fake_stripe,
                              deliver_order):
    factory = create_firm("factory", name="Mill")
    operator = create_firm("operator", name="Office")
    order = create_paid_order(buyer, 10_000, shares={factory: 5_000})
    services.charge_order(order, 10_000, payer_firm=buyer, capture="automatic")
    deliver_order(order)
    settlement.payout_order(order)  # no connected account: waits for manual settlement
    mine = api_as(create_user(factory)).get("/api/v1/payables").json
    assert mine["owed_fen"] == 9_524 and mine["payouts"][0]["status"] == "pending_manual_settlement"
    assert mine["payouts"][0]["order_reference"] == order.reference
    assert api_as(create_user(operator)).get("/api/v1/payouts").json[0]["amount_fen"] == 9_524
    assert api_as(create_user(buyer)).get("/api/v1/payables").status_code == 403
