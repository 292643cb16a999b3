"""Money operations on orders: charge, capture, cancel, refund, payout, voucher subsidy; and the read helpers.

No request access. Business-rule violations raise `FieldError` (422); a payments API that stays unreachable after
the client's retries raises `PaymentError` and leaves the operation's idempotency record in state "started", so
calling the same service again resends the same Idempotency-Key with the same parameters.

Commit discipline of every operation that calls the payments API:
    1. write the row (Payment / Refund / Payout) and its IdempotencyRecord, commit;
    2. call the API with that key (the client retries network errors, 409, 429, 5xx);
    3. record the outcome, post the ledger transaction (keyed by the business action), commit.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.orders import lifecycle
from marketplace.orders.models import Booking, Order, OrderStep
from marketplace.payments import ledger
from marketplace.payments.client import PaymentError
from marketplace.payments.ledger import Cr, Dr
from marketplace.payments.models import (
    IdempotencyRecord,
    LedgerAccount,
    LedgerLine,
    LedgerTransaction,
    Payment,
    Payout,
    Refund,
)

CAPTURE_METHODS = ("manual", "automatic")
PAYABLE_BOOKING_EXCLUDED = ("cancelled", "declined")


class PaymentDeclined(FieldError):
    """The card or payment method was declined (HTTP 402 from the payments API)."""

    def __init__(self, message: str, code: str | None = None):
        super().__init__("payment", message)
        self.code = code


def client():
    return current_app.extensions["payments"]


def capture_method_for(order: Order, today: date | None = None) -> str:
    """"manual" (authorise now, capture on delivery) only when the promised delivery is less than
    MANUAL_CAPTURE_MAX_DAYS (6) days away: real Stripe voids an uncaptured authorisation after 7 days. Otherwise
    "automatic": charge at acceptance and hold the money on the platform balance until payout."""
    today = today or datetime.now(UTC).date()
    promised = order.promised_at.date() if order.promised_at else order.due_date
    short = (promised - today) < timedelta(days=current_app.config["MANUAL_CAPTURE_MAX_DAYS"])
    return "manual" if short else "automatic"


# -- idempotency records -------------------------------------------------------------------------------------------
def _record(key: str, action: str, order_id: int | None, params: dict) -> IdempotencyRecord:
    """The record for `key`, written and committed now if it is new (before any HTTP call)."""
    rec = db.session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.key == key))
    if rec is None:
        rec = IdempotencyRecord(key=key, action=action, order_id=order_id, params=params)
        db.session.add(rec)
        db.session.commit()
    return rec


def _finish(rec: IdempotencyRecord, state: str, response_id: str | None = None, error: str = "") -> None:
    rec.state, rec.response_id, rec.error = state, response_id, error[:300]


def _payment_of(order: Order, lock: bool = False) -> Payment | None:
    stmt = select(Payment).where(Payment.order_id == order.id)
    if lock:
        stmt = stmt.with_for_update()
    return db.session.scalar(stmt)


def _require_payment(order: Order) -> Payment:
    payment = _payment_of(order, lock=True)
    if payment is None:
        raise FieldError("payment", "This order has no payment.")
    if payment.status == "pending":  # outcome of the charge unknown (crash or outage): ask again with its key
        _send_charge(order, payment)
    return payment


# -- customers -----------------------------------------------------------------------------------------------------
def ensure_customer(firm) -> str:
    if firm.stripe_customer_id:
        return firm.stripe_customer_id
    key = f"firm:{firm.id}:customer"
    rec = _record(key, "customer", None, {"name": firm.name})
    customer = client().create_customer(name=firm.name, metadata={"firm": firm.id}, idempotency_key=key)
    firm.stripe_customer_id = customer["id"]
    _finish(rec, "succeeded", customer["id"])
    db.session.commit()
    return firm.stripe_customer_id


# -- charge --------------------------------------------------------------------------------------------------------
def charge_order(order: Order, amount_fen: int, *, payer_firm, capture: str, actor=None) -> Payment:
    """Charge the buyer for `order`: a confirmed PaymentIntent in the order's currency, Idempotency-Key
    `order:<id>:charge` (`order:<id>:charge:<n>` for the n-th attempt after a decline).

    capture="manual" authorises only (capture with `capture_order` on delivery; use it only when delivery is under
    6 days away, see `capture_method_for`); capture="automatic" charges now and the money waits on the platform
    balance. On success the order goes to "paid"; money captured is posted to the ledger. A decline raises
    `PaymentDeclined` (a FieldError on "payment"); calling again starts a new attempt.
    """
    if capture not in CAPTURE_METHODS:
        raise FieldError("capture", "Use 'manual' or 'automatic'.")
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        raise FieldError("amount_fen", "The amount must be a positive number of fen.")
    if payer_firm.id != order.buyer_firm_id:
        raise FieldError("payer_firm", "Only the order's buyer pays for it.")
    payment = _payment_of(order, lock=True)
    if payment is not None and payment.status in ("requires_capture", "succeeded"):
        _after_authorised(order, payment, actor)
        db.session.commit()
        return payment
    if payment is not None and payment.status == "canceled":
        raise FieldError("payment", "This order's payment was cancelled.")
    if order.status != "paid" and not lifecycle.can(order, "paid"):
        raise FieldError("status", f"An order in status {order.status} cannot be paid.")
    if payment is None:
        payment = Payment(order_id=order.id, cluster_id=order.cluster_id, payer_firm_id=payer_firm.id,
                          amount_fen=amount_fen, currency=order.currency, capture_method=capture, status="pending",
                          attempt=1, idempotency_key=f"order:{order.id}:charge")
        db.session.add(payment)
        try:
            db.session.commit()
        except IntegrityError:  # a concurrent request created it first
            db.session.rollback()
            return charge_order(order, amount_fen, payer_firm=payer_firm, capture=capture, actor=actor)
    elif payment.status == "failed":  # a new attempt after a decline needs a new key
        payment.attempt += 1
        payment.idempotency_key = f"order:{order.id}:charge:{payment.attempt}"
        payment.amount_fen, payment.capture_method, payment.status, payment.failure = amount_fen, capture, "pending", ""
        payment.intent_id = None
        db.session.commit()
    elif (payment.amount_fen, payment.capture_method) != (amount_fen, capture):
        raise FieldError("amount_fen", "A charge with other terms is in progress for this order; retry it as it was.")
    _send_charge(order, payment, actor)
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
        "metadata": {"order": order.id, "order_reference": order.reference, "payment": payment.id},
    }


def _send_charge(order: Order, payment: Payment, actor=None) -> None:
    from marketplace.accounts.models import Firm

    payer = db.session.get(Firm, payment.payer_firm_id)
    customer = ensure_customer(payer)
    payment.customer_id = customer
    rec = _record(payment.idempotency_key, "charge", order.id, _charge_params(order, payment, customer))
    try:
        intent = client().create_payment_intent(rec.params, idempotency_key=rec.key)
    except PaymentError as exc:
        if exc.retryable:
            raise  # outcome unknown: the payment stays "pending" with its key
        payment.status, payment.failure = "failed", exc.message[:300]
        _finish(rec, "failed", error=exc.message)
        db.session.commit()
        if exc.is_card_error:
            raise PaymentDeclined(exc.message, exc.decline_code or exc.code) from exc
        raise
    _finish(rec, "succeeded", intent["id"])
    apply_intent(payment, intent, actor=actor)
    db.session.commit()
    if payment.status == "failed":
        raise PaymentDeclined(payment.failure or "The payment was declined.")


def apply_intent(payment: Payment, intent: dict, *, captured_fen: int | None = None, actor=None) -> None:
    """Bring `payment` up to the PaymentIntent's state (used by the services and by webhooks). Idempotent."""
    payment.intent_id = intent["id"]
    status = intent.get("status")
    order = db.session.get(Order, payment.order_id)
    if status == "requires_capture":
        if payment.status == "pending":
            payment.status = "requires_capture"
    elif status == "succeeded":
        if payment.status != "succeeded":
            received = intent.get("amount_received")
            amount = received if received is not None else (captured_fen or intent.get("amount") or payment.amount_fen)
            payment.captured_fen = min(int(amount), payment.amount_fen)
            payment.status = "succeeded"
    elif status == "canceled":
        if payment.status in ("pending", "requires_capture"):
            payment.status = "canceled"
    elif status == "requires_payment_method" and payment.status == "pending":
        error = intent.get("last_payment_error") or {}
        payment.status, payment.failure = "failed", (error.get("message") or "declined")[:300]
    # processing / requires_action / requires_confirmation: stay pending, a webhook finishes it
    if payment.status in ("requires_capture", "succeeded"):
        _after_authorised(order, payment, actor)


