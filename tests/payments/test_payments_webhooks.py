"""POST /webhooks/payments: signature (valid, wrong secret, stale, malformed), replayed event, re-fetch."""

from __future__ import annotations

import json
import time

import pytest

from marketplace.payments import services
from marketplace.payments.models import WebhookEvent
from marketplace.payments.webhooks import SignatureError, sign, verify

SECRET = "whsec_local"


def _post(client, event: dict, secret: str = SECRET, timestamp: int | None = None):
    body = json.dumps(event).encode()
    return client.post("/webhooks/payments", data=body, content_type="application/json",
                       headers={"Stripe-Signature": sign(body, secret, timestamp)})


def test_verify_accepts_any_matching_v1_and_rejects_the_rest():
    body, now = b'{"id": "evt_1"}', 1_800_000_000
    good = sign(body, SECRET, now)
    assert verify(body, good, SECRET, now=now) == now
    assert verify(body, f"t={now},v1=deadbeef,{good.split(',')[1]}", SECRET, now=now) == now
    for header in (None, "", "v1=abc", f"t={now}", "t=x,v1=abc", sign(body, "whsec_other", now)):
        with pytest.raises(SignatureError):
            verify(body, header, SECRET, now=now)
    with pytest.raises(SignatureError, match="tolerance"):
        verify(body, good, SECRET, now=now + 301)
    with pytest.raises(SignatureError):
        verify(body + b" ", good, SECRET, now=now)


def test_webhook_refetches_the_intent_and_a_replay_changes_nothing(client, db, fake_stripe, buyer, create_paid_order,
                                                                   drain):
    order = create_paid_order(buyer, 30_000)
    payment = services.charge_order(order, 30_000, payer_firm=buyer, capture="manual")
    intent = fake_stripe.objects[payment.intent_id]
    # captured elsewhere (the provider's dashboard): only the webhook tells us
    intent.update(status="succeeded", amount_received=25_000, amount_capturable=0)
    event = {"id": "evt_captured", "type": "payment_intent.succeeded",
             "data": {"object": {"id": payment.intent_id, "status": "requires_capture", "amount_received": 1}}}
    requests_before = len(fake_stripe.requests)
    response = _post(client, event)
    assert response.status_code == 200 and response.json == {"received": True, "duplicate": False}
    assert len(fake_stripe.requests) == requests_before  # the request makes no provider call: it queues a sync
    db.session.refresh(payment)
    assert payment.status == "requires_capture"
    drain()
    db.session.refresh(payment)
    assert payment.status == "succeeded" and payment.captured_fen == 25_000  # from the API, not the payload
    assert services.ledger.balance("psp_clearing") == 25_000

    replay = _post(client, event)
    assert replay.status_code == 200 and replay.json["duplicate"] is True
    drain()
    assert services.ledger.balance("psp_clearing") == 25_000
    assert db.session.query(WebhookEvent).count() == 1


def test_wrong_secret_and_stale_timestamp_are_400(client, db, fake_stripe):
    event = {"id": "evt_x", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_x"}}}
    wrong = _post(client, event, secret="whsec_attacker")
    assert wrong.status_code == 400 and wrong.json["code"] == 400 and "signature" in wrong.json["message"]
    stale = _post(client, event, timestamp=int(time.time()) - 301)
    assert stale.status_code == 400
    assert db.session.query(WebhookEvent).count() == 0


def test_unknown_events_are_recorded_and_ignored(client, db, fake_stripe):
    response = _post(client, {"id": "evt_c", "type": "customer.created", "data": {"object": {"id": "cus_1"}}})
    assert response.status_code == 200
    assert db.session.query(WebhookEvent).one().outcome == "ignored"


def test_csrf_does_not_apply(csrf_app, fake_stripe):
    import httpx

    from marketplace import payments
    from marketplace.devtools.fake_stripe import FakeStripe

    payments.init_app(csrf_app, transport=httpx.MockTransport(FakeStripe()), sleep=lambda s: None)
    response = _post(csrf_app.test_client(), {"id": "evt_d", "type": "ping", "data": {"object": {}}})
    assert response.status_code == 200
