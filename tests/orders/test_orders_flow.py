"""The whole order path over the API with the real solver and a Stripe-shaped server: quote -> order -> voucher ->
pay -> plan -> steps -> ship -> delivery -> capture and payouts -> rating."""

from datetime import date

from sqlalchemy import func, select

from marketplace.orders.models import Booking, Order
from marketplace.payments import ledger
from marketplace.payments.ledger import balanced as ledger_balanced
from marketplace.payments.models import Payout
from marketplace.vouchers.models import VoucherProgramme

DECLARED = {"material": "al6061", "quantity": 20, "bbox_mm": [100, 60, 20], "volume_mm3": 80000,
            "finish": "anodised"}


def test_quote_to_rating(app, db, api_as, shops, buyer_user, operator_user, fake_stripe, drain):
    buyer, operator = api_as(buyer_user), api_as(operator_user)
    shops["mill_firm"].stripe_account_id = "acct_millco"      # a Connect account: paid by transfer
    db.session.commit()                                        # Finish Co has none: manual settlement
    quote = buyer.post("/api/v1/quotes", json=DECLARED)
    assert quote.status_code == 201, quote.json
    assert [s["process"] for s in quote.json["work_content"]][:2] == ["cnc_mill_3ax", "anodise"]
    programme = operator.post("/api/v1/voucher-programmes", json={
        "name": "数字化服务券", "budget_fen": 1_000_000, "per_firm_cap_fen": 200_000, "kind": "percent",
        "percent_bp": 3000, "valid_from": "2026-01-01", "valid_until": "2027-12-31"}).json
    voucher = operator.post(f"/api/v1/voucher-programmes/{programme['id']}/vouchers",
                            json={"firm_id": buyer_user.firm_id}).json
    r = buyer.post("/api/v1/orders", json={"quote_id": quote.json["id"], "tier": "standard",
                                           "delivery_address": "东莞长安镇", "delivery_latitude": 22.80,
                                           "delivery_longitude": 113.80})
    assert r.status_code == 201, r.json
    order = r.json
    assert order["status"] == "accepted" and order["total_fen"] > 0
    again = buyer.post("/api/v1/orders", json={"quote_id": quote.json["id"], "delivery_latitude": 22.8,
                                               "delivery_longitude": 113.8})
    assert again.status_code == 422 and "quote_id" in again.json["errors"]     # one order per quote
    paid = buyer.post(f"/api/v1/orders/{order['id']}/pay", json={"voucher_code": voucher["code"]})
    assert paid.status_code == 202, paid.json                # answered at once: the charge runs after commit
    subsidy = order["total_fen"] * 3000 // 10_000
    assert paid.json["subsidy_fen"] == subsidy and paid.json["payable_fen"] == order["total_fen"] - subsidy
    assert paid.json["status"] == "accepted" and paid.json["in_progress"] == ["order.payment_requested"]
    assert fake_stripe.of("payment_intent") == []            # no provider call inside the request
    drain()                                                  # the runner: charge -> paid -> plan requested -> run
    assert buyer.get(f"/api/v1/orders/{order['id']}").json["status"] == "planned"
    db.session.rollback()
    assert db.session.get(VoucherProgramme, programme["id"]).spent_fen == subsidy
    stored = db.session.get(Order, order["id"])                 # the plan that ran keeps the quoted promise
    last_end = max(b.ends_at for s in stored.steps for b in db.session.scalars(
        select(Booking).where(Booking.order_step_id == s.id)))
    assert stored.promised_at is not None and last_end <= stored.promised_at

    # Each factory runs its own step from its schedule; the last one ships.
    for user in (shops["mill_user"], shops["finish_user"]):
        factory = api_as(user)
        rows = factory.get("/api/v1/schedule", query_string={"start": "2026-01-01T00:00:00+08:00",
                                                             "end": "2026-03-31T00:00:00+08:00"}).json \
            or _schedule_now(factory)
        mine = [b for b in rows if b["order_reference"] == order["reference"]]
        assert len(mine) == 1, rows
        assert factory.post(f"/api/v1/bookings/{mine[0]['id']}/start").json["status"] == "in_production"
        assert factory.post(f"/api/v1/bookings/{mine[0]['id']}/finish").status_code == 200
    timeline = buyer.get(f"/api/v1/orders/{order['id']}/timeline").json
    kinds = [e["kind"] for e in timeline]
    assert kinds.count("step") >= 2 and "transport" in kinds           # two sites: a leg between them
    assert buyer.post(f"/api/v1/orders/{order['id']}/confirm-delivery").status_code == 422  # not shipped yet
    remaining = [e for e in timeline if e["kind"] == "step" and e["status"] != "done"]
    assert remaining == []
    refused = api_as(shops["mill_user"]).post(f"/api/v1/orders/{order['id']}/ship")   # step 1's factory
    assert refused.status_code == 403 and "last step" in refused.json["message"]
    shipped = api_as(shops["finish_user"]).post(f"/api/v1/orders/{order['id']}/ship")
    assert shipped.status_code == 200 and shipped.json["status"] == "shipped"
    done = buyer.post(f"/api/v1/orders/{order['id']}/confirm-delivery")
    assert done.status_code == 202 and done.json["status"] == "delivered", done.json
    assert buyer.post(f"/api/v1/orders/{order['id']}/confirm-delivery").status_code == 202  # a retry is harmless
    drain()
    assert buyer.get(f"/api/v1/orders/{order['id']}").json["status"] == "completed"
    db.session.rollback()
    payouts = db.session.scalars(select(Payout).where(Payout.order_id == order["id"])).all()
    status = {p.firm_id: p.status for p in payouts}
    assert status == {shops["mill_firm"].id: "paid", shops["finish_firm"].id: "pending_manual_settlement"}
    assert all(p.fee_fen > 0 and p.amount_fen == p.gross_fen - p.fee_fen for p in payouts)
    assert ledger_balanced()
    rating = buyer.post(f"/api/v1/orders/{order['id']}/ratings",
                        json={"supplier_firm_id": shops["mill_firm"].id, "score": 5, "comment": "准时，质量好"})
    assert rating.status_code == 201
    assert buyer.post(f"/api/v1/orders/{order['id']}/ratings",
                      json={"supplier_firm_id": shops["mill_firm"].id, "score": 4}).status_code == 422
    profile = buyer.get(f"/api/v1/suppliers/{shops['mill_firm'].id}").json
    assert profile["rating"] == 5.0 and profile["ratings"] == 1
    events = [(e["from_status"], e["to_status"]) for e in buyer.get(f"/api/v1/orders/{order['id']}").json["events"]]
    assert events == [("quoted", "accepted"), ("accepted", "paid"), ("paid", "planned"),
                      ("planned", "in_production"), ("in_production", "shipped"), ("shipped", "delivered"),
                      ("delivered", "completed")]