def _after_authorised(order: Order, payment: Payment, actor=None) -> None:
    if order.status not in ("paid",) and lifecycle.can(order, "paid"):
        lifecycle.transition(order, "paid", actor, f"payment {payment.intent_id} {payment.capture_method}")
    if payment.status == "succeeded" and payment.captured_fen:
        amount = payment.captured_fen
        ledger.post(f"order:{order.id}:buyer_charge", "buyer_charge",
                    [Dr("psp_clearing", amount), Cr(f"buyer:{payment.payer_firm_id}", amount)],
                    order=order, currency=payment.currency, memo=f"{payment.intent_id}")


# -- capture and cancel --------------------------------------------------------------------------------------------
def capture_order(order: Order, amount_fen: int | None = None) -> Payment:
    """Capture a manual authorisation (all of it, or `amount_fen` of it; the rest is released).
    Key `order:<id>:capture`. Never captures a cancelled intent, never more than was authorised."""
    payment = _require_payment(order)
    if payment.status == "succeeded":
        return payment
    if payment.status == "canceled":
        raise FieldError("payment", "A cancelled payment cannot be captured.")
    if payment.status != "requires_capture":
        raise FieldError("payment", f"A payment in status {payment.status} cannot be captured.")
    amount = payment.amount_fen if amount_fen is None else amount_fen
    if not isinstance(amount, int) or amount <= 0 or amount > payment.amount_fen:
        raise FieldError("amount_fen", f"Capture between 1 and the authorised {payment.amount_fen} fen.")
    rec = _record(f"order:{order.id}:capture", "capture", order.id, {"amount_to_capture": amount})
    if rec.params.get("amount_to_capture") != amount:  # the key stands for the first request's terms
        raise FieldError("amount_fen", f"A capture of {rec.params.get('amount_to_capture')} fen is in progress.")
    try:
        intent = client().capture_payment_intent(payment.intent_id, amount, idempotency_key=rec.key)
    except PaymentError as exc:
        if exc.retryable:
            raise
        intent = client().retrieve_payment_intent(payment.intent_id)  # already captured or cancelled elsewhere?
        apply_intent(payment, intent, captured_fen=amount)
        if payment.status != "succeeded":
            _finish(rec, "failed", error=exc.message)
            db.session.commit()
            raise FieldError("payment", exc.message) from exc
    _finish(rec, "succeeded", intent["id"])
    apply_intent(payment, intent, captured_fen=amount)
    db.session.commit()
    return payment


