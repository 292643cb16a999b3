"""What factories do with their assignments: read the schedule, accept or decline a booking."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from capacity.models import Factory, Machine
from marketplace.accounts.models import Firm
from marketplace.errors import FieldError
from marketplace.events import StepDeclined
from marketplace.extensions import db
from marketplace.orders.models import Booking, OrderStep
from marketplace.outbox import emit
from marketplace.planning.models import StepDecline


def schedule(firm: Firm, start: datetime, end: datetime, machine_id: int | None = None) -> list[Booking]:
    stmt = (select(Booking).join(Machine, Booking.machine_id == Machine.id).join(Factory)
            .where(Factory.firm_id == firm.id, Booking.ends_at > start, Booking.starts_at < end)
            .options(selectinload(Booking.step).selectinload(OrderStep.order), selectinload(Booking.machine))
            .order_by(Booking.starts_at))
    if machine_id is not None:
        stmt = stmt.where(Booking.machine_id == machine_id)
    return list(db.session.scalars(stmt))


def accept(booking: Booking) -> Booking:
    if booking.status not in ("planned", "accepted"):
        raise FieldError("status", _("Only a planned assignment can be accepted (this one is %(status)s).",
                                     status=booking.status))
    booking.status = "accepted"
    return booking


def decline(booking: Booking, firm: Firm, reason: str, user=None) -> StepDecline:
    """The factory will not do this step on this machine: the booking goes, re-planning avoids the machine, and a
    local repair re-places the step after commit (StepDeclined)."""
    if booking.status not in ("planned",):
        raise FieldError("status", _("Only a planned assignment can be declined (this one is %(status)s)."
                                     , status=booking.status))
    if booking.order_step_id is None:
        raise FieldError("status", _("Only platform orders can be declined."))
    record = StepDecline(order_step_id=booking.order_step_id, machine_id=booking.machine_id, firm_id=firm.id,
                         reason=reason)
    db.session.add(record)
    db.session.delete(booking)
    step = db.session.get(OrderStep, record.order_step_id)
    step.status = "pending"
    db.session.flush()
    emit(StepDeclined(order_step_id=step.id, order_id=step.order_id, cluster_id=step.order.cluster_id,
                      user_id=getattr(user, "id", None)))
    return record
