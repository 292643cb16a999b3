"""Leases in the inbox: each move tells the other side; a daily look at the schedules reminds lessees of an
instalment due within REMIND_DAYS days and tells both sides of one that is overdue (once per instalment)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from capacity.lease_models import CHARGED_STATES, Lease, LeaseInstalment
from marketplace.events import LeaseChanged
from marketplace.extensions import db
from marketplace.i18n import local_today, yuan
from marketplace.notifications.handlers import _users_of, notify
from marketplace.outbox import every, subscribe

REMIND_DAYS = 3
TO_LESSOR = {"requested": "lease_requested", "paid": "lease_paid", "cancelled": "lease_cancelled",
             "returned": "lease_returned"}
TO_LESSEE = {"approved": "lease_approved", "declined": "lease_declined", "payment_failed": "lease_payment_failed",
             "active": "lease_handed_over", "closed": "lease_closed"}


def _params(lease: Lease) -> dict:
    return {"ref": lease.reference, "equipment": lease.equipment.name, "lessee": lease.lessee.name,
            "start": lease.start_date.isoformat(), "end": lease.end_date.isoformat(),
            "deposit": yuan(lease.deposit_fen), "kept": yuan(lease.kept_fen),
            "back": yuan(lease.deposit_fen - lease.kept_fen), "reason": lease.decision_note or lease.kept_reason}


@subscribe(LeaseChanged, name="notifications.lease_changed")
def lease_changed(event: LeaseChanged) -> None:
    lease = db.session.get(Lease, event.lease_id)
    if lease is None:
        return
    source, link = f"lease:{lease.id}:{event.status}:{event.attempt}", f"/leases/{lease.id}"
    if kind := TO_LESSOR.get(event.status):
        notify(_users_of([lease.equipment.owner_firm_id]), kind, _params(lease), link, source)
    if kind := TO_LESSEE.get(event.status):
        notify(_users_of([lease.lessee_firm_id]), kind, _params(lease), link, source)


@every("notifications.lease_instalments", 3600)
def instalment_reminders() -> None:
    today = local_today()
    lines = db.session.scalars(
        select(LeaseInstalment).join(Lease).where(
            LeaseInstalment.paid_at.is_(None), LeaseInstalment.number > 1,
            LeaseInstalment.due_date <= today + timedelta(days=REMIND_DAYS),
            Lease.status.in_(CHARGED_STATES)))
    for line in lines:
        lease = line.lease
        params = {**_params(lease), "number": line.number, "amount": yuan(line.amount_fen),
                  "due": line.due_date.isoformat()}
        link = f"/leases/{lease.id}"
        if line.due_date >= today:
            notify(_users_of([lease.lessee_firm_id]), "instalment_due", params, link,
                   f"instalment:{line.id}:due")
        elif line.due_date < today - timedelta(days=1):  # a day's grace for the charge on the due date
            notify(_users_of([lease.lessee_firm_id, lease.equipment.owner_firm_id]), "instalment_overdue", params,
                   link, f"instalment:{line.id}:overdue")
    db.session.commit()
