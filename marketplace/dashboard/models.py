"""Materialised capacity figures: offered idle minutes and booked minutes per machine per local day.

Every dashboard figure is a GROUP BY over `dashboard_machine_days`. Rows exist only for days with offered or
booked minutes (sparse); `dashboard_coverage` records the range of local days that is materialised for a cluster,
so a missing row inside it means zero, and a range outside it is materialised before it is read.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db_types import UTCDateTime, utcnow
from marketplace.extensions import db


class MachineDay(db.Model):
    """Minutes of one machine on one local day of its cluster, already multiplied by the machine's units.

    offered_minutes   idle capacity offered (weekly windows + one-off windows - blackouts) x units
    booked_minutes    booked unit-minutes inside the offered windows (what utilisation counts)
    booked_outside    booked unit-minutes outside any offered window (shown, never counted as utilisation)
    """

    __tablename__ = "dashboard_machine_days"
    # covering index: every figure reads a cluster's days and sums the minutes without touching the table
    __table_args__ = (Index("ix_dashboard_machine_days_cluster_day", "cluster_id", "day", "factory_id", "machine_id",
                            "process_code", "offered_minutes", "booked_minutes", "booked_outside"),)
    machine_id: Mapped[int] = mapped_column(ForeignKey("machines.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"), nullable=False)
    factory_id: Mapped[int] = mapped_column(ForeignKey("factories.id", ondelete="CASCADE"), nullable=False)
    process_code: Mapped[str] = mapped_column(String(32), nullable=False)
    offered_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    booked_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    booked_outside: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Coverage(db.Model):
    """The local days [first_day, last_day] of a cluster whose MachineDay rows are complete."""

    __tablename__ = "dashboard_coverage"
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"), primary_key=True)
    first_day: Mapped[date] = mapped_column(Date, nullable=False)
    last_day: Mapped[date] = mapped_column(Date, nullable=False)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class FactoryDay(db.Model):
    """The MachineDay rows of one factory and local day, summed (one heat-map cell; the factory and day figures).

    Kept by materialise.py in the same statements that write MachineDay, so a row exists exactly where the factory has
    MachineDay rows that day. The primary key (cluster, day, factory) is the heat map's order."""

    __tablename__ = "dashboard_factory_days"
    __table_args__ = {"sqlite_with_rowid": False}
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    factory_id: Mapped[int] = mapped_column(ForeignKey("factories.id", ondelete="CASCADE"), primary_key=True)
    offered_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    booked_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    booked_outside: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class ProcessDay(db.Model):
    """The MachineDay rows of one process and local day in a cluster, summed (the process, day, week and trend
    figures, and the supply of demand versus supply). Kept like FactoryDay."""

    __tablename__ = "dashboard_process_days"
    __table_args__ = {"sqlite_with_rowid": False}
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    process_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    offered_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    booked_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    booked_outside: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
