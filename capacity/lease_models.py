"""Equipment leases and their instalment schedules."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from capacity.models import Equipment, Factory
from marketplace.accounts.models import Firm
from marketplace.db_types import UTCDateTime, currency_column, utcnow
from marketplace.extensions import db


class Lease(db.Model):
    """A firm leases an item for whole days [start_date, end_date] (cluster-local dates, both inclusive)."""

    __tablename__ = "leases"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="end_after_start"),
        CheckConstraint("days >= 1", name="days_positive"),
        CheckConstraint("status in ('reserved', 'active', 'returned', 'cancelled')", name="status_known"),
        Index("ix_leases_equipment_dates", "equipment_id", "start_date", "end_date"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    equipment_id: Mapped[int] = mapped_column(ForeignKey("equipment.id"), nullable=False)
    lessee_firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), nullable=False, index=True)
    site_factory_id: Mapped[int | None] = mapped_column(ForeignKey("factories.id"))  # where it works (matching)
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
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="reserved")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

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
