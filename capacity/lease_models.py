"""Equipment leases and their instalment schedules."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from capacity.models import Equipment, Factory
from marketplace.accounts.models import Firm
from marketplace.db_types import UTCDateTime, currency_column, utcnow
from marketplace.extensions import db

# requested -> approved (the lessor) -> paid (deposit and first rent collected) -> active (handed over) -> returned
# -> closed (inspected; the deposit refunded, or part of it kept with a reason). A declined charge leaves
# payment_failed (the lessee pays again); the lessor may decline a request; the lessee may cancel before handover.
STATUSES = ("requested", "approved", "payment_failed", "paid", "active", "returned", "closed", "declined",
            "cancelled")
HOLDING_STATES = ("requested", "approved", "payment_failed", "paid", "active")  # the item is held for its dates
PLANNED_STATES = ("paid", "active")  # the item works at the lessee's site: the planner may place steps on it
CHARGED_STATES = ("paid", "active", "returned", "closed")  # the lessee owes its instalments: charged when due


class Lease(db.Model):
    """A firm leases an item for whole days [start_date, end_date] (cluster-local dates, both inclusive)."""

    __tablename__ = "leases"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="end_after_start"),
        CheckConstraint("days >= 1", name="days_positive"),
        CheckConstraint("status in (" + ", ".join(f"'{s}'" for s in STATUSES) + ")", name="status_known"),
        CheckConstraint("kept_fen >= 0 AND kept_fen <= deposit_fen", name="kept_within_deposit"),
        Index("ix_leases_equipment_dates", "equipment_id", "start_date", "end_date"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    equipment_id: Mapped[int] = mapped_column(ForeignKey("equipment.id"), nullable=False)
    lessee_firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), nullable=False, index=True)
    site_factory_id: Mapped[int | None] = mapped_column(ForeignKey("factories.id"))  # where it works (matching)
    # where it is delivered when the lessee has no site (an SME using it in-house; not a planner resource)
    delivery_address: Mapped[str] = mapped_column(String(300), nullable=False, default="", server_default="")
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    days: Mapped[int] = mapped_column(Integer, nullable=False)
    daily_rate_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    rent_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    deposit_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    instalment_months: Mapped[int | None] = mapped_column(Integer)
    annual_rate_bp: Mapped[int | None] = mapped_column(Integer)
    total_payable_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)  # rent plus instalment interest
    currency: Mapped[str] = currency_column()
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="requested")
    payment_attempt: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    decision_note: Mapped[str] = mapped_column(String(300), nullable=False, default="", server_default="")
    handover_note: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    return_note: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    kept_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0, server_default="0")
    kept_reason: Mapped[str] = mapped_column(String(300), nullable=False, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handed_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    equipment: Mapped[Equipment] = relationship()
    lessee: Mapped[Firm] = relationship()
    site: Mapped[Factory | None] = relationship()
    instalments: Mapped[list[LeaseInstalment]] = relationship(back_populates="lease", cascade="all, delete-orphan",
                                                              order_by="LeaseInstalment.number")


class LeaseInstalment(db.Model):
    __tablename__ = "lease_instalments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lease_id: Mapped[int] = mapped_column(ForeignKey("leases.id", ondelete="CASCADE"), nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    due_date: Mapped[date] = mapped_column(Date, nullable=False)
    amount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    principal_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    interest_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lease: Mapped[Lease] = relationship(back_populates="instalments")

    def overdue(self, today: date) -> bool:
        return self.paid_at is None and self.due_date < today
