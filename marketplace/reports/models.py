"""A programme's targets for one period: what the province asks the cluster to reach (e.g. 20+ firms on the
platform, GMV, vouchers used) and what the mid-term review compares with the platform's figures."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db_types import UTCDateTime, utcnow
from marketplace.extensions import db


class ReportPlan(db.Model):
    __tablename__ = "report_plans"
    __table_args__ = (
        UniqueConstraint("cluster_id", "name", "period_start"),
        CheckConstraint("period_end >= period_start", name="period_range"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    targets: Mapped[list[ReportTarget]] = relationship(back_populates="plan", order_by="ReportTarget.id",
                                                       cascade="all, delete-orphan")


class ReportTarget(db.Model):
    """One metric's target, stored as an integer in the metric's stored unit (metrics.py: fen, count,
    basis points of a ratio, hundredths of a day)."""

    __tablename__ = "report_targets"
    __table_args__ = (
        UniqueConstraint("plan_id", "metric"),
        CheckConstraint("stored_value >= 0", name="target_not_negative"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("report_plans.id", ondelete="CASCADE"), nullable=False,
                                         index=True)
    metric: Mapped[str] = mapped_column(String(30), nullable=False)
    stored_value: Mapped[int] = mapped_column(BigInteger, nullable=False)

    plan: Mapped[ReportPlan] = relationship(back_populates="targets")
