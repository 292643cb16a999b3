"""What a lease's money looks like to its two sides: charged, refunded, the deposit's state, instalments unpaid;
and a lessor's totals for the money page. Reads only: the rows payments/leases.py writes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from capacity.lease_models import CHARGED_STATES, Lease, LeaseInstalment
from capacity.models import Equipment
from marketplace.extensions import db
from marketplace.payments import leases
from marketplace.payments.lease_models import LeaseCharge, LeaseRefund


@dataclass
class LeaseMoney:
    charges: list[LeaseCharge]
    refunds: list[LeaseRefund]
    rent_received_fen: int = 0  # rent and interest charged, less rent refunded
    deposit_charged_fen: int = 0
    deposit_refunded_fen: int = 0
    deposit_kept_fen: int = 0
    unpaid: list[LeaseInstalment] = field(default_factory=list)

    @property
    def deposit_held_fen(self) -> int:
        return self.deposit_charged_fen - self.deposit_refunded_fen - self.deposit_kept_fen


def of_lease(lease: Lease, charges: list[LeaseCharge] | None = None,
             refunds: list[LeaseRefund] | None = None) -> LeaseMoney:
    """The lease's money; `charges` and `refunds` when the caller loaded them for many leases at once."""
    charges = leases.charges_of(lease.id) if charges is None else charges
    refunds = leases.refunds_of(lease.id) if refunds is None else refunds
    paid = [c for c in charges if c.status == "succeeded"]
    back = [r for r in refunds if r.status == "succeeded"]
    money = LeaseMoney(charges, refunds)
    money.deposit_charged_fen = sum(c.deposit_fen for c in paid)
    money.deposit_refunded_fen = sum(r.deposit_fen for r in back)
    money.rent_received_fen = sum(c.rent_fen for c in paid) - sum(r.amount_fen - r.deposit_fen for r in back)
    kept_posted = lease.status == "closed" and money.deposit_charged_fen > 0
    money.deposit_kept_fen = lease.kept_fen if kept_posted else 0
    if lease.status in CHARGED_STATES:
        money.unpaid = [line for line in lease.instalments if line.paid_at is None]
    return money


def lessor_summary(firm, today: date) -> dict:
    """The lessor's money page: received, receivable (instalments not yet paid), deposits held, kept, overdue."""
    held = db.session.scalars(select(Lease).join(Equipment).where(Equipment.owner_firm_id == firm.id)
                              .options(selectinload(Lease.instalments), selectinload(Lease.equipment),
                                       selectinload(Lease.lessee))
                              .order_by(Lease.start_date.desc(), Lease.id.desc()).limit(1000)).all()
    ids = [lease.id for lease in held]
    charges, refunds = defaultdict(list), defaultdict(list)
    for charge in db.session.scalars(select(LeaseCharge).where(LeaseCharge.lease_id.in_(ids))
                                     .order_by(LeaseCharge.number)):
        charges[charge.lease_id].append(charge)
    for refund in db.session.scalars(select(LeaseRefund).where(LeaseRefund.lease_id.in_(ids))
                                     .order_by(LeaseRefund.id)):
        refunds[refund.lease_id].append(refund)
    rows = [(lease, of_lease(lease, charges[lease.id], refunds[lease.id])) for lease in held]
    unpaid = sorted(((lease, line) for lease, money in rows for line in money.unpaid),
                    key=lambda pair: (pair[1].due_date, pair[0].id))
    return {"rows": [(lease, money) for lease, money in rows if money.charges or money.unpaid],
            "received_fen": sum(m.rent_received_fen for _, m in rows),
            "kept_fen": sum(m.deposit_kept_fen for _, m in rows),
            "deposits_held_fen": sum(m.deposit_held_fen for _, m in rows),
            "receivable_fen": sum(line.amount_fen for _, line in unpaid),
            "overdue_fen": sum(line.amount_fen for _, line in unpaid if line.overdue(today)),
            "upcoming": unpaid[:20]}
