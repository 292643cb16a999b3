"""POST /webhooks/payments: events from the payments API.

The Stripe-Signature header (`t=<unix time>,v1=<hex>[,v1=...]`) is an HMAC-SHA256 with STRIPE_WEBHOOK_SECRET over
`<t>.<raw body>`; it is checked in constant time with a 5-minute tolerance. Each event id is processed once (a
replay answers 200 and changes nothing). The payload is not trusted beyond the ids: the object is fetched again
from the API and the payment brought up to its state (services.apply_intent is idempotent).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from flask import Blueprint, abort, current_app, jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db

webhooks = Blueprint("payment_webhooks", __name__)

INTENT_EVENTS = ("payment_intent.succeeded", "payment_intent.canceled", "payment_intent.payment_failed",
                 "payment_intent.amount_capturable_updated", "payment_intent.processing")


class SignatureError(ValueError):
    pass


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header value for `payload` (tests and local tools)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(payload: bytes, header: str | None, secret: str, tolerance_s: int = 300, now: float | None = None) -> int:
    """Check a Stripe-Signature header; returns its timestamp or raises SignatureError."""
    if not header:
        raise SignatureError("missing Stripe-Signature header")
    timestamp, signatures = None, []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise SignatureError("bad timestamp") from None
        elif name == "v1":
            signatures.append(value)
    if timestamp is None or not signatures:
        raise SignatureError("no timestamp or no v1 signature")
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance_s:
        raise SignatureError("timestamp outside the tolerance")
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise SignatureError("no signature matches")
    return timestamp


@webhooks.post("/webhooks/payments")
def receive():
    from marketplace.payments.models import Payment, WebhookEvent
    from marketplace.payments.services import apply_intent, client

    payload = request.get_data(cache=False)
    try:
        verify(payload, request.headers.get("Stripe-Signature"), current_app.config["STRIPE_WEBHOOK_SECRET"],
               current_app.config["STRIPE_WEBHOOK_TOLERANCE_S"])
    except SignatureError as exc:
        abort(400, f"Invalid signature: {exc}")
    try:
        event = json.loads(payload)
        event_id, event_type = str(event["id"]), str(event["type"])
        object_id = str((event.get("data") or {}).get("object", {}).get("id", ""))
    except (ValueError, KeyError, TypeError, AttributeError):
        abort(400, "Not an event.")
    row = WebhookEvent(event_id=event_id, type=event_type[:80], object_id=object_id[:80])
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return jsonify({"received": True, "duplicate": True})
    if event_type in INTENT_EVENTS and object_id:
        payment = db.session.scalar(select(Payment).where(Payment.intent_id == object_id))
        if payment is None:
            row.outcome = "no payment for this intent"
        else:
            intent = client().retrieve_payment_intent(object_id)  # trust the API, not the payload
            before = payment.status
            apply_intent(payment, intent)
            row.outcome = f"payment {payment.id}: {before} -> {payment.status}"
    else:
        row.outcome = "ignored"
    try:
        db.session.commit()
    except IntegrityError:  # the same event delivered twice at once
        db.session.rollback()
        return jsonify({"received": True, "duplicate": True})
    return jsonify({"received": True, "duplicate": False})
