"""Factories, machines, idle-capacity calendars and leasable equipment (database rows)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Firm
from marketplace.db_types import UTCDateTime, currency_column, utcnow
from marketplace.extensions import db

CERTIFICATIONS = ("ISO9001", "IATF16949", "ISO14001", "ISO45001", "ISO13485", "AS9100", "CE", "RoHS")


class Process(db.Model):
    __tablename__ = "processes"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(100), nullable=False)
    name_zh: Mapped[str] = mapped_column(String(100), nullable=False)
    category: Mapped[str] = mapped_column(String(32), nullable=False)
    unit_of_work: Mapped[str] = mapped_column(String(32), nullable=False)
    cost_drivers: Mapped[list] = mapped_column(JSON, nullable=False, default=list)

    def name(self, locale: str) -> str:
        return self.name_zh if locale.startswith("zh") else self.name_en


class Material(db.Model):
    __tablename__ = "materials"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(100), nullable=False)
    name_zh: Mapped[str] = mapped_column(String(100), nullable=False)
    family: Mapped[str] = mapped_column(String(32), nullable=False)
    density_g_cm3: Mapped[float] = mapped_column(Float, nullable=False)
    price_fen_per_kg: Mapped[int] = mapped_column(Integer, nullable=False)
    currency: Mapped[str] = currency_column()

    def name(self, locale: str) -> str:
        return self.name_zh if locale.startswith("zh") else self.name_en


class Factory(db.Model):
    """A production site of a factory firm."""

    __tablename__ = "factories"
    __table_args__ = (
        UniqueConstraint("firm_id", "name"),
        CheckConstraint("latitude >= -90 AND latitude <= 90", name="latitude_range"),
        CheckConstraint("longitude >= -180 AND longitude <= 180", name="longitude_range"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), nullable=False, index=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    address: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    latitude: Mapped[float] = mapped_column(Float, nullable=False)
    longitude: Mapped[float] = mapped_column(Float, nullable=False)
    certifications: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    contact_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    contact_phone: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    firm: Mapped[Firm] = relationship()
    machines: Mapped[list[Machine]] = relationship(
        back_populates="factory", cascade="all, delete-orphan", order_by="Machine.name"
    )


machine_materials = Table(
    "machine_materials",
    db.metadata,
    Column("machine_id", ForeignKey("machines.id", ondelete="CASCADE"), primary_key=True),
    Column("material_code", ForeignKey("materials.code"), primary_key=True),
)


class Machine(db.Model):
    """A work centre: one or more identical units of one process at one site."""

    __tablename__ = "machines"
    __table_args__ = (
        UniqueConstraint("factory_id", "name"),
        CheckConstraint("units >= 1", name="units_positive"),
        CheckConstraint("hourly_rate_fen > 0", name="rate_positive"),
        CheckConstraint("envelope_x_mm > 0 AND envelope_y_mm > 0 AND envelope_z_mm > 0", name="envelope_positive"),
        CheckConstraint("best_tolerance_mm > 0", name="tolerance_positive"),
        CheckConstraint("speed_factor > 0", name="speed_positive"),
        CheckConstraint("setup_minutes >= 0", name="setup_nonnegative"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    factory_id: Mapped[int] = mapped_column(ForeignKey("factories.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    process_code: Mapped[str] = mapped_column(ForeignKey("processes.code"), nullable=False, index=True)
    units: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    envelope_x_mm: Mapped[float] = mapped_column(Float, nullable=False)
    envelope_y_mm: Mapped[float] = mapped_column(Float, nullable=False)
    envelope_z_mm: Mapped[float] = mapped_column(Float, nullable=False)
    best_tolerance_mm: Mapped[float] = mapped_column(Float, nullable=False)
    hourly_rate_fen: Mapped[int] = mapped_column(Integer, nullable=False)
    currency: Mapped[str] = currency_column()
    setup_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=30)
    speed_factor: Mapped[float] = mapped_column(Float, nullable=False, default=1.0)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    factory: Mapped[Factory] = relationship(back_populates="machines")
    process: Mapped[Process] = relationship()
    materials: Mapped[list[Material]] = relationship(secondary=machine_materials, order_by="Material.code")
    weekly_windows: Mapped[list[WeeklyWindow]] = relationship(
        back_populates="machine",
        cascade="all, delete-orphan",
        order_by="(WeeklyWindow.weekday, WeeklyWindow.start_minute)",
    )
    exceptions: Mapped[list[CalendarException]] = relationship(
        back_populates="machine", cascade="all, delete-orphan", order_by="CalendarException.starts_at"
    )

    @property
    def material_codes(self) -> list[str]:
        return [m.code for m in self.materials]

    @property
    def firm_id(self) -> int:
        return self.factory.firm_id

    @property
    def cluster_id(self) -> int:
        return self.factory.cluster_id


class WeeklyWindow(db.Model):
    """Recurring idle capacity in the cluster's local time: weekday 0=Monday, minutes from midnight.

    end_minute <= start_minute means the window runs past midnight into the next day.
    """

    __tablename__ = "weekly_windows"
    __table_args__ = (
        CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),
        CheckConstraint("start_minute >= 0 AND start_minute < 1440", name="start_range"),
        CheckConstraint("end_minute >= 0 AND end_minute <= 1440", name="end_range"),
        CheckConstraint("start_minute <> end_minute", name="not_empty"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    machine_id: Mapped[int] = mapped_column(ForeignKey("machines.id", ondelete="CASCADE"), nullable=False, index=True)
    weekday: Mapped[int] = mapped_column(Integer, nullable=False)
    start_minute: Mapped[int] = mapped_column(Integer, nullable=False)
    end_minute: Mapped[int] = mapped_column(Integer, nullable=False)

    machine: Mapped[Machine] = relationship(back_populates="weekly_windows")


class CalendarException(db.Model):
    """A one-off idle window (kind 'open') or a blackout that removes idle capacity."""

    __tablename__ = "calendar_exceptions"
    __table_args__ = (
        CheckConstraint("kind in ('open', 'blackout')", name="kind_known"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    machine_id: Mapped[int] = mapped_column(ForeignKey("machines.id", ondelete="CASCADE"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    note: Mapped[str] = mapped_column(String(200), nullable=False, default="")

    machine: Mapped[Machine] = relationship(back_populates="exceptions")


class Equipment(db.Model):
    """A leasable item of key common equipment, listed by its owner (an equipment lessor)."""

    __tablename__ = "equipment"
    __table_args__ = (
        UniqueConstraint("owner_firm_id", "name"),
        CheckConstraint("daily_rate_fen > 0", name="rate_positive"),
        CheckConstraint("deposit_fen >= 0", name="deposit_nonnegative"),
        CheckConstraint("min_days >= 1", name="min_days_positive"),
        CheckConstraint("envelope_x_mm > 0 AND envelope_y_mm > 0 AND envelope_z_mm > 0", name="envelope_positive"),
        CheckConstraint("best_tolerance_mm > 0", name="tolerance_positive"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), nullable=False, index=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    process_code: Mapped[str] = mapped_column(ForeignKey("processes.code"), nullable=False, index=True)
    site_factory_id: Mapped[int | None] = mapped_column(ForeignKey("factories.id"))
    delivered_to_lessee: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    envelope_x_mm: Mapped[float] = mapped_column(Float, nullable=False)
    envelope_y_mm: Mapped[float] = mapped_column(Float, nullable=False)
    envelope_z_mm: Mapped[float] = mapped_column(Float, nullable=False)
    best_tolerance_mm: Mapped[float] = mapped_column(Float, nullable=False)
    daily_rate_fen: Mapped[int] = mapped_column(Integer, nullable=False)
    deposit_fen: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    currency: Mapped[str] = currency_column()
    min_days: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    listed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    lease_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    owner: Mapped[Firm] = relationship()
    process: Mapped[Process] = relationship()
    site: Mapped[Factory | None] = relationship()
    instalment_plans: Mapped[list[InstalmentPlan]] = relationship(
        back_populates="equipment", cascade="all, delete-orphan", order_by="InstalmentPlan.months"
    )
    availability: Mapped[list[EquipmentAvailability]] = relationship(
        back_populates="equipment", cascade="all, delete-orphan", order_by="EquipmentAvailability.start_date"
    )


class InstalmentPlan(db.Model):
    """Lease on instalments: the lease total paid over `months` with an annual interest rate in basis points."""

    __tablename__ = "instalment_plans"
    __table_args__ = (
        UniqueConstraint("equipment_id", "months"),
        CheckConstraint("months >= 2 AND months <= 60", name="months_range"),
        CheckConstraint("annual_rate_bp >= 0 AND annual_rate_bp <= 3600", name="rate_range"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    equipment_id: Mapped[int] = mapped_column(
        ForeignKey("equipment.id", ondelete="CASCADE"), nullable=False, index=True
    )
    months: Mapped[int] = mapped_column(Integer, nullable=False)
    annual_rate_bp: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    equipment: Mapped[Equipment] = relationship(back_populates="instalment_plans")


class EquipmentAvailability(db.Model):
    """Date ranges (inclusive, cluster-local dates) in which the equipment can be leased."""

    __tablename__ = "equipment_availability"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="end_after_start"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    equipment_id: Mapped[int] = mapped_column(
        ForeignKey("equipment.id", ondelete="CASCADE"), nullable=False, index=True
    )
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)

    equipment: Mapped[Equipment] = relationship(back_populates="availability")
