"""Removing a machine, a site or a leasable item without breaking the work that depends on it.

A machine (or a site's machines and the leased equipment working there) that holds work of an order still open —
a booking planned, accepted, started or done for an order not yet completed, cancelled or refunded — cannot be
removed: the factory deactivates it instead (the planner stops using it) or moves or finishes the work first.
History outlives the site: completed jobs, finished bookings and ended leases keep their rows, without the site.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from werkzeug.exceptions import Conflict

from capacity.lease_models import HOLDING_STATES, Lease
from capacity.models import Equipment, Factory, Machine
from marketplace.extensions import db
from marketplace.orders.models import Booking, Order, OrderStep
from marketplace.quotes.models import CompletedJob

FINAL_ORDER_STATES = ("completed", "cancelled", "refunded")
OPEN_LEASE_STATES = HOLDING_STATES


def _open_work(condition) -> tuple[str, str] | None:
    """(order reference, booking status) of the first booking matching `condition` on an order still open."""
    row = db.session.execute(
        select(Order.reference, Booking.status).join(OrderStep, OrderStep.id == Booking.order_step_id)
        .join(Order, Order.id == OrderStep.order_id)
        .where(condition, Booking.status != "cancelled", Order.status.not_in(FINAL_ORDER_STATES))
        .order_by(Booking.starts_at).limit(1)).first()
    return (row.reference, row.status) if row else None


def _refuse(name: str, work: tuple[str, str]) -> None:
    reference, status = work
    raise Conflict(_("%(name)s holds work of order %(ref)s (%(status)s): deactivate it instead, or finish or move "
                     "that work first.", name=name, ref=reference, status=status))


def remove_machine(machine: Machine) -> None:
    work = _open_work(Booking.machine_id == machine.id)
    if work:
        _refuse(machine.name, work)
    db.session.delete(machine)


def remove_equipment(item: Equipment) -> None:
    """A leasable item with leases (open or past: their rent and instalments refer to it) or with work of an open
    order stays: the lessor takes it off the listings instead."""
    work = _open_work(Booking.equipment_id == item.id)
    if work:
        _refuse(item.name, work)
    lease = db.session.scalar(select(Lease.reference).where(Lease.equipment_id == item.id).limit(1))
    if lease:
        raise Conflict(_("%(name)s has leases (%(ref)s): take it off the listings instead.", name=item.name,
                         ref=lease))
    db.session.delete(item)


def remove_factory(factory: Factory) -> None:
    machine_ids = select(Machine.id).where(Machine.factory_id == factory.id)
    work = _open_work(or_(Booking.machine_id.in_(machine_ids), Booking.site_factory_id == factory.id))
    if work:
        _refuse(factory.name, work)
    lease = db.session.scalar(select(Lease.reference).where(Lease.site_factory_id == factory.id,
                                                            Lease.status.in_(OPEN_LEASE_STATES)).limit(1))
    if lease:
        raise Conflict(_("%(name)s is where leased equipment of lease %(ref)s works: end or move the lease first.",
                         name=factory.name, ref=lease))
    for model, column in ((CompletedJob, CompletedJob.factory_id), (Booking, Booking.site_factory_id),
                          (Lease, Lease.site_factory_id), (Equipment, Equipment.site_factory_id)):
        db.session.execute(update(model).where(column == factory.id).values({column.key: None}))
    db.session.delete(factory)
