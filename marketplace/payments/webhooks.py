"""POST /webhooks/payments: events from the payments API.

The Stripe-Signature header (`t=<unix time>,v1=<hex>[,v1=...]`) is an HMAC-SHA256 with STRIPE_WEBHOOK_SECRET over
`<t>.<raw body>`; it is checked in constant time with a 5-minute tolerance. Each event id is recorded once (a
replay answers 200 and changes nothing). The request makes no provider call: it finds the order the event's object
belongs to and queues a `PaymentSyncRequested`, whose handler re-fetches the objects from the API (the payload is
not trusted beyond its ids) — so any order of delivery and any replay ends in the provider's state.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from flask import Blueprint, abort, current_app, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.events import PaymentSyncRequested
from marketplace.extensions import db
from marketplace.outbox import emit
from marketplace.payments.models import Payment, WebhookEvent

webhooks = Blueprint("payment_webhooks", __name__)

# events whose object is a PaymentIntent, or names one (charges, refunds, disputes)
INTENT_EVENTS = ("payment_intent.succeeded", "payment_intent.canceled", "payment_intent.payment_failed",
                 "payment_intent.amount_capturable_updated", "payment_intent.processing",
                 "payment_intent.requires_action")
RELATED_EVENTS = ("charge.refunded", "charge.refund.updated", "refund.created", "refund.updated", "refund.failed",
                  "charge.dispute.created", "charge.dispute.updated", "charge.dispute.closed",
                  "charge.dispute.funds_withdrawn", "charge.dispute.funds_reinstated", "charge.succeeded",
                  "charge.captured")


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


def _intent_of(event_type: str, obj: dict) -> str:
    if event_type in INTENT_EVENTS:
        return str(obj.get("id", ""))
    intent = obj.get("payment_intent")
    return str(intent.get("id") if isinstance(intent, dict) else intent or "")


@webhooks.post("/webhooks/payments")
def receive():
    payload = request.get_data(cache=False)
    try:
        verify(payload, request.headers.get("Stripe-Signature"), current_app.config["STRIPE_WEBHOOK_SECRET"],
               current_app.config["STRIPE_WEBHOOK_TOLERANCE_S"])
    except SignatureError as exc:
        abort(400, f"Invalid signature: {exc}")
    try:
        event = json.loads(payload)
        event_id, event_type = str(event["id"]), str(event["type"])
        obj = (event.get("data") or {}).get("object") or {}
        object_id = str(obj.get("id", ""))
        intent_id = _intent_of(event_type, obj) if event_type in INTENT_EVENTS + RELATED_EVENTS else ""
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        abort(400, _("Not an event."))
    row = WebhookEvent(event_id=event_id[:80], type=event_type[:80], object_id=object_id[:80])
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return jsonify({"received": True, "duplicate": True})
    payment = db.session.scalar(select(Payment).where(Payment.intent_id == intent_id)) if intent_id else None
    if not intent_id:
        row.outcome = "ignored"
    elif payment is None:
        row.outcome = "no payment for this intent"
    else:
        dispute = object_id if event_type.startswith("charge.dispute.") else None
        emit(PaymentSyncRequested(order_id=payment.order_id, reason=event_type[:60], dispute_id=dispute),
             dedupe=f"webhook:{event_id}")
        row.outcome = f"payment {payment.id}: sync queued"
    try:
        db.session.commit()
    except IntegrityError:  # the same event delivered twice at once
        db.session.rollback()
        return jsonify({"received": True, "duplicate": True})
    return jsonify({"received": True, "duplicate": False})
