"""Leasing equipment: price a lease, build its instalment schedule, and request it without double leasing (the
lessor then approves it: capacity/lease_lifecycle.py).

No double leasing, even under concurrent requests: `lease()` first bumps the item's `lease_version` with an
UPDATE, which takes the row lock on PostgreSQL (concurrent leases of the same item queue behind it and then see the
committed lease) and the write lock on SQLite, and only then checks for overlapping leases.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _
from sqlalchemy import select, update

from capacity.lease_models import HOLDING_STATES, Lease, LeaseInstalment
from capacity.models import Equipment, Factory
from marketplace.accounts.models import Firm
from marketplace.errors import FieldError
from marketplace.events import LeaseChanged
from marketplace.extensions import db
from marketplace.outbox import emit


@dataclass(frozen=True)
class ScheduleLine:
    number: int
    due_date: date
    amount_fen: int
    principal_fen: int
    interest_fen: int


def level_payment_fen(principal_fen: int, months: int, annual_rate_bp: int) -> int:
    """The level (annuity) monthly payment in whole fen: the one formula behind every schedule and every example
    shown (interest-free: the principal split evenly, rounded up)."""
    rate = annual_rate_bp / 10_000 / 12
    return -(-principal_fen // months) if rate == 0 else round(principal_fen * rate / (1 - (1 + rate) ** -months))


def instalment_schedule(principal_fen: int, months: int, annual_rate_bp: int, first_due: date) -> list[ScheduleLine]:
    """A level (annuity) schedule in whole fen; the last payment absorbs rounding so principal is repaid exactly."""
    rate = annual_rate_bp / 10_000 / 12
    payment = level_payment_fen(principal_fen, months, annual_rate_bp)
    lines, balance = [], principal_fen
    for n in range(1, months + 1):
        interest = round(balance * rate)
        principal = balance if n == months else min(balance, payment - interest)
        balance -= principal
        lines.append(ScheduleLine(n, first_due + relativedelta(months=n - 1), principal + interest, principal,
                                  interest))
    return lines


def plan_fits(months: int, start: date, end: date) -> bool:
    """An instalment plan is offered only when its last monthly payment falls within the lease (a 7-day lease has
    none; a 90-day lease has plans of up to 3 months). The one rule behind the form, the preview and the API."""
    return start + relativedelta(months=months - 1) <= end


def plans_for(equipment: Equipment, start: date | None, end: date | None) -> list:
    if start is None or end is None or end < start:
        return list(equipment.instalment_plans)
    return [p for p in equipment.instalment_plans if plan_fits(p.months, start, end)]


def lease(equipment: Equipment, lessee: Firm, start: date, end: date, *, site: Factory | None = None,
          delivery_address: str = "", instalment_months: int | None = None, today: date | None = None) -> Lease:
    """Request `equipment` for [start, end]. An item delivered to the lessee goes to one of its sites (then it is a
    resource of that site for the planner once paid) or, for a firm without one (an SME using it in-house), to a
    delivery address it types."""
    if end < start:
        raise FieldError("end_date", _("The end must not be before the start."))
    if today is not None and start < today:
        raise FieldError("start_date", _("A lease cannot start in the past."))
    if not equipment.listed or equipment.cluster_id != lessee.cluster_id:
        raise FieldError("equipment_id", _("This equipment is not listed for lease in your cluster."))
    if equipment.owner_firm_id == lessee.id:
        raise FieldError("equipment_id", _("You cannot lease your own equipment."))
    days = (end - start).days + 1
    if days < equipment.min_days:
        raise FieldError("end_date", _("The minimum lease is %(days)d days.", days=equipment.min_days))
    if not any(a.start_date <= start and end <= a.end_date for a in equipment.availability):
        raise FieldError("start_date", _("The equipment is not available for the whole period."))
    if site is not None and site.firm_id != lessee.id:
        raise FieldError("site_factory_id", _("No factory with id %(id)s belongs to your firm.", id=site.id))
    delivery_address = " ".join((delivery_address or "").split())
    if len(delivery_address) > 300:
        raise FieldError("delivery_address", _("At most %(n)d characters.", n=300))
    if equipment.delivered_to_lessee and site is None and not delivery_address:
        has_site = db.session.scalar(select(Factory.id).where(Factory.firm_id == lessee.id).limit(1))
        raise FieldError("site_factory_id" if has_site else "delivery_address",
                         _("Say which of your sites the equipment is delivered to, or give a delivery address."))
    plan = None
    if instalment_months is not None:
        plan = next((p for p in equipment.instalment_plans if p.months == instalment_months), None)
        if plan is None:
            raise FieldError("instalment_months", _("No %(months)d-month plan is offered for this equipment.",
                                                    months=instalment_months))
        if not plan_fits(plan.months, start, end):
            raise FieldError("instalment_months", _("A %(months)d-month plan needs a lease of at least %(months)d "
                                                    "months; pay this lease in full.", months=plan.months))
    # Lock the item (row lock on PostgreSQL, write lock on SQLite) before looking for overlaps.
    db.session.execute(update(Equipment).where(Equipment.id == equipment.id)
                       .values(lease_version=Equipment.lease_version + 1)
                       .execution_options(synchronize_session=False))
    clash = db.session.scalar(select(Lease.reference).where(
        Lease.equipment_id == equipment.id, Lease.status.in_(HOLDING_STATES),
        Lease.start_date <= end, Lease.end_date >= start))
    if clash:
        raise FieldError("start_date", _("Already leased for part of this period (lease %(ref)s).", ref=clash))
    rent = days * equipment.daily_rate_fen
    schedule = instalment_schedule(rent, plan.months, plan.annual_rate_bp, start) if plan else []
    record = Lease(reference=f"LS-{secrets.token_hex(4).upper()}", equipment=equipment, lessee=lessee,
                   site=site if equipment.delivered_to_lessee else equipment.site, start_date=start, end_date=end,
                   delivery_address=delivery_address if equipment.delivered_to_lessee and site is None else "",
                   days=days, daily_rate_fen=equipment.daily_rate_fen, rent_fen=rent,
                   deposit_fen=equipment.deposit_fen, instalment_months=plan.months if plan else None,
                   annual_rate_bp=plan.annual_rate_bp if plan else None,
                   total_payable_fen=sum(line.amount_fen for line in schedule) if plan else rent)
    for line in schedule:
        record.instalments.append(LeaseInstalment(number=line.number, due_date=line.due_date,
                                                  amount_fen=line.amount_fen, principal_fen=line.principal_fen,
                                                  interest_fen=line.interest_fen))
    db.session.add(record)
    db.session.flush()
    emit(LeaseChanged(lease_id=record.id, status="requested"), dedupe=f"lease:{record.id}:requested")
    return record


def active_leases(cluster_id: int, start: date, end: date) -> list[Lease]:
    """Leases that hold their item in [start, end]: requested ones too (the item is promised to that lessee, so
    nobody else's plan may lease it), though only PLANNED_STATES make it work at the lessee's site."""
    return list(db.session.scalars(
        select(Lease).join(Equipment).where(Equipment.cluster_id == cluster_id,
                                            Lease.status.in_(HOLDING_STATES),
                                            Lease.start_date <= end, Lease.end_date >= start)))