def cancel_order_payment(order: Order) -> Payment:
    """Release an uncaptured authorisation (key `order:<id>:cancel`). A captured payment is refunded instead.
    The order's own status is the caller's business (lifecycle.transition to "cancelled")."""
    payment = _require_payment(order)
    if payment.status == "canceled":
        return payment
    if payment.status == "succeeded":
        raise FieldError("payment", "A captured payment cannot be cancelled; refund it instead.")
    if payment.status == "failed" and not payment.intent_id:
        payment.status = "canceled"
        db.session.commit()
        return payment
    rec = _record(f"order:{order.id}:cancel", "cancel", order.id, {"payment_intent": payment.intent_id})
    try:
        intent = client().cancel_payment_intent(payment.intent_id, idempotency_key=rec.key)
    except PaymentError as exc:
        if exc.retryable:
            raise
        intent = client().retrieve_payment_intent(payment.intent_id)
        if intent.get("status") != "canceled":
            apply_intent(payment, intent)
            _finish(rec, "failed", error=exc.message)
            db.session.commit()
            raise FieldError("payment", exc.message) from exc
    _finish(rec, "succeeded", intent["id"])
    payment.status = "canceled"
    db.session.commit()
    return payment


# -- refunds -------------------------------------------------------------------------------------------------------
def refund_order(order: Order, amount_fen: int, reason: str = "") -> Refund:
    """Refund part or all of what was captured (key `order:<id>:refund:<n>`). Never more than captured minus
    refunded (refunds still in flight count). A refund left in flight by a crash is resent with its own key
    first; if it is for the same amount it is the one returned, so a retried call never refunds twice.
    The full refund of an order that may be refunded moves it to "refunded"."""
    payment = _require_payment(order)
    if payment.status != "succeeded" or not payment.captured_fen:
        raise FieldError("payment", "Nothing has been captured for this order.")
    for pending in [r for r in payment.refunds if r.status == "pending"]:
        _send_refund(order, payment, pending)
        if pending.amount_fen == amount_fen and pending.status == "succeeded":
            return pending
    if not isinstance(amount_fen, int) or amount_fen <= 0:
        raise FieldError("amount_fen", "The amount must be a positive number of fen.")
    if amount_fen > payment.refundable_fen:
        raise FieldError("amount_fen", f"At most {payment.refundable_fen} fen can still be refunded "
                                       f"(captured {payment.captured_fen}, refunded {payment.refunded_fen}).")
    number = (max((r.number for r in payment.refunds), default=0)) + 1
    key = f"order:{order.id}:refund:{number}"
    refund = Refund(payment=payment, order_id=order.id, number=number, amount_fen=amount_fen,
                    currency=payment.currency, reason=(reason or "")[:300], idempotency_key=key)
    db.session.add(refund)
    _record(key, "refund", order.id, {"amount": amount_fen})  # commits the refund row with the record
    _send_refund(order, payment, refund)
    return refund


