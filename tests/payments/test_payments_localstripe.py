"""The same flows against a real localstripe on 127.0.0.1 (its own state dir per test run).

localstripe covers customers, PaymentIntents (manual and automatic capture, partial capture, cancel), refunds and
events. It has no Connect (POST /v1/transfers is 404) and ignores Idempotency-Key: those are tested against
marketplace.devtools.fake_stripe.FakeStripe through httpx.MockTransport.
"""

from __future__ import annotations

import json

import httpx

from marketplace.payments import ledger, services, settlement
from marketplace.payments.webhooks import sign


def test_server_is_loopback_only_with_its_own_state(localstripe):
    assert localstripe.base_url.startswith("http://127.0.0.1:")
    assert localstripe.state_dir.is_dir()
    response = httpx.post(f"{localstripe.base_url}/v1/customers", data={"name": "probe"}, auth=("sk_test_x", ""))
    assert response.status_code == 200
    assert (localstripe.state_dir / "localstripe.pickle").exists()


def test_manual_capture_partial_refund_and_cancel(localstripe, buyer, create_paid_order):
    order = create_paid_order(buyer, 120_000)
    payment = services.charge_order(order, 120_000, payer_firm=buyer, capture="manual")
    assert payment.status == "requires_capture" and payment.intent_id.startswith("pi_")
    assert buyer.stripe_customer_id.startswith("cus_")
    services.capture_order(order, 100_000)
    assert payment.status == "succeeded" and payment.captured_fen == 100_000
    services.refund_order(order, 40_000, "late delivery")
    services.refund_order(order, 60_000, "rest")
    assert payment.refunded_fen == 100_000 and order.status == "refunded"
    assert ledger.balance("psp_clearing") == 0

    other = create_paid_order(buyer, 5_000)
    services.charge_order(other, 5_000, payer_firm=buyer, capture="manual")
    assert services.cancel_order_payment(other).status == "canceled"
    with httpx.Client(base_url=localstripe.base_url, auth=("sk_test_local", "")) as api:
        intent = api.get(f"/v1/payment_intents/{services.payment_of(other).intent_id}").json()
    assert intent["status"] == "canceled"
    assert ledger.balanced()


def test_automatic_charge_and_payout_falls_back_to_manual_settlement(localstripe, buyer, create_firm,
                                                                      create_paid_order, deliver_order):
    factory = create_firm("factory")
    factory.stripe_account_id = "acct_not_supported_here"
    order = create_paid_order(buyer, 10_000, shares={factory: 8_000})
    payment = services.charge_order(order, 10_000, payer_firm=buyer, capture="automatic")
    assert payment.status == "succeeded" and payment.captured_fen == 10_000
    deliver_order(order)
    (payout,) = settlement.payout_order(order)
    assert (payout.gross_fen, payout.fee_fen, payout.amount_fen) == (10_000, 476, 9_524)
    assert payout.status == "pending_manual_settlement" and "Connect" in payout.note
    assert ledger.balance("payouts_pending") == -9_524 and ledger.balance("platform_fees") == -476
    assert ledger.balanced()


def test_webhook_with_a_localstripe_event(client, db, localstripe, buyer, create_paid_order, drain):
    order = create_paid_order(buyer, 7_000)
    payment = services.charge_order(order, 7_000, payer_firm=buyer, capture="manual")
    with httpx.Client(base_url=localstripe.base_url, auth=("sk_test_local", "")) as api:
        api.post(f"/v1/payment_intents/{payment.intent_id}/capture", data={"amount_to_capture": "7000"})
        events = api.get("/v1/events", params={"type": "payment_intent.succeeded", "limit": 100}).json()["data"]
    event = next(e for e in events if e["data"]["object"]["id"] == payment.intent_id)
    body = json.dumps(event).encode()
    response = client.post("/webhooks/payments", data=body, content_type="application/json",
                           headers={"Stripe-Signature": sign(body, "whsec_local")})
    assert response.status_code == 200
    drain()
    db.session.refresh(payment)
    assert payment.status == "succeeded" and ledger.balance("psp_clearing") == 7_000
