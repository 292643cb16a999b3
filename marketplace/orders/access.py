"""Who may see or act on an order: its buyer, the firms that work on it, and the cluster's operator."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import or_, select

from capacity.models import Factory, Machine
from marketplace.accounts.models import Firm
from marketplace.extensions import db
from marketplace.orders.models import Booking, Order, OrderStep
from marketplace.tenancy import current_firm


def supplier_order_ids(firm_id: int):
    """A subquery of the ids of orders with a step booked on one of the firm's machines."""

    return (select(OrderStep.order_id).join(Booking, Booking.order_step_id == OrderStep.id)
            .join(Machine, Booking.machine_id == Machine.id).join(Factory).where(Factory.firm_id == firm_id))


def readable_order(order_id: int) -> Order:
    """The order if the current firm bought it, works on it or operates its cluster; otherwise 404."""
    order, firm = db.session.get(Order, order_id), current_firm()
    if order is not None and (
        order.buyer_firm_id == firm.id
        or (firm.is_operator and order.cluster_id == firm.cluster_id)
        or db.session.scalar(supplier_order_ids(firm.id).where(OrderStep.order_id == order.id).limit(1))
    ):
        return order
    abort(404, f"No order with id {order_id}.")


def buyer_order(order_id: int) -> Order:
    """readable_order, and only its buyer may act on it (others who may read it get 403)."""
    order = readable_order(order_id)
    if order.buyer_firm_id != current_firm().id:
        abort(403, _("Only the buyer can do this."))
    return order


def visible_orders(firm):
    """Orders the firm may list, newest first: the cluster's (operators), or those it buys or works on."""
    stmt = select(Order).order_by(Order.id.desc())
    if firm.is_operator:
        return stmt.where(Order.cluster_id == firm.cluster_id)
    return stmt.where(or_(Order.buyer_firm_id == firm.id, Order.id.in_(supplier_order_ids(firm.id))))


def cluster_supplier(firm_id: int) -> Firm:
    """A factory or lessor of the current firm's cluster (its public profile); otherwise 404."""
    firm = db.session.get(Firm, firm_id)
    if firm is None or firm.cluster_id != current_firm().cluster_id or not (firm.is_factory or firm.is_lessor):
        abort(404, f"No supplier with id {firm_id}.")
    return firm


def own_booking(booking_id: int) -> Booking:
    """A booking of an order step on one of the current firm's machines; otherwise 404."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.step is None or booking.factory is None or \
            booking.factory.firm_id != current_firm().id:
        abort(404, f"No booking with id {booking_id}.")
    return booking