def _schedule_now(factory):
    return factory.get("/api/v1/schedule", query_string={"start": f"{date.today()}T00:00:00+08:00",
                                                         "end": f"{date.fromordinal(date.today().toordinal() + 60)}"
                                                                f"T00:00:00+08:00"}).json


def test_cancel_after_payment_returns_the_voucher_and_its_receivable(app, db, api_as, shops, buyer_user,
                                                                     operator_user, fake_stripe, drain):
    buyer, operator = api_as(buyer_user), api_as(operator_user)
    quote = buyer.post("/api/v1/quotes", json=DECLARED).json
    programme = operator.post("/api/v1/voucher-programmes", json={
        "name": "P", "budget_fen": 50_000, "per_firm_cap_fen": 50_000, "kind": "fixed", "value_fen": 10_000,
        "valid_from": "2026-01-01", "valid_until": "2027-12-31"}).json
    code = operator.post(f"/api/v1/voucher-programmes/{programme['id']}/vouchers",
                         json={"firm_id": buyer_user.firm_id}).json["code"]
    order = buyer.post("/api/v1/orders", json={"quote_id": quote["id"], "delivery_address": "东莞",
                                               "delivery_latitude": 22.8, "delivery_longitude": 113.8}).json
    assert buyer.post(f"/api/v1/orders/{order['id']}/pay", json={"voucher_code": code}).json["subsidy_fen"] == 10_000
    drain()
    assert ledger.balance(f"voucher_receivable:{programme['id']}") == 10_000  # what the programme really spent
    r = buyer.post(f"/api/v1/orders/{order['id']}/cancel")
    assert r.status_code == 202 and r.json["status"] == "cancelled"
    drain()
    db.session.rollback()
    assert db.session.get(VoucherProgramme, programme["id"]).spent_fen == 0
    # the receivable equals the programme's real spend again, and the buyer has every fen back
    assert ledger.balance(f"voucher_receivable:{programme['id']}") == 0
    assert ledger.balance("psp_clearing") == 0 and fake_stripe.balance() == 0
    assert db.session.scalar(select(func.count(Booking.id)).join(Booking.step).where(
        Booking.step.has(order_id=order["id"]))) == 0
    assert db.session.get(Order, order["id"]).status == "cancelled"
    assert ledger_balanced()
