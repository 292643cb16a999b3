"""What the platform's records say about firms, as plain numbers (`Facts`), read in a few batched queries.

As a supplier, a firm worked on an order when one of the order's steps is booked on its machines (or on leased
equipment at its site) and the order was accepted or got further. As a buyer, its orders past the draft.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, select

from capacity.models import Factory, Machine
from marketplace.accounts.models import Firm
from marketplace.credit.scoring import Facts
from marketplace.dashboard.kpis import ACCEPTED_OR_LATER
from marketplace.orders.models import Booking, Order, OrderEvent, OrderStatus, OrderStep, Rating
from marketplace.payments.models import Payment, Payout
from marketplace.planning.models import StepDecline

DISPUTED = OrderStatus.DISPUTED.value


def _supplier_rows(session, firm_ids):
    """(firm_id, order_id, delivered_at, due_date) of every order the firms worked on, once each."""
    factory_id = func.coalesce(Machine.factory_id, Booking.site_factory_id)
    return session.execute(
        select(Factory.firm_id, Order.id, Order.delivered_at, Order.due_date).distinct()
        .select_from(Booking).join(OrderStep, OrderStep.id == Booking.order_step_id)
        .join(Order, Order.id == OrderStep.order_id).outerjoin(Machine, Machine.id == Booking.machine_id)
        .join(Factory, Factory.id == factory_id)
        .where(Factory.firm_id.in_(firm_ids), Order.status.in_(ACCEPTED_OR_LATER))).all()


def _disputed(session, order_ids) -> set[int]:
    if not order_ids:
        return set()
    return set(session.scalars(select(OrderEvent.order_id).distinct().where(
        OrderEvent.order_id.in_(order_ids), OrderEvent.to_status == DISPUTED)))


def _refunded(session, order_ids) -> set[int]:
    if not order_ids:
        return set()
    return set(session.scalars(select(Payment.order_id).where(Payment.order_id.in_(order_ids),
                                                              Payment.refunded_fen > 0)))


def facts_of(session, firms: list[Firm], now: datetime) -> dict[int, Facts]:
    ids = [f.id for f in firms]
    out = {f.id: Facts(f.id, max(0, (now - f.created_at).days)) for f in firms}
    if not ids:
        return out
    supplied = defaultdict(set)
    for firm_id, order_id, delivered_at, due in _supplier_rows(session, ids):
        facts = out[firm_id]
        supplied[firm_id].add(order_id)
        facts.supplied += 1
        if delivered_at is not None:
            facts.delivered += 1
            facts.on_time += delivered_at.date() <= due
    all_supplied = set().union(*supplied.values()) if supplied else set()
    disputed, refunded = _disputed(session, all_supplied), _refunded(session, all_supplied)
    for firm_id, orders in supplied.items():
        out[firm_id].disputed_supplied = len(orders & disputed)
        out[firm_id].refunded_supplied = len(orders & refunded)
    for firm_id, count, avg in session.execute(
            select(Rating.supplier_firm_id, func.count(Rating.id), func.avg(Rating.score))
            .where(Rating.supplier_firm_id.in_(ids)).group_by(Rating.supplier_firm_id)):
        out[firm_id].ratings, out[firm_id].rating_avg = int(count), round(float(avg), 2)
    for firm_id, count in session.execute(select(StepDecline.firm_id, func.count(StepDecline.id))
                                          .where(StepDecline.firm_id.in_(ids)).group_by(StepDecline.firm_id)):
        out[firm_id].declines = int(count)
    for firm_id, total in session.execute(select(Payout.firm_id, func.sum(Payout.amount_fen))
                                          .where(Payout.firm_id.in_(ids), Payout.status != "failed")
                                          .group_by(Payout.firm_id)):
        out[firm_id].paid_out_fen = int(total or 0)
    _buyer_facts(session, ids, out)
    return out


def _buyer_facts(session, ids, out) -> None:
    own = session.execute(select(Order.buyer_firm_id, Order.id, Order.status, Order.delivered_at)
                          .where(Order.buyer_firm_id.in_(ids), Order.status != OrderStatus.DRAFT.value)).all()
    disputed = _disputed(session, {order_id for _, order_id, _, _ in own})
    for firm_id, order_id, status, delivered_at in own:
        facts = out[firm_id]
        facts.placed += 1
        facts.received += delivered_at is not None
        facts.cancelled += status == OrderStatus.CANCELLED.value
        facts.disputes_opened += order_id in disputed
    for firm_id, captured, refunded in session.execute(
            select(Payment.payer_firm_id, func.sum(Payment.captured_fen), func.sum(Payment.refunded_fen))
            .where(Payment.payer_firm_id.in_(ids)).group_by(Payment.payer_firm_id)):
        out[firm_id].spent_fen = int(captured or 0) - int(refunded or 0)
