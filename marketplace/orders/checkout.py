"""From an issued quote to a paid order: place the order, apply a service voucher, pay, and reserve the capacity
the quote promised so the plan that runs next can keep the promised ship date.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.db_types import utcnow
from marketplace.errors import FieldError
from marketplace.events import OrderCancelled, PaymentRequested
from marketplace.extensions import db
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import Booking, Order, OrderLine, OrderStep
from marketplace.outbox import emit
from marketplace.placements import StepRef
from marketplace.quotes.offers import TierOffer
from marketplace.vouchers import services as vouchers
from marketplace.vouchers.models import VoucherRedemption


def quote_in_use(quote_id: int) -> bool:
    """Whether an order was placed from the quote, alone or as a line of a multi-part order."""
    return bool(db.session.scalar(select(Order.id).where(Order.quote_id == quote_id))
                or db.session.scalar(select(OrderLine.id).where(OrderLine.quote_id == quote_id)))


def tier_offer(quote, name: str) -> TierOffer:
    """The quote's orderable offer at a tier; FieldError naming `tier` otherwise."""
    tier = quote.offer(name)
    if tier is None:
        raise FieldError("tier", _("Unknown lead-time tier '%(tier)s'.", tier=name))
    if not tier.orderable:
        raise FieldError("tier", _("The %(tier)s tier cannot be delivered from current capacity.", tier=name))
    return tier


def place_order(quote, user, tier_name: str, delivery: dict, title: str | None, now: datetime) -> Order:
    """Create the order (accepted) from an issued, still valid quote, and reserve the tier's capacity."""
    if quote.buyer_firm_id != user.firm_id:
        raise FieldError("quote_id", _("No quote with id %(id)s belongs to your firm.", id=quote.id))
    if quote.valid_until < now:
        raise FieldError("quote_id", _("The quote has expired; ask for a new one."))
    if not quote.feasible:
        raise FieldError("quote_id", _("This quote cannot be produced in the cluster (see its warnings)."))
    if quote_in_use(quote.id):
        raise FieldError("quote_id", _("An order was already placed from this quote."))
    if not (delivery.get("address") or "").strip():
        raise FieldError("delivery_address", _("Give the delivery address."))
    tier = tier_offer(quote, tier_name)
    tz = ZoneInfo(user.firm.cluster.timezone)
    ship_by = tier.ship_by
    order = Order(reference=f"SMP-{now.astimezone(tz):%y%m}-{secrets.token_hex(3).upper()}",
                  cluster_id=quote.cluster_id, buyer_firm_id=quote.buyer_firm_id, quote_id=quote.id,
                  title=(title or quote.reference)[:200], status="quoted", material_code=quote.material_code,
                  quantity=quote.quantity, release_date=now.astimezone(tz).date(),
                  due_date=ship_by.astimezone(tz).date(), weight=3 if tier_name == "expedite" else 1,
                  delivery_address=delivery.get("address", "")[:300], delivery_latitude=delivery["latitude"],
                  delivery_longitude=delivery["longitude"], total_fen=tier.price_fen, tier=tier_name,
                  promised_at=ship_by)
    for sequence, work in enumerate(quote.work_steps, start=1):
        envelope = work.envelope_mm
        order.steps.append(OrderStep(sequence=sequence, process_code=work.process, setup_minutes=work.setup_min,
                                     run_minutes_per_unit=work.run_min_per_part, envelope_x_mm=envelope[0],
                                     envelope_y_mm=envelope[1], envelope_z_mm=envelope[2],
                                     tolerance_mm=work.tolerance_mm))
    db.session.add(order)
    db.session.flush()
    transition(order, "accepted", user, f"placed from quote {quote.reference}, {tier_name} tier")
    steps = {str(StepRef(s.sequence, quoted=True)): s for s in order.steps}
    for placement in tier.placements:
        step = steps.get(placement.step)
        if step is None:
            continue
        db.session.add(Booking(step=step, status="planned", note="reserved at order placement",
                               **placement.booking_columns()))
    db.session.flush()
    return order


def amount_due(order: Order) -> tuple[int, int]:
    """(subsidy drawn from a voucher, what the buyer pays)."""
    redemption = db.session.scalar(select(VoucherRedemption).where(VoucherRedemption.order_id == order.id,
                                                                   VoucherRedemption.reversed_at.is_(None)))
    subsidy = redemption.amount_fen if redemption else 0
    return subsidy, (order.total_fen or 0) - subsidy


def apply_voucher(order: Order, code: str, today: date) -> int:
    if order.status not in ("accepted",):
        raise FieldError("voucher_code", _("A voucher can only be applied before payment."))
    return vouchers.redeem(code, order, order.total_fen or 0, today).amount_fen


def _locked(order: Order) -> Order:
    """Re-read the order under a row lock (PostgreSQL; SQLite serialises writers): concurrent Pay or Cancel
    requests of one order queue here and each sees the one before it."""
    db.session.execute(select(Order.id).where(Order.id == order.id).with_for_update())
    db.session.refresh(order)
    return order


def pay(order: Order, user, voucher_code: str | None = None, today: date | None = None) -> bool:
    """Apply the voucher (its budget drawn in this transaction) and queue the charge of the rest; returns at once.
    The payments feature charges after commit and the order becomes paid then (the page shows the progress).
    Returns False when a payment of this attempt is already queued or the order is already paid."""
    order = _locked(order)
    if order.status in ("paid", "planned"):
        return False
    if order.status != "accepted":
        raise FieldError("status", _("Only an accepted order can be paid (this one is %(status)s).",
                                     status=order.status))
    if voucher_code:
        apply_voucher(order, voucher_code, today or utcnow().date())
    subsidy, due = amount_due(order)
    redemption = db.session.scalar(select(VoucherRedemption).where(VoucherRedemption.order_id == order.id,
                                                                   VoucherRedemption.reversed_at.is_(None)))
    queued = emit(PaymentRequested(order_id=order.id, attempt=order.payment_attempt, amount_fen=due,
                                   subsidy_fen=subsidy,
                                   programme_id=redemption.voucher.programme_id if redemption else None),
                  dedupe=f"order:{order.id}:pay:{order.payment_attempt}")
    db.session.commit()
    return bool(queued)


def cancel(order: Order, user, reason: str) -> None:
    """Cancel before production: the reserved capacity goes and the voucher's budget returns now; voiding or
    refunding the payment follows after commit (OrderCancelled), so a crash never leaves a cancelled order unpaid
    back."""
    order = _locked(order)
    if order.status == "cancelled":
        return
    transition(order, "cancelled", user, reason[:300] or "cancelled by the buyer")
    db.session.execute(db.delete(Booking).where(Booking.order_step_id.in_([s.id for s in order.steps])))
    redemption = db.session.scalar(select(VoucherRedemption).where(VoucherRedemption.order_id == order.id,
                                                                   VoucherRedemption.reversed_at.is_(None)))
    programme_id = redemption.voucher.programme_id if redemption else None
    returned = vouchers.reverse(order)
    emit(OrderCancelled(order_id=order.id, subsidy_fen=returned, programme_id=programme_id),
         dedupe=f"order:{order.id}:cancelled")
    db.session.commit()
