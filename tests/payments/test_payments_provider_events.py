"""Provider-side changes reach the books whatever order the webhooks arrive in, and replays change nothing:
refunds made at the provider, pending refunds that later succeed or fail, disputes that hold payouts, a cancelled
intent. Events are Stripe's shapes (id, type, data.object); the handler trusts only the ids and re-fetches."""

from __future__ import annotations

import itertools
import json
import random

import pytest

from marketplace.extensions import db
from marketplace.payments import ledger, services, settlement
from marketplace.payments.models import Payout, Refund
from marketplace.payments.webhooks import sign

_ids = itertools.count(1)


def _post(client, type_, obj, event_id=None):
    event = {"id": event_id or f"evt_{next(_ids)}", "object": "event", "type": type_, "data": {"object": obj}}
    body = json.dumps(event).encode()
    response = client.post("/webhooks/payments", data=body, content_type="application/json",
                           headers={"Stripe-Signature": sign(body, "whsec_local")})
    assert response.status_code == 200
    return event


def _deliver(client, events, drain):
    for type_, obj, event_id in events:
        _post(client, type_, obj, event_id)
    drain()


def _state(order, payment):
    db.session.refresh(order)
    db.session.refresh(payment)
    return (order.status, payment.status, payment.captured_fen, payment.refunded_fen,
            ledger.balance("psp_clearing"), ledger.balance(f"buyer:{order.buyer_firm_id}"))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_refund_at_the_provider_in_any_order_and_replayed(client, fake_stripe, buyer, create_paid_order, drain, seed):
    order = create_paid_order(buyer, 40_000)
    payment = services.charge_order(order, 40_000, payer_firm=buyer, capture="automatic")
    intent = fake_stripe.objects[payment.intent_id]
    refund = fake_stripe.refund_at_provider(payment.intent_id, 40_000)  # the buyer was refunded in full there
    events = [("payment_intent.succeeded", dict(intent), "evt_pi_ok"),
              ("charge.refunded", {"id": intent["latest_charge"], "object": "charge",
                                   "payment_intent": payment.intent_id}, "evt_ch_ref"),
              ("refund.updated", dict(refund), "evt_re_upd")]
    random.Random(seed).shuffle(events)
    _deliver(client, events + events[:2], drain)  # and two replays
    assert _state(order, payment) == ("refunded", "succeeded", 40_000, 40_000, 0, 0)
    assert db.session.query(Refund).one().source == "provider"
    with pytest.raises(Exception):  # nothing is held: nobody is paid out for a refunded order
        settlement.payout_order(order)


def test_a_pending_refund_is_booked_only_when_it_succeeds_and_a_failed_one_never(client, fake_stripe, buyer,
                                                                                  create_paid_order, drain):
    order = create_paid_order(buyer, 50_000)
    payment = services.charge_order(order, 50_000, payer_firm=buyer, capture="automatic")
    fake_stripe.refund_status = "pending"
    first = services.refund_order(order, 10_000, "damaged", key="refund_request:1")
    second = services.refund_order(order, 5_000, "late", key="refund_request:2")
    assert (first.status, second.status, payment.refunded_fen) == ("pending", "pending", 0)
    assert ledger.balance("psp_clearing") == 50_000  # no money moved in the books yet
    assert payment.refundable_fen == 35_000  # but what is in flight cannot be refunded again
    fake_stripe.set_refund_status(first.refund_id, "succeeded")
    fake_stripe.set_refund_status(second.refund_id, "failed")
    _deliver(client, [("refund.updated", fake_stripe.objects[first.refund_id], None),
                      ("refund.failed", fake_stripe.objects[second.refund_id], None)], drain)
    db.session.refresh(first)
    db.session.refresh(second)
    assert (first.status, second.status) == ("succeeded", "failed")
    assert _state(order, payment)[2:] == (50_000, 10_000, 40_000, -40_000)
    assert services.refund_order(order, 10_000, "damaged", key="refund_request:1") is first  # never twice


def test_a_dispute_holds_payouts_until_it_is_won(client, app, fake_stripe, buyer, create_firm, create_paid_order,
                                                 deliver_order, drain):
    from marketplace.events import DeliveryConfirmed
    from marketplace.outbox import emit

    factory = create_firm("factory")
    order = create_paid_order(buyer, 60_000, shares={factory: 30_000})
    payment = services.charge_order(order, 60_000, payer_firm=buyer, capture="automatic")
    for status in ("planned", "in_production", "shipped"):
        services.lifecycle.transition(order, status, None, "test")
    db.session.commit()
    dispute = fake_stripe.dispute(payment.intent_id, "needs_response")
    _deliver(client, [("charge.dispute.created", dict(dispute), None)], drain)
    assert _state(order, payment)[:2] == ("disputed", "succeeded") and payment.dispute_open
    emit(DeliveryConfirmed(order_id=order.id))  # the buyer confirms delivery while the dispute is open
    db.session.commit()
    drain()
    assert db.session.query(Payout).count() == 0  # held
    fake_stripe.dispute(payment.intent_id, "won", dispute["id"])
    _deliver(client, [("charge.dispute.closed", fake_stripe.objects[dispute["id"]], None)], drain)
    assert not payment.dispute_open
    settlement.payout_order(order)  # what the held settle handler does on its next turn
    assert db.session.query(Payout).one().gross_fen == 60_000


def test_a_lost_dispute_takes_the_money_off_the_books(client, fake_stripe, buyer, create_paid_order, drain):
    order = create_paid_order(buyer, 20_000)
    payment = services.charge_order(order, 20_000, payer_firm=buyer, capture="automatic")
    dispute = fake_stripe.dispute(payment.intent_id, "lost")
    for _ in range(2):  # replayed
        _deliver(client, [("charge.dispute.funds_withdrawn", dict(dispute), "evt_lost")], drain)
    assert _state(order, payment)[0] == "refunded"
    assert ledger.balance("psp_clearing") == 0 and ledger.balanced()


def test_an_intent_cancelled_at_the_provider_is_never_captured(client, fake_stripe, buyer, create_paid_order, drain):
    order = create_paid_order(buyer, 9_000)
    payment = services.charge_order(order, 9_000, payer_firm=buyer, capture="manual")
    fake_stripe.objects[payment.intent_id].update(status="canceled", amount_capturable=0)
    _deliver(client, [("payment_intent.canceled", {"id": payment.intent_id}, None)], drain)
    assert _state(order, payment)[1] == "canceled"
    with pytest.raises(Exception, match="cancelled"):
        services.capture_order(order)
