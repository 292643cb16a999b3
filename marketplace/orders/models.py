"""Orders and their process steps, as buyers publish them; production bookings on machines.

The order lifecycle (payments, state machine, audit trail) builds on these rows; quotes price them and the
matching optimiser books their steps onto machines.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from capacity.models import Equipment, Factory, Machine, Material, Process
from marketplace.accounts.models import Firm
from marketplace.db_types import UTCDateTime, currency_column, utcnow
from marketplace.extensions import db


class OrderStatus(str, enum.Enum):
    DRAFT = "draft"
    QUOTED = "quoted"
    ACCEPTED = "accepted"
    PAID = "paid"
    PLANNED = "planned"
    IN_PRODUCTION = "in_production"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    DISPUTED = "disputed"
    REFUNDED = "refunded"


OPEN_STATUSES = (
    OrderStatus.QUOTED.value,
    OrderStatus.ACCEPTED.value,
    OrderStatus.PAID.value,
    OrderStatus.PLANNED.value,
    OrderStatus.IN_PRODUCTION.value,
)


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("quantity >= 1", name="quantity_positive"),
        CheckConstraint("weight >= 1 AND weight <= 100", name="weight_range"),
        Index("ix_orders_cluster_status", "cluster_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id"), nullable=False, index=True)
    buyer_firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=OrderStatus.DRAFT.value)
    material_code: Mapped[str] = mapped_column(ForeignKey("materials.code"), nullable=False)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    release_date: Mapped[date] = mapped_column(Date, nullable=False)
    due_date: Mapped[date] = mapped_column(Date, nullable=False)
    weight: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    delivery_address: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    delivery_latitude: Mapped[float] = mapped_column(Float, nullable=False)
    delivery_longitude: Mapped[float] = mapped_column(Float, nullable=False)
    total_fen: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str] = currency_column()
    promised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    quote_id: Mapped[int | None] = mapped_column(ForeignKey("quotes.id"), unique=True)
    tier: Mapped[str] = mapped_column(String(16), nullable=False, default="standard", server_default="standard")
    # bumped by each declined payment, so the next Pay is a new attempt (the outbox deduplicates per attempt)
    payment_attempt: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    # optimistic concurrency: an UPDATE from a stale copy (a planning run that loaded the order before the buyer
    # cancelled it) changes nothing and raises StaleDataError instead of overwriting the newer status
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    buyer: Mapped[Firm] = relationship()
    material: Mapped[Material] = relationship()
    steps: Mapped[list[OrderStep]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderStep.sequence"
    )
    events: Mapped[list[OrderEvent]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderEvent.id"
    )
    lines: Mapped[list[OrderLine]] = relationship(cascade="all, delete-orphan", order_by="OrderLine.position")


class OrderEvent(db.Model):
    """The audit trail of an order: every status change, who made it, when and why."""

    __tablename__ = "order_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
    from_status: Mapped[str] = mapped_column(String(20), nullable=False)
    to_status: Mapped[str] = mapped_column(String(20), nullable=False)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    order: Mapped[Order] = relationship(back_populates="events")


class OrderLine(db.Model):
    """One part of a multi-part order (RFQ): the quote it was priced by, its material, quantity and price. Its
    steps carry `line_id`; an assembly (or packing, inspection) step of the order waits for every line."""

    __tablename__ = "order_lines"
    __table_args__ = (UniqueConstraint("order_id", "position"), CheckConstraint("quantity >= 1", name="qty_positive"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id"), nullable=False, unique=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    material_code: Mapped[str] = mapped_column(ForeignKey("materials.code"), nullable=False)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    total_fen: Mapped[int] = mapped_column(Integer, nullable=False)
    ship_by: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the line's own promise at its tier

    material: Mapped[Material] = relationship()


class OrderStep(db.Model):
    """One process step of an order; `predecessors` lists sequence numbers of steps that must finish first
    (empty = the previous step, so a plain list of steps is a chain; [0] = none, the first step of a line)."""

    __tablename__ = "order_steps"
    __table_args__ = (
        UniqueConstraint("order_id", "sequence"),
        CheckConstraint("setup_minutes >= 0", name="setup_nonnegative"),
        CheckConstraint("run_minutes_per_unit > 0", name="run_positive"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
    sequence: Mapped[int] = mapped_column(Integer, nullable=False)
    process_code: Mapped[str] = mapped_column(ForeignKey("processes.code"), nullable=False, index=True)
    setup_minutes: Mapped[float] = mapped_column(Float, nullable=False, default=0)
    run_minutes_per_unit: Mapped[float] = mapped_column(Float, nullable=False)
    envelope_x_mm: Mapped[float] = mapped_column(Float, nullable=False, default=0)
    envelope_y_mm: Mapped[float] = mapped_column(Float, nullable=False, default=0)
    envelope_z_mm: Mapped[float] = mapped_column(Float, nullable=False, default=0)
    tolerance_mm: Mapped[float] = mapped_column(Float, nullable=False, default=0.1)
    predecessors: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    line_id: Mapped[int | None] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"), index=True)
    # awarded to this factory firm (a bid won): planning places the step on that firm's machines only
    assigned_firm_id: Mapped[int | None] = mapped_column(ForeignKey("firms.id"))
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="pending")
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    order: Mapped[Order] = relationship(back_populates="steps")
    process: Mapped[Process] = relationship()
    line: Mapped[OrderLine | None] = relationship()

    @property
    def quantity(self) -> int:
        """Pieces this step makes: its line's quantity, else the order's (an assembly makes the order's sets)."""
        return self.line.quantity if self.line is not None else self.order.quantity

    @property
    def material_code(self) -> str:
        """The material it works: its line's; a step of the whole order (assembly, packing) needs none."""
        if self.line is not None:
            return self.line.material_code
        return "" if self.order.lines else self.order.material_code


class Booking(db.Model):
    """Time reserved on one unit of a machine, or on leased equipment placed at a site: a planned order step, or
    work from outside the platform (order_step_id empty) that the optimiser must plan around."""

    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("unit >= 0", name="unit_nonnegative"),
        CheckConstraint("(machine_id IS NULL) <> (equipment_id IS NULL)", name="machine_xor_equipment"),
        Index("ix_bookings_machine_time", "machine_id", "starts_at"),
        Index("ix_bookings_equipment_time", "equipment_id", "starts_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    machine_id: Mapped[int | None] = mapped_column(ForeignKey("machines.id", ondelete="CASCADE"))
    equipment_id: Mapped[int | None] = mapped_column(ForeignKey("equipment.id", ondelete="CASCADE"))
    site_factory_id: Mapped[int | None] = mapped_column(ForeignKey("factories.id"))  # where leased equipment runs
    unit: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    order_step_id: Mapped[int | None] = mapped_column(ForeignKey("order_steps.id", ondelete="CASCADE"), index=True)
    plan_run_id: Mapped[int | None] = mapped_column(Integer, index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="planned")
    cost_fen: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    note: Mapped[str] = mapped_column(String(200), nullable=False, default="")

    machine: Mapped[Machine | None] = relationship()
    equipment: Mapped[Equipment | None] = relationship()
    site: Mapped[Factory | None] = relationship()
    step: Mapped[OrderStep | None] = relationship()

    @property
    def factory(self) -> Factory:
        return self.machine.factory if self.machine is not None else self.site


class Rating(db.Model):
    """A buyer's rating of a supplier that worked on one of its orders."""

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("order_id", "supplier_firm_id"),
        CheckConstraint("score >= 1 AND score <= 5", name="score_range"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), nullable=False)
    buyer_firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), nullable=False)
    supplier_firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), nullable=False, index=True)
    score: Mapped[int] = mapped_column(Integer, nullable=False)
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    order: Mapped[Order] = relationship()
    buyer: Mapped[Firm] = relationship(foreign_keys=[buyer_firm_id])
    supplier: Mapped[Firm] = relationship(foreign_keys=[supplier_firm_id])


__all__ = ["OPEN_STATUSES", "Booking", "Order", "OrderLine", "OrderStatus", "OrderStep", "Rating"]