def _send_refund(order: Order, payment: Payment, refund: Refund) -> None:
    rec = _record(refund.idempotency_key, "refund", order.id, {"amount": refund.amount_fen})
    try:
        response = client().create_refund(payment_intent=payment.intent_id, amount=refund.amount_fen,
                                          metadata={"order": order.id, "refund": refund.number},
                                          idempotency_key=refund.idempotency_key)
    except PaymentError as exc:
        if exc.retryable:
            raise
        refund.status, refund.failure = "failed", exc.message[:300]
        _finish(rec, "failed", error=exc.message)
        db.session.commit()
        raise FieldError("amount_fen", exc.message) from exc
    refund.refund_id = response["id"]
    refund.status = "succeeded"
    payment.refunded_fen += refund.amount_fen
    _finish(rec, "succeeded", response["id"])
    settled = ledger.find(f"order:{order.id}:settlement") is not None
    debit = "refunds" if settled else f"buyer:{payment.payer_firm_id}"
    ledger.post(refund.idempotency_key, "refund", [Dr(debit, refund.amount_fen), Cr("psp_clearing", refund.amount_fen)],
                order=order, currency=refund.currency, memo=refund.reason)
    if payment.refunded_fen == payment.captured_fen and lifecycle.can(order, "refunded"):
        lifecycle.transition(order, "refunded", None, f"refunded in full ({payment.refunded_fen} fen)")
    db.session.commit()


# -- voucher subsidy -----------------------------------------------------------------------------------------------
def record_voucher_subsidy(order: Order, programme_id: int, amount_fen: int) -> LedgerTransaction:
    """Post a voucher programme's subsidy for an order: the programme owes it (voucher_receivable:<programme>), and
    it stands for the buyer next to what the buyer paid (buyer:<firm>). Budgets are the voucher module's business.
    Idempotent per (order, programme)."""
    if not isinstance(amount_fen, int) or amount_fen <= 0:
        raise FieldError("amount_fen", "The subsidy must be a positive number of fen.")
    txn = ledger.post(f"order:{order.id}:voucher:{programme_id}", "voucher_subsidy",
                      [Dr(f"voucher_receivable:{programme_id}", amount_fen),
                       Cr(f"buyer:{order.buyer_firm_id}", amount_fen)],
                      order=order, currency=order.currency, memo=f"voucher programme {programme_id}")
    db.session.commit()
    return txn


