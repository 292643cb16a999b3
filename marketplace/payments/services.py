"""Money operations on orders: charge, capture, cancel, refund, voucher postings, and `sync` with the provider.

No request access: the outbox handlers (payments/handlers.py) call these after the request committed its event.
Each operation is a resumable step:
    1. write the row (Payment / Refund) and its IdempotencyRecord, commit;
    2. call the API with that key; if the record already existed (a crash or an outage left the outcome unknown),
       first look the object up at the provider by its metadata, so a server that ignores Idempotency-Key, or a
       key past Stripe's 24-hour retention, never charges or refunds twice;
    3. record the outcome, the order's new status and the ledger posting in one commit.
Business-rule violations raise `FieldError`; a provider that stays unreachable raises `PaymentError` (retryable)
and the outbox runs the step again later.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import Firm
from marketplace.db_types import utcnow
from marketplace.errors import FieldError
from marketplace.events import OrderPaid
from marketplace.extensions import db
from marketplace.orders import lifecycle
from marketplace.orders.models import Order
from marketplace.outbox import emit
from marketplace.payments import ledger
from marketplace.payments.client import PaymentError, received_fen
from marketplace.payments.ledger import Cr, Dr
from marketplace.payments.models import IdempotencyRecord, Payment, Refund
from marketplace.payments.records import finish, record

CAPTURE_METHODS = ("manual", "automatic")
REFUND_FINAL = {"succeeded": "succeeded", "failed": "failed", "canceled": "failed"}


class PaymentDeclined(FieldError):
    """The card or payment method was declined (HTTP 402 from the payments API)."""

    def __init__(self, message: str, code: str | None = None):
        super().__init__("payment", message)
        self.code = code


def client():
    return current_app.extensions["payments"]


def metadata(**values) -> dict:
    """Metadata of every object the platform creates at the provider: its deployment first, for look-ups."""
    return {"deployment": current_app.config["PAYMENTS_KEY_PREFIX"], **values}


def capture_method_for(order: Order, today: date | None = None) -> str:
    """"manual" (authorise now, capture on delivery) only when the promised delivery is less than
    MANUAL_CAPTURE_MAX_DAYS days away: real Stripe voids an uncaptured authorisation after 7 days. Otherwise
    "automatic": charge at acceptance and hold the money on the platform balance until payout. The one rule."""
    today = today or utcnow().date()
    promised = order.promised_at.date() if order.promised_at else order.due_date
    short = (promised - today) < timedelta(days=current_app.config["MANUAL_CAPTURE_MAX_DAYS"])
    return "manual" if short else "automatic"


def payment_of(order: Order, lock: bool = False) -> Payment | None:
    stmt = select(Payment).where(Payment.order_id == order.id)
    if lock:
        stmt = stmt.with_for_update()
    return db.session.scalar(stmt)


# -- customers -----------------------------------------------------------------------------------------------------
def ensure_customer(firm: Firm) -> str:
    if firm.stripe_customer_id:
        return firm.stripe_customer_id
    key = f"firm:{firm.id}:customer"
    rec, new = record(key, "customer", None, {"name": firm.name})
    found = [] if new else client().find_by_metadata("/v1/customers", metadata(firm=firm.id))
    customer = found[-1] if found else client().create_customer(
        name=firm.name, metadata=metadata(firm=firm.id), idempotency_key=key)
    firm.stripe_customer_id = customer["id"]
    finish(rec, "succeeded", customer["id"])
    db.session.commit()
    return firm.stripe_customer_id


# -- charge --------------------------------------------------------------------------------------------------------
def charge_order(order: Order, amount_fen: int, *, payer_firm, capture: str | None = None, actor=None,
                 attempt: int | None = None) -> Payment:
    """Charge the buyer for `order`: one confirmed PaymentIntent, key `order:<id>:charge` (`:<n>` for the n-th
    attempt after a decline). At most one live intent per order: the Payment row is unique per order and a resend
    looks the intent up first. On success the order becomes "paid" in the same commit. A decline raises
    `PaymentDeclined`; `attempt` (the order's payment_attempt + 1) starts a new attempt only once per decline."""
    capture = capture or capture_method_for(order)
    if capture not in CAPTURE_METHODS:
        raise FieldError("capture", _("Use 'manual' or 'automatic'."))
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        raise FieldError("amount_fen", _("The amount must be a positive number of fen."))
    if payer_firm.id != order.buyer_firm_id:
        raise FieldError("payer_firm", _("Only the order's buyer pays for it."))
    payment = payment_of(order, lock=True)
    if payment is not None and payment.status in ("requires_capture", "succeeded"):
        _after_authorised(order, payment, actor)
        db.session.commit()
        return payment
    if payment is not None and payment.status == "canceled":
        raise FieldError("payment", _("This order's payment was cancelled."))
    if order.status != "paid" and not lifecycle.can(order, "paid"):
        raise FieldError("status", _("An order in status %(status)s cannot be paid.", status=order.status))
    if payment is None:
        payment = Payment(order_id=order.id, cluster_id=order.cluster_id, payer_firm_id=payer_firm.id,
                          amount_fen=amount_fen, currency=order.currency, capture_method=capture, status="pending",
                          attempt=1, idempotency_key=f"order:{order.id}:charge")
        db.session.add(payment)
        try:
            db.session.commit()
        except IntegrityError:  # a concurrent call created it first
            db.session.rollback()
            return charge_order(order, amount_fen, payer_firm=payer_firm, capture=capture, actor=actor,
                                attempt=attempt)
    elif payment.status == "failed":
        if attempt is not None and attempt <= payment.attempt:
            raise PaymentDeclined(payment.failure or "The payment was declined.")  # this attempt already failed
        payment.attempt += 1
        payment.idempotency_key = f"order:{order.id}:charge:{payment.attempt}"
        payment.amount_fen, payment.capture_method, payment.status, payment.failure = amount_fen, capture, "pending", ""
        payment.intent_id = None
        db.session.commit()
    send_charge(order, payment, actor)
    return payment


def _charge_params(order: Order, payment: Payment, customer: str) -> dict:
    return {
        "amount": payment.amount_fen,
        "currency": payment.currency.lower(),
        "customer": customer,
        "payment_method": current_app.config["STRIPE_TEST_PAYMENT_METHOD"],
        "payment_method_types": ["card"],
        "capture_method": payment.capture_method,
        "confirm": True,
        "metadata": metadata(order=order.id, order_reference=order.reference, payment_key=payment.idempotency_key),
    }


def send_charge(order: Order, payment: Payment, actor=None) -> None:
    customer = ensure_customer(db.session.get(Firm, payment.payer_firm_id))
    payment.customer_id = customer
    rec, new = record(payment.idempotency_key, "charge", order.id, _charge_params(order, payment, customer))
    intent = None
    if not new:  # sent before with an unknown outcome: never create a second intent for the same attempt
        found = client().find_by_metadata("/v1/payment_intents", {"payment_key": payment.idempotency_key},
                                          {"customer": customer})
        intent = found[0] if found else None
    if intent is None and order.status == "cancelled":  # cancelled before the charge went out: never send it
        payment.status, payment.failure = "canceled", "order cancelled before the charge was sent"
        finish(rec, "failed", error="order cancelled")
        db.session.commit()
        return
    if intent is None:
        try:
            intent = client().create_payment_intent(rec.params, idempotency_key=rec.key)
        except PaymentError as exc:
            if exc.retryable:
                raise  # outcome unknown: the payment stays "pending" with its record "started"
            payment.status, payment.failure = "failed", exc.message[:300]
            finish(rec, "failed", error=exc.message)
            order.payment_attempt = max(order.payment_attempt, payment.attempt)
            db.session.commit()
            if exc.is_card_error:
                raise PaymentDeclined(exc.message, exc.decline_code or exc.code) from exc
            raise
    finish(rec, "succeeded", intent["id"])
    apply_intent(payment, intent, actor=actor)
    db.session.commit()
    if payment.status == "failed":
        raise PaymentDeclined(payment.failure or "The payment was declined.")


def apply_intent(payment: Payment, intent: dict, *, captured_fen: int | None = None, actor=None) -> None:
    """Bring `payment` (and its order) up to the PaymentIntent's state. Idempotent; any order of calls ends in the
    provider's state."""
    payment.intent_id = intent["id"]
    status = intent.get("status")
    order = db.session.get(Order, payment.order_id)
    if status == "requires_capture":
        if payment.status == "pending":
            payment.status = "requires_capture"
    elif status == "succeeded":
        if payment.status != "succeeded":
            amount = intent.get("amount_received")
            if amount is None:  # a server without amount_received (localstripe): what we captured, else the amount
                amount = captured_fen or received_fen(intent) or payment.amount_fen
            payment.captured_fen = min(int(amount), payment.amount_fen)
            payment.status = "succeeded"
    elif status == "canceled":
        if payment.status in ("pending", "requires_capture"):
            payment.status = "canceled"
    elif status == "requires_payment_method" and payment.status in ("pending", "requires_capture"):
        error = intent.get("last_payment_error") or {}
        payment.status, payment.failure = "failed", (error.get("message") or "declined")[:300]
        order.payment_attempt = max(order.payment_attempt, payment.attempt)
    # processing / requires_action / requires_confirmation: stay pending; a webhook or the sweep finishes it
    if payment.status in ("requires_capture", "succeeded"):
        _after_authorised(order, payment, actor)


def _after_authorised(order: Order, payment: Payment, actor=None) -> None:
    if order.status != "paid" and lifecycle.can(order, "paid"):
        lifecycle.transition(order, "paid", actor, f"payment {payment.intent_id} {payment.capture_method}")
        emit(OrderPaid(order_id=order.id, cluster_id=order.cluster_id), dedupe=f"order:{order.id}:paid")
    if payment.status == "succeeded" and payment.captured_fen:
        amount = payment.captured_fen
        ledger.post(f"order:{order.id}:buyer_charge", "buyer_charge",
                    [Dr("psp_clearing", amount), Cr(f"buyer:{payment.payer_firm_id}", amount)],
                    order=order, currency=payment.currency, memo=f"{payment.intent_id}")


# -- capture and cancel --------------------------------------------------------------------------------------------
def _require_payment(order: Order) -> Payment:
    payment = payment_of(order, lock=True)
    if payment is None:
        raise FieldError("payment", _("This order has no payment."))
    if payment.status == "pending":  # outcome of the charge unknown (crash or outage): find out first
        send_charge(order, payment)
    return payment


def capture_order(order: Order, amount_fen: int | None = None) -> Payment:
    """Capture a manual authorisation (all of it, or `amount_fen` of it; the rest is released).
    Key `order:<id>:capture`. Never captures a cancelled intent, never more than was authorised."""
    payment = _require_payment(order)
    if payment.status == "succeeded":
        return payment
    if payment.status == "canceled":
        raise FieldError("payment", _("A cancelled payment cannot be captured."))
    if payment.status != "requires_capture":
        raise FieldError("payment", _("A payment in status %(status)s cannot be captured.", status=payment.status))
    amount = payment.amount_fen if amount_fen is None else amount_fen
    if not isinstance(amount, int) or amount <= 0 or amount > payment.amount_fen:
        raise FieldError("amount_fen", _("Capture between 1 and the authorised %(amount)s fen.",
                                         amount=payment.amount_fen))
    rec, new = record(f"order:{order.id}:capture", "capture", order.id, {"amount_to_capture": amount})
    if rec.params.get("amount_to_capture") != amount:  # the key stands for the first request's terms
        raise FieldError("amount_fen", _("A capture of %(amount)s fen is in progress.",
                                         amount=rec.params.get("amount_to_capture")))
    if not new:
        intent = client().retrieve_payment_intent(payment.intent_id)
        if intent.get("status") != "requires_capture":  # captured (or voided) by the earlier attempt
            finish(rec, "succeeded", intent["id"])
            apply_intent(payment, intent, captured_fen=amount)
            db.session.commit()
            return payment
    try:
        intent = client().capture_payment_intent(payment.intent_id, amount, idempotency_key=rec.key)
    except PaymentError as exc:
        if exc.retryable:
            raise
        intent = client().retrieve_payment_intent(payment.intent_id)  # already captured or cancelled elsewhere?
        apply_intent(payment, intent, captured_fen=amount)
        if payment.status != "succeeded":
            finish(rec, "failed", error=exc.message)
            db.session.commit()
            raise FieldError("payment", exc.message) from exc
    finish(rec, "succeeded", intent["id"])
    apply_intent(payment, intent, captured_fen=amount)
    db.session.commit()
    return payment


def cancel_order_payment(order: Order) -> Payment | None:
    """Release an uncaptured authorisation (key `order:<id>:cancel`). A captured payment is refunded instead."""
    payment = _require_payment(order)
    if payment.status in ("canceled", "failed"):
        if payment.status == "failed" and payment.intent_id:
            intent = client().retrieve_payment_intent(payment.intent_id)
            if intent.get("status") not in ("canceled", "requires_payment_method"):
                apply_intent(payment, intent)
        db.session.commit()
        return payment
    if payment.status == "succeeded":
        raise FieldError("payment", _("A captured payment cannot be cancelled; refund it instead."))
    rec, new = record(f"order:{order.id}:cancel", "cancel", order.id, {"payment_intent": payment.intent_id})
    intent = client().retrieve_payment_intent(payment.intent_id) if not new else None
    if intent is None or intent.get("status") not in ("canceled", "succeeded"):
        try:
            intent = client().cancel_payment_intent(payment.intent_id, idempotency_key=rec.key)
        except PaymentError as exc:
            if exc.retryable:
                raise
            intent = client().retrieve_payment_intent(payment.intent_id)
    if intent.get("status") == "canceled":
        finish(rec, "succeeded", intent["id"])
        payment.status = "canceled"
    else:
        finish(rec, "failed", error=f"intent is {intent.get('status')}")
        apply_intent(payment, intent)  # captured meanwhile: the caller refunds it
    db.session.commit()
    return payment


# -- refunds -------------------------------------------------------------------------------------------------------
def refund_order(order: Order, amount_fen: int, reason: str = "", *, key: str | None = None) -> Refund:
    """Refund part or all of what was captured. `key` names the business action (`order:<id>:refund:cancel`,
    `refund_request:<id>`): the same key never refunds twice, whatever crashed; without one the next number is
    used. Never more than captured minus refunded (refunds still in flight count). The refund is booked by the
    status the provider returns; a pending one is followed up by `sync`."""
    payment = _require_payment(order)
    if key is None:  # a caller without a business key: what it left in flight is finished first, and counts
        for pending in [r for r in payment.refunds if r.status == "pending" and not r.refund_id]:
            send_refund(order, payment, pending)
            if pending.amount_fen == amount_fen and pending.status != "failed":
                return pending
    key = key or f"order:{order.id}:refund:{payment.next_refund_number}"
    existing = db.session.scalar(select(Refund).where(Refund.idempotency_key == key))
    if existing is not None:
        if existing.status == "pending" and not existing.refund_id:
            send_refund(order, payment, existing)
        return existing
    if payment.status != "succeeded" or not payment.captured_fen:
        raise FieldError("payment", _("Nothing has been captured for this order."))
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        raise FieldError("amount_fen", _("The amount must be a positive number of fen."))
    if amount_fen > payment.refundable_fen:
        raise FieldError("amount_fen", _("At most %(left)s fen can still be refunded (captured %(captured)s, "
                                         "refunded %(refunded)s).",
                                         left=payment.refundable_fen, captured=payment.captured_fen,
                                         refunded=payment.refunded_fen))
    refund = Refund(payment=payment, order_id=order.id, number=payment.next_refund_number, amount_fen=amount_fen,
                    currency=payment.currency, reason=(reason or "")[:300], idempotency_key=key)
    db.session.add(refund)
    record(key, "refund", order.id, {"amount": amount_fen})  # commits the refund row with the record
    send_refund(order, payment, refund)
    return refund


def refund_at_provider(key: str, intent_id: str, amount_fen: int, *, order_id: int | None = None,
                       **meta) -> dict:
    """The provider's refund for business key `key` (order or lease money): the record is committed first; a
    resend looks the refund up by its key before creating one. A refusal is recorded as failed and re-raised (the
    caller marks its row, in the same commit); a retryable error leaves the outcome unknown."""
    rec, new = record(key, "refund", order_id, {"amount": amount_fen})
    response = None
    if not new:
        found = client().find_by_metadata("/v1/refunds", {"refund_key": key}, {"payment_intent": intent_id})
        response = found[0] if found else None
    if response is None:
        try:
            response = client().create_refund(payment_intent=intent_id, amount=amount_fen,
                                              metadata=metadata(**meta, refund_key=key), idempotency_key=key)
        except PaymentError as exc:
            if not exc.retryable:
                finish(rec, "failed", error=exc.message)
            raise
    finish(rec, "succeeded", response["id"])
    return response


def send_refund(order: Order, payment: Payment, refund: Refund) -> None:
    try:
        response = refund_at_provider(refund.idempotency_key, payment.intent_id, refund.amount_fen,
                                      order_id=order.id, order=order.id)
    except PaymentError as exc:
        if exc.retryable:
            raise
        refund.status, refund.failure = "failed", exc.message[:300]
        db.session.commit()
        raise FieldError("amount_fen", exc.message) from exc
    refund.refund_id = response["id"]
    apply_refund(order, payment, refund, response)
    db.session.commit()


def apply_refund(order: Order, payment: Payment, refund: Refund, obj: dict) -> None:
    """Book a refund by the status the provider gives it: only `succeeded` moves money in the books."""
    status = REFUND_FINAL.get(obj.get("status"), "pending")
    if refund.status != "pending" or status == "pending":
        return
    refund.status = status
    if status == "failed":
        refund.failure = (obj.get("failure_reason") or obj.get("status") or "failed")[:300]
        return
    payment.refunded_fen += refund.amount_fen
    settled = ledger.find(f"order:{order.id}:settlement") is not None
    debit = "refunds" if settled else f"buyer:{payment.payer_firm_id}"
    ledger.post(refund.idempotency_key, "refund", [Dr(debit, refund.amount_fen), Cr("psp_clearing", refund.amount_fen)],
                order=order, currency=refund.currency, memo=refund.reason)
    if payment.refunded_fen >= payment.captured_fen and lifecycle.can(order, "refunded"):
        lifecycle.transition(order, "refunded", None, f"refunded in full ({payment.refunded_fen} fen)")


# -- voucher subsidy -----------------------------------------------------------------------------------------------
def _subsidy_key(order_id: int, programme_id: int) -> str:
    return f"order:{order_id}:voucher:{programme_id}"


def record_voucher_subsidy(order: Order, programme_id: int, amount_fen: int):
    """The programme owes the subsidy (voucher_receivable:<programme>); it stands for the buyer next to what the
    buyer paid (buyer:<firm>). Idempotent per (order, programme); the caller commits."""
    if not isinstance(amount_fen, int) or amount_fen <= 0:
        raise FieldError("amount_fen", _("The subsidy must be a positive number of fen."))
    return ledger.post(_subsidy_key(order.id, programme_id), "voucher_subsidy",
                       [Dr(f"voucher_receivable:{programme_id}", amount_fen),
                        Cr(f"buyer:{order.buyer_firm_id}", amount_fen)],
                       order=order, currency=order.currency, memo=f"voucher programme {programme_id}")


def reverse_voucher_subsidy(order: Order, programme_id: int) -> None:
    """A cancelled order's subsidy was given back to the programme: take its receivable off the books too."""
    posted = ledger.find(_subsidy_key(order.id, programme_id))
    if posted is None:
        return
    amount = sum(line.debit_fen for line in posted.lines)
    ledger.post(f"{_subsidy_key(order.id, programme_id)}:reversal", "voucher_reversal",
                [Dr(f"buyer:{order.buyer_firm_id}", amount), Cr(f"voucher_receivable:{programme_id}", amount)],
                order=order, currency=order.currency, memo=f"voucher programme {programme_id} reversed")


def started_records(older_than_s: float) -> list[IdempotencyRecord]:
    cutoff = utcnow() - timedelta(seconds=older_than_s)
    return list(db.session.scalars(select(IdempotencyRecord).where(
        IdempotencyRecord.state == "started", IdempotencyRecord.order_id.is_not(None),
        IdempotencyRecord.updated_at < cutoff)))


# -- following the provider ----------------------------------------------------------------------------------------
DISPUTE_OPEN = ("warning_needs_response", "warning_under_review", "needs_response", "under_review")


def sync(order: Order, dispute_id: str | None = None) -> Payment | None:
    """Re-fetch the order's PaymentIntent, its refunds (and a named dispute) and bring the books up to them: any
    order of webhooks, replays and sweeps ends in the provider's state."""
    payment = payment_of(order, lock=True)
    if payment is None:
        return None
    if payment.status == "pending":
        try:
            send_charge(order, payment)
        except PaymentDeclined:
            return payment
    if not payment.intent_id:
        return payment
    intent = client().retrieve_payment_intent(payment.intent_id)
    apply_intent(payment, intent)
    _resolve_started(order, payment)
    if payment.status == "succeeded":
        for obj in sorted(client().list_all("/v1/refunds", {"payment_intent": payment.intent_id}),
                          key=lambda o: (o.get("created") or 0, o["id"])):
            _apply_provider_refund(order, payment, obj)
    if dispute_id:
        apply_dispute(order, payment, client().retrieve_dispute(dispute_id))
    db.session.commit()
    return payment


def _resolve_started(order: Order, payment: Payment) -> None:
    for rec in db.session.scalars(select(IdempotencyRecord).where(IdempotencyRecord.order_id == order.id,
                                                                  IdempotencyRecord.state == "started")):
        if rec.action == "capture" and payment.status == "succeeded":
            finish(rec, "succeeded", payment.intent_id)
        elif rec.action == "cancel" and payment.status == "canceled":
            finish(rec, "succeeded", payment.intent_id)


def _apply_provider_refund(order: Order, payment: Payment, obj: dict) -> None:
    if obj.get("payment_intent") not in (None, payment.intent_id):
        return
    refund = db.session.scalar(select(Refund).where(Refund.refund_id == obj["id"]))
    key = (obj.get("metadata") or {}).get("refund_key")
    if refund is None and key:
        refund = db.session.scalar(select(Refund).where(Refund.idempotency_key == key))
    if refund is None:  # made at the provider (its dashboard, a chargeback tool): the books learn of it here
        refund = Refund(payment=payment, order_id=order.id, number=payment.next_refund_number,
                        amount_fen=int(obj["amount"]),
                        currency=payment.currency, reason="refunded at the payments provider", source="provider",
                        idempotency_key=f"provider:{obj['id']}", refund_id=obj["id"])
        db.session.add(refund)
        db.session.flush()
    refund.refund_id = refund.refund_id or obj["id"]
    apply_refund(order, payment, refund, obj)


def apply_dispute(order: Order, payment: Payment, dispute: dict) -> None:
    """A dispute puts the order in "disputed" and holds its payouts; a lost one takes the money off the books."""
    status = dispute.get("status", "")
    payment.dispute_id, payment.dispute_status = dispute["id"], status
    if status in DISPUTE_OPEN and lifecycle.can(order, "disputed"):
        lifecycle.transition(order, "disputed", None, f"payment disputed ({dispute.get('reason', '')})")
    if status == "lost":
        amount = int(dispute.get("amount") or payment.captured_fen - payment.refunded_fen)
        settled = ledger.find(f"order:{order.id}:settlement") is not None
        debit = "dispute_losses" if settled else f"buyer:{payment.payer_firm_id}"
        ledger.post(f"dispute:{dispute['id']}:lost", "dispute_lost", [Dr(debit, amount), Cr("psp_clearing", amount)],
                    order=order, currency=payment.currency, memo=dispute.get("reason", ""))
        if lifecycle.can(order, "refunded"):
            lifecycle.transition(order, "refunded", None, "dispute lost: the buyer's bank returned the money")
