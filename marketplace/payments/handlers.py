"""What the payments feature does after other features' changes (outbox handlers), and its periodic work.

Every handler is idempotent: it may run more than once (a runner died after the work, before recording it done),
and each step it takes finds what an earlier run already did (database rows, ledger keys, the provider's objects).
"""

from __future__ import annotations

import time

from flask import current_app
from sqlalchemy import select

from marketplace.errors import FieldError
from marketplace.events import (
    DeliveryConfirmed,
    OrderCancelled,
    OrderPaid,
    PaymentRequested,
    PaymentSyncRequested,
    RefundApproved,
)
from marketplace.extensions import db
from marketplace.orders import lifecycle
from marketplace.orders.models import Order
from marketplace.outbox import emit, every, subscribe
from marketplace.payments import reconcile as reconciliation
from marketplace.payments import services
from marketplace.payments.models import Refund
from marketplace.payments.settlement import payout_order


def _order(order_id: int) -> Order:
    order = db.session.get(Order, order_id)
    if order is None:
        raise LookupError(f"no order {order_id}")
    return order


@subscribe(PaymentRequested, name="payments.charge")
def charge(event: PaymentRequested) -> None:
    order = _order(event.order_id)
    if event.attempt < order.payment_attempt or order.status == "cancelled":
        return  # a stale request (a later attempt exists) or the buyer cancelled first
    if event.subsidy_fen and event.programme_id:
        services.record_voucher_subsidy(order, event.programme_id, event.subsidy_fen)
        db.session.commit()
    if event.amount_fen == 0:  # the voucher pays all of it
        if lifecycle.can(order, "paid"):
            lifecycle.transition(order, "paid", None, "paid in full by a service voucher")
            emit(OrderPaid(order_id=order.id, cluster_id=order.cluster_id), dedupe=f"order:{order.id}:paid")
        db.session.commit()
        return
    try:
        services.charge_order(order, event.amount_fen, payer_firm=order.buyer, attempt=event.attempt + 1)
    except services.PaymentDeclined:
        db.session.commit()  # recorded on the payment; the order page shows it and Pay starts a new attempt


@subscribe(OrderCancelled, name="payments.release")
def release(event: OrderCancelled) -> None:
    """Void the authorisation or refund what was captured; take the voucher's subsidy off the books."""
    order = _order(event.order_id)
    payment = services.payment_of(order)
    if payment is not None:
        if payment.status == "pending":
            try:
                services.send_charge(order, payment)
            except services.PaymentDeclined:
                pass
        if payment.status == "requires_capture":
            services.cancel_order_payment(order)
        if payment.status == "succeeded":
            key = f"order:{order.id}:refund:cancel"  # refund_order resends it if an earlier run left it unsent
            if payment.refundable_fen > 0 or any(r.idempotency_key == key for r in payment.refunds):
                services.refund_order(order, payment.refundable_fen, "order cancelled before production", key=key)
    if event.programme_id:
        services.reverse_voucher_subsidy(order, event.programme_id)
    db.session.commit()


@subscribe(DeliveryConfirmed, name="payments.settle")
def settle(event: DeliveryConfirmed) -> None:
    """Capture (when only authorised), split, pay the factories out, and complete the order."""
    order = _order(event.order_id)
    if order.status == "completed":
        return
    payment = services.payment_of(order)
    if payment is not None and payment.status in ("pending", "requires_capture"):
        services.capture_order(order)
    if order.status in ("refunded", "cancelled"):
        return
    try:
        payout_order(order)
    except FieldError as exc:
        if order.status == "refunded":
            return  # refunded in full meanwhile: nothing is held, nobody is paid
        raise RuntimeError(f"settlement of order {order.id} refused: {exc.message}") from exc
    if lifecycle.can(order, "completed"):
        lifecycle.transition(order, "completed", None, "captured and paid out")
    db.session.commit()


@subscribe(RefundApproved, name="payments.refund")
def refund(event: RefundApproved) -> None:
    services.refund_order(_order(event.order_id), event.amount_fen, "refund request approved",
                          key=f"refund_request:{event.request_id}")


@subscribe(PaymentSyncRequested, name="payments.sync")
def sync(event: PaymentSyncRequested) -> None:
    services.sync(_order(event.order_id), dispute_id=event.dispute_id)


@every("payments.sweep", 60)
def sweep_unknown_outcomes() -> None:
    """Operations left 'started' (a crash or an outage between the key and the answer) are looked up again."""
    bucket = int(time.time() // 60)
    order_ids = {rec.order_id for rec in services.started_records(current_app.config["PAYMENTS_SYNC_AFTER_S"])}
    order_ids |= set(db.session.scalars(select(Refund.order_id).where(Refund.status == "pending")))
    for order_id in sorted(order_ids):
        emit(PaymentSyncRequested(order_id=order_id, reason="sweep"), dedupe=f"sweep:{order_id}:{bucket}")
    db.session.commit()


@every("payments.reconcile", 3600)
def reconcile_periodically() -> None:
    reconciliation.reconcile(repair=True)