# -- payouts -------------------------------------------------------------------------------------------------------
def _booking_weights(order: Order) -> dict[int, int]:
    """Factory firm id -> its bookings' cost (fen) for this order; booked minutes when no booking has a cost."""
    bookings = db.session.scalars(
        select(Booking).join(OrderStep, Booking.order_step_id == OrderStep.id)
        .where(OrderStep.order_id == order.id, Booking.status.not_in(PAYABLE_BOOKING_EXCLUDED))).all()
    costs: dict[int, int] = defaultdict(int)
    minutes: dict[int, int] = defaultdict(int)
    for booking in bookings:
        factory = booking.factory
        if factory is None:
            continue
        costs[factory.firm_id] += booking.cost_fen or 0
        minutes[factory.firm_id] += max(1, int((booking.ends_at - booking.starts_at).total_seconds() // 60))
    return dict(costs) if sum(costs.values()) > 0 else dict(minutes)


def split(total: int, weights: dict[int, int]) -> dict[int, int]:
    """`total` split in proportion to `weights` with the largest-remainder method (shares sum exactly to total)."""
    weight_sum = sum(weights.values())
    base = {k: total * w // weight_sum for k, w in weights.items()}
    rest = total - sum(base.values())
    by_remainder = sorted(weights, key=lambda k: (-(total * weights[k] % weight_sum), k))
    for k in by_remainder[:rest]:
        base[k] += 1
    return base


def payout_order(order: Order) -> list[Payout]:
    """Settle a delivered order: the funds held for it (captured - refunded + voucher subsidies) are split between
    the factory firms that did its steps in proportion to their bookings' cost; PLATFORM_FEE_BP basis points of
    each firm's share is the platform fee. Each firm is then paid by a Connect transfer (`order:<id>:payout:<firm>`)
    to its connected account; without a connected account, or when the API has no transfers (404), the payout is
    recorded as "pending_manual_settlement". Idempotent per (order, firm)."""
    if order.status not in ("delivered", "completed"):
        raise FieldError("status", "Factories are paid once the order is delivered.")
    payment = _payment_of(order, lock=True)
    if payment is not None:
        if payment.status == "pending":
            _send_charge(order, payment)
        for pending in [r for r in payment.refunds if r.status == "pending"]:
            _send_refund(order, payment, pending)
        if payment.status == "requires_capture":
            raise FieldError("payment", "Capture the payment before paying the factories.")
    if ledger.find(f"order:{order.id}:settlement") is None:
        _settle(order)
    payouts = db.session.scalars(select(Payout).where(Payout.order_id == order.id).order_by(Payout.firm_id)).all()
    for payout in payouts:
        if payout.status == "pending":
            _send_payout(order, payout)
    return payouts


def _settle(order: Order) -> None:
    held = -ledger.order_balance(f"buyer:{order.buyer_firm_id}", order.id)
    if held <= 0:
        raise FieldError("payment", "No money is held for this order.")
    weights = {firm: w for firm, w in _booking_weights(order).items() if w > 0}
    if not weights:
        raise FieldError("bookings", "No factory booking to pay for this order.")
    bp = current_app.config["PLATFORM_FEE_BP"]
    lines, fees = [Dr(f"buyer:{order.buyer_firm_id}", held)], 0
    for firm_id, gross in sorted(split(held, weights).items()):
        fee = (gross * bp + 5000) // 10000
        fees += fee
        lines.append(Cr(f"factory_payable:{firm_id}", gross - fee))
        db.session.add(Payout(order_id=order.id, firm_id=firm_id, cluster_id=order.cluster_id, gross_fen=gross,
                              fee_fen=fee, amount_fen=gross - fee, currency=order.currency,
                              idempotency_key=f"order:{order.id}:payout:{firm_id}"))
    lines.append(Cr("platform_fees", fees))
    ledger.post(f"order:{order.id}:settlement", "order_settlement", lines, order=order, currency=order.currency,
                memo=f"fee {bp} bp")
    try:
        db.session.commit()
    except IntegrityError:  # settled concurrently
        db.session.rollback()


def _send_payout(order: Order, payout: Payout) -> None:
    from marketplace.accounts.models import Firm

    firm = db.session.get(Firm, payout.firm_id)
    manual_reason = None
    if payout.amount_fen == 0:
        payout.status = "paid"
        db.session.commit()
        return
    if not firm.stripe_account_id:
        manual_reason = "the factory has no connected account"
    else:
        rec = _record(payout.idempotency_key, "payout", order.id,
                      {"amount": payout.amount_fen, "destination": firm.stripe_account_id})
        try:
            transfer = client().create_transfer(amount=payout.amount_fen, currency=payout.currency.lower(),
                                                destination=firm.stripe_account_id, transfer_group=f"order:{order.id}",
                                                metadata={"order": order.id, "firm": firm.id},
                                                idempotency_key=payout.idempotency_key)
        except PaymentError as exc:
            if exc.retryable:
                raise
            _finish(rec, "failed", error=exc.message)
            if exc.status != 404:
                payout.status, payout.note = "failed", exc.message[:300]
                db.session.commit()
                return
            manual_reason = "the payments API has no Connect transfers"
        else:
            _finish(rec, "succeeded", transfer["id"])
            payout.status, payout.transfer_id = "paid", transfer["id"]
            ledger.post(payout.idempotency_key, "payout",
                        [Dr(f"factory_payable:{firm.id}", payout.amount_fen), Cr("psp_clearing", payout.amount_fen)],
                        order=order, currency=payout.currency, memo=transfer["id"])
    if manual_reason:
        payout.status, payout.note = "pending_manual_settlement", manual_reason
        ledger.post(payout.idempotency_key, "payout",
                    [Dr(f"factory_payable:{firm.id}", payout.amount_fen), Cr("payouts_pending", payout.amount_fen)],
                    order=order, currency=payout.currency, memo=manual_reason)
    db.session.commit()


def settle_manual_payout(payout: Payout, reference: str) -> Payout:
    """The operator paid a pending payout outside the API (bank transfer `reference`)."""
    if payout.status == "settled_manually":
        return payout
    if payout.status != "pending_manual_settlement":
        raise FieldError("status", f"A payout in status {payout.status} is not waiting for manual settlement.")
    payout.status, payout.note = "settled_manually", f"settled: {reference}"[:300]
    ledger.post(f"payout:{payout.id}:manual_settlement", "manual_settlement",
                [Dr("payouts_pending", payout.amount_fen), Cr("psp_clearing", payout.amount_fen)],
                cluster_id=payout.cluster_id, currency=payout.currency, memo=reference)
    db.session.commit()
    return payout


# -- recovery ------------------------------------------------------------------------------------------------------
def resume_pending(order: Order) -> None:
    """Resend every operation of `order` whose outcome is unknown (process crash, provider outage), each with its
    own Idempotency-Key and original parameters. Safe to call any time; a periodic job calls it for every order
    with a "started" idempotency record (`orders_with_pending_operations`)."""
    payment = _payment_of(order, lock=True)
    if payment is None:
        return
    if payment.status == "pending":
        _send_charge(order, payment)
    for refund in [r for r in payment.refunds if r.status == "pending"]:
        _send_refund(order, payment, refund)
    started = {rec.action: rec for rec in db.session.scalars(
        select(IdempotencyRecord).where(IdempotencyRecord.order_id == order.id, IdempotencyRecord.state == "started"))}
    if "capture" in started and payment.status == "requires_capture":
        capture_order(order, started["capture"].params["amount_to_capture"])
    if "cancel" in started and payment.status in ("requires_capture", "failed"):
        cancel_order_payment(order)
    for payout in db.session.scalars(select(Payout).where(Payout.order_id == order.id, Payout.status == "pending")):
        _send_payout(order, payout)


def orders_with_pending_operations() -> list[Order]:
    ids = select(IdempotencyRecord.order_id).where(IdempotencyRecord.state == "started",
                                                   IdempotencyRecord.order_id.is_not(None))
    return list(db.session.scalars(select(Order).where(Order.id.in_(ids)).order_by(Order.id)))


# -- reads ---------------------------------------------------------------------------------------------------------
def firm_payables(firm) -> dict:
    """What the platform owes a factory firm: the ledger balance and the payouts not yet paid to it."""
    open_payouts = db.session.scalars(
        select(Payout).where(Payout.firm_id == firm.id, Payout.status.in_(("pending", "pending_manual_settlement",
                                                                            "failed")))
        .order_by(Payout.id)).all()
    return {"owed_fen": -ledger.balance(f"factory_payable:{firm.id}") + sum(
        p.amount_fen for p in open_payouts if p.status == "pending_manual_settlement"),
            "payouts": open_payouts}


def firm_payouts(firm) -> list[Payout]:
    return list(db.session.scalars(select(Payout).where(Payout.firm_id == firm.id).order_by(Payout.id.desc())))


def platform_fees(cluster, start: datetime, end: datetime) -> dict:
    """Platform fees posted for a cluster's orders in [start, end): the total and per order."""
    rows = db.session.execute(
        select(LedgerTransaction.order_id, func.sum(LedgerLine.credit_fen - LedgerLine.debit_fen))
        .join(LedgerLine, LedgerLine.transaction_id == LedgerTransaction.id)
        .join(LedgerAccount, LedgerLine.account_id == LedgerAccount.id)
        .where(LedgerAccount.code == "platform_fees", LedgerTransaction.cluster_id == cluster.id,
               LedgerTransaction.created_at >= start, LedgerTransaction.created_at < end)
        .group_by(LedgerTransaction.order_id).order_by(LedgerTransaction.order_id)).all()
    by_order = [{"order_id": order_id, "fee_fen": int(fee)} for order_id, fee in rows]
    return {"total_fen": sum(r["fee_fen"] for r in by_order), "by_order": by_order}


def ledger_balanced() -> bool:
    return ledger.balanced()
