"""Outbox handlers of leases' money: charge at approval, refund a cancellation, settle the deposit at the close;
and the sweep that charges due instalments and finishes what an outage or a crash left in flight."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from capacity.lease_models import CHARGED_STATES, Lease, LeaseInstalment
from marketplace.db_types import utcnow
from marketplace.events import LeaseChanged, LeaseMoneyDue
from marketplace.extensions import db
from marketplace.i18n import local_today
from marketplace.outbox import emit, every, subscribe
from marketplace.payments import leases
from marketplace.payments.lease_models import LeaseCharge, LeaseRefund

SWEEP_S = 600


@subscribe(LeaseChanged, name="payments.lease_money")
def lease_money(event: LeaseChanged) -> None:
    lease = db.session.get(Lease, event.lease_id)
    if lease is None:
        return
    if event.status == "approved":
        leases.charge_start(lease, event.attempt)
    elif event.status == "cancelled":
        leases.refund_cancelled(lease)
    elif event.status == "closed":
        leases.settle_deposit(lease)


@subscribe(LeaseMoneyDue, name="payments.lease_follow_up")
def lease_follow_up(event: LeaseMoneyDue) -> None:
    lease = db.session.get(Lease, event.lease_id)
    if lease is not None:
        leases.follow_up(lease, local_today())


@every("payments.lease_sweep", SWEEP_S)
def sweep_leases() -> None:
    """Leases with an instalment due and unpaid, or a charge or refund pending for a while, get a follow-up."""
    cutoff = utcnow() - timedelta(seconds=current_app.config["PAYMENTS_SYNC_AFTER_S"])
    stale = list(db.session.scalars(select(LeaseCharge.lease_id).where(LeaseCharge.status == "pending",
                                                                       LeaseCharge.updated_at < cutoff)))
    stale += list(db.session.scalars(select(LeaseRefund.lease_id).where(LeaseRefund.status == "pending")))
    due = db.session.scalars(
        select(LeaseInstalment.lease_id).join(Lease).where(
            LeaseInstalment.paid_at.is_(None), LeaseInstalment.number > 1, LeaseInstalment.due_date <= local_today(),
            Lease.status.in_(CHARGED_STATES)))
    bucket = int(utcnow().timestamp() // SWEEP_S)
    for lease_id in sorted(set(stale) | set(due)):
        emit(LeaseMoneyDue(lease_id=lease_id), dedupe=f"lease-sweep:{lease_id}:{bucket}")
    db.session.commit()
