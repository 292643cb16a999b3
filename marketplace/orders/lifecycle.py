"""The order state machine: the one place that says which status may follow which, and the audit trail.

    draft -> quoted -> accepted -> paid -> planned -> in_production -> shipped -> delivered -> completed
    plus cancelled (before production), disputed (after shipping) and refunded.

Every change goes through `transition`, which records who, when, from, to and why, and emits `OrderStatusChanged`
in the same transaction (the notifications feature tells the people concerned).
"""

from __future__ import annotations

from flask_babel import gettext as _

from marketplace.errors import FieldError
from marketplace.events import OrderStatusChanged
from marketplace.extensions import db
from marketplace.orders.models import Order, OrderEvent, OrderStatus
from marketplace.outbox import emit_notice

S = OrderStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.QUOTED, S.CANCELLED}),
    S.QUOTED: frozenset({S.ACCEPTED, S.CANCELLED}),
    S.ACCEPTED: frozenset({S.PAID, S.CANCELLED}),
    S.PAID: frozenset({S.PLANNED, S.CANCELLED, S.REFUNDED}),
    S.PLANNED: frozenset({S.IN_PRODUCTION, S.PLANNED, S.CANCELLED, S.REFUNDED}),
    S.IN_PRODUCTION: frozenset({S.SHIPPED, S.DISPUTED}),
    S.SHIPPED: frozenset({S.DELIVERED, S.DISPUTED}),
    S.DELIVERED: frozenset({S.COMPLETED, S.DISPUTED}),
    S.DISPUTED: frozenset({S.COMPLETED, S.REFUNDED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
    S.REFUNDED: frozenset(),
}
TRANSITIONS = {k.value: frozenset(v.value for v in vs) for k, vs in TRANSITIONS.items()}


class TransitionError(FieldError):
    def __init__(self, order: Order, to: str):
        super().__init__("status", _("An order cannot go from %(frm)s to %(to)s.", frm=order.status, to=to))


def can(order: Order, to: str) -> bool:
    return to in TRANSITIONS.get(order.status, frozenset())


def transition(order: Order, to: str, actor=None, reason: str = "") -> OrderEvent | None:
    """Move `order` to `to` and record it; a no-op when it is already there (retries and webhooks repeat)."""
    if order.status == to:
        return None
    if not can(order, to):
        raise TransitionError(order, to)
    event = OrderEvent(order=order, from_status=order.status, to_status=to, actor_user_id=getattr(actor, "id", None),
                       reason=reason[:300])
    order.status = to
    db.session.add(event)
    db.session.flush()
    emit_notice(OrderStatusChanged(order_id=order.id, order_event_id=event.id, from_status=event.from_status,
                                   to_status=to), dedupe=f"order-event:{event.id}")
    return event
