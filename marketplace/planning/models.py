"""Planning runs: each re-plan of a cluster, with the solver's figures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db_types import UTCDateTime, utcnow
from marketplace.extensions import db


class PlanRun(db.Model):
    __tablename__ = "plan_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id"), nullable=False, index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="queued")  # queued running done failed
    job_id: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    epoch: Mapped[datetime | None] = mapped_column(UTCDateTime)
    time_limit_s: Mapped[float] = mapped_column(Float, nullable=False, default=20.0)
    solver_status: Mapped[str] = mapped_column(String(16), nullable=False, default="")
    objective: Mapped[int | None] = mapped_column(BigInteger)
    best_bound: Mapped[int | None] = mapped_column(BigInteger)
    gap: Mapped[float | None] = mapped_column(Float)
    wall_s: Mapped[float | None] = mapped_column(Float)
    orders: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    assignments: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    weighted_tardiness_min: Mapped[int | None] = mapped_column(BigInteger)
    cost_fen: Mapped[int | None] = mapped_column(BigInteger)
    greedy_objective: Mapped[int | None] = mapped_column(BigInteger)
    unplaced: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    error: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StepDecline(db.Model):
    """A factory declined an order step on one of its machines; re-planning never puts it there again."""

    __tablename__ = "step_declines"
    __table_args__ = (UniqueConstraint("order_step_id", "machine_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_step_id: Mapped[int] = mapped_column(ForeignKey("order_steps.id", ondelete="CASCADE"), nullable=False,
                                               index=True)
    machine_id: Mapped[int] = mapped_column(ForeignKey("machines.id", ondelete="CASCADE"), nullable=False)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), nullable=False)
    reason: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class CounterOffer(db.Model):
    """A factory answers an assignment with a later start on the same machine instead of a plain decline. While it is
    open the booking holds its place ("countered"); the buyer accepts (the booking moves there and is committed) or
    rejects (a decline: the step is re-placed elsewhere)."""

    __tablename__ = "counter_offers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
    order_step_id: Mapped[int] = mapped_column(ForeignKey("order_steps.id", ondelete="CASCADE"), nullable=False,
                                               index=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="SET NULL"), index=True)
    machine_id: Mapped[int] = mapped_column(ForeignKey("machines.id", ondelete="CASCADE"), nullable=False)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), nullable=False, index=True)
    planned_start: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    planned_end: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    proposed_start: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    proposed_end: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    note: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="open")  # open accepted rejected withdrawn
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    machine = relationship("Machine")
    firm = relationship("Firm")
    step = relationship("OrderStep")
