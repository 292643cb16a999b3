"""Utilisation figures: every one a SQL GROUP BY over the materialised days of one cluster.

Per machine: `dashboard_machine_days`; per factory (and the heat map): `dashboard_factory_days`; per process, day,
week and the trend: `dashboard_process_days` (the same minutes summed ahead, see models.py), so no figure but the
per-machine ones reads the 200 x 4 x 90 machine days.

Utilisation = booked minutes inside offered idle windows / offered idle minutes (machine units counted), so it lies
in [0, 1]; booked minutes outside any offered window are reported beside it ("outside_h") but never counted.
Python only fills the calendar (days without rows are zero) and rounds.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Date, Integer, String, cast, func, literal, select, type_coerce

from capacity.models import Factory, Machine, Process
from marketplace.accounts.models import Firm
from marketplace.dashboard.models import FactoryDay, MachineDay, ProcessDay

GROUPS = ("factory", "machine", "process", "day", "week")


@dataclass(frozen=True)
class Range:
    """One cluster and the local days first .. last (inclusive)."""

    cluster_id: int
    first: date
    last: date
    locale: str = "en"

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    @property
    def zh(self) -> bool:
        return self.locale.startswith("zh")


def hours(minutes) -> float:
    return round((minutes or 0) / 60, 1)


def ratio(booked, offered) -> float | None:
    return round(booked / offered, 4) if offered else None


def _sums(model=MachineDay):
    return (func.coalesce(func.sum(model.offered_minutes), 0).label("offered"),
            func.coalesce(func.sum(model.booked_minutes), 0).label("booked"),
            func.coalesce(func.sum(model.booked_outside), 0).label("outside"))


def _in_range(stmt, r: Range, model=MachineDay):
    return stmt.where(model.cluster_id == r.cluster_id, model.day >= r.first, model.day <= r.last)


def week_start(column, dialect: str):
    """Monday of the week of a DATE column, in SQL."""
    if dialect == "postgresql":
        return cast(func.date_trunc("week", column), Date)
    # SQLite: strftime('%w') is 0 for Sunday
    offset = (cast(func.strftime("%w", column), Integer) + 6) % 7
    return func.date(column, literal("-") + cast(offset, String) + literal(" days"))


def _figures(row) -> dict:
    return {"offered_h": hours(row.offered), "booked_h": hours(row.booked), "outside_h": hours(row.outside),
            "utilisation": ratio(row.booked, row.offered)}


def _process_label(r: Range):
    return Process.name_zh if r.zh else Process.name_en


def utilisation(session, r: Range, group_by: str) -> list[dict]:
    """Utilisation by factory, machine, process, day or week."""
    if group_by not in GROUPS:
        raise ValueError(f"group_by must be one of {', '.join(GROUPS)}")
    if group_by == "factory":
        F = FactoryDay
        agg = _in_range(select(F.factory_id.label("fid"), *_sums(F)).group_by(F.factory_id), r, F).subquery()
        stmt = (select(Factory.id, Factory.name, Firm.name.label("firm"), agg.c.offered, agg.c.booked, agg.c.outside)
                .join(Factory, Factory.id == agg.c.fid).join(Firm, Firm.id == Factory.firm_id)
                .order_by(Factory.name, Factory.id))
        return [{"key": str(row.id), "id": row.id, "label": row.name, "firm": row.firm, **_figures(row)}
                for row in session.execute(stmt)]
    if group_by == "machine":
        agg = _in_range(select(MachineDay.machine_id.label("mid"), *_sums()).group_by(MachineDay.machine_id),
                        r).subquery()
        stmt = (select(Machine.id, Machine.name, Machine.units, Machine.process_code, Factory.name.label("factory"),
                       agg.c.offered, agg.c.booked, agg.c.outside)
                .join(Machine, Machine.id == agg.c.mid).join(Factory, Factory.id == Machine.factory_id)
                .order_by(Factory.name, Machine.name, Machine.id))
        return [{"key": str(row.id), "id": row.id, "label": row.name, "factory": row.factory, "units": row.units,
                 "process_code": row.process_code, **_figures(row)} for row in session.execute(stmt)]
    P = ProcessDay
    if group_by == "process":
        label = _process_label(r)
        agg = _in_range(select(P.process_code.label("code"), *_sums(P)).group_by(P.process_code), r, P).subquery()
        stmt = (select(agg.c.code, label.label("name"), agg.c.offered, agg.c.booked, agg.c.outside)
                .join(Process, Process.code == agg.c.code).order_by(agg.c.code))
        return [{"key": row.code, "label": row.name, **_figures(row)} for row in session.execute(stmt)]
    return _over_time(_process_days(session, r), r, group_by)


def _process_days(session, r: Range) -> list[tuple]:
    """(process_code, day, offered, booked, outside) of the range: the few thousand rows that the day, week and
    trend figures are summed from in Python."""
    P = ProcessDay
    stmt = _in_range(select(P.process_code, P.day, P.offered_minutes, P.booked_minutes, P.booked_outside), r, P)
    return [(code, _as_date(day), o, b, x) for code, day, o, b, x in session.execute(stmt)]


def _bucket_of(r: Range, interval: str) -> dict[date, date]:
    return {d: d if interval == "day" else d - timedelta(days=d.weekday()) for d in r.days}


def _over_time(rows: list[tuple], r: Range, interval: str) -> list[dict]:
    """The whole cluster per day or week (Monday) of the range, zero where nothing is materialised."""
    bucket = _bucket_of(r, interval)
    keys = sorted(set(bucket.values()))
    sums = {k: [0, 0, 0] for k in keys}
    for _code, day, offered, booked, outside in rows:
        acc = sums[bucket[day]]
        acc[0] += offered
        acc[1] += booked
        acc[2] += outside
    return [{"key": k.isoformat(), "label": k.isoformat(),
             "offered_h": hours(o), "booked_h": hours(b), "outside_h": hours(x), "utilisation": ratio(b, o)}
            for k, (o, b, x) in sums.items()]


class _Zero:
    offered = booked = outside = 0


_ZERO = _Zero()


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def heatmap(session, r: Range) -> dict:
    """Utilisation per factory and day: {days, factories: [{id, label}], cells: [[day_index, factory_index, u]]}
    (u None where nothing is offered; no cell where nothing is offered or booked). One row per cell, read in the
    order of the factory-day key (day, factory)."""
    F = FactoryDay
    # the day as the driver hands it over (text on SQLite, a date on PostgreSQL; d_index knows both): 18,000 cells
    # are worth skipping the ORM and the date parsing for
    stmt = _in_range(select(F.factory_id, type_coerce(F.day, String), F.offered_minutes, F.booked_minutes), r,
                     F).order_by(F.day, F.factory_id)
    with _no_cycle_collection():
        rows = session.connection().execute(stmt).all()
        return _heatmap_of(session, r, rows)


@contextmanager
def _no_cycle_collection():
    """Build many short-lived objects without the cyclic collector: the 18,000 rows and cells are freed by their
    reference counts, but their allocation alone set off full collections of the app's heap (a median heat map
    took 50 ms instead of 21 ms)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _heatmap_of(session, r: Range, rows) -> dict:
    names = dict(session.execute(select(Factory.id, Factory.name).where(Factory.cluster_id == r.cluster_id)).all())
    factory_ids = sorted({fid for fid, *_ in rows}, key=lambda i: (names.get(i, ""), i))
    f_index = {fid: i for i, fid in enumerate(factory_ids)}
    d_index = {d: i for i, d in enumerate(r.days)}
    d_index |= {d.isoformat(): i for d, i in list(d_index.items())}  # SQLite may hand back text
    cells = [[d_index[day], f_index[fid], round(booked / offered, 4) if offered else None]
             for fid, day, offered, booked in rows]
    return {"days": [d.isoformat() for d in r.days],
            "factories": [{"id": fid, "label": names.get(fid, str(fid))} for fid in factory_ids],
            "cells": cells}


def trend(session, r: Range, interval: str = "day", top: int = 5, process_days: list[tuple] | None = None) -> dict:
    """Utilisation over time: the whole cluster, and the `top` processes by offered hours. `process_days`: the
    range's rows of `_process_days` when the caller has them already."""
    rows = _process_days(session, r) if process_days is None else process_days
    overall = _over_time(rows, r, interval)
    keys = [row["key"] for row in overall]
    offered: dict[str, int] = {}
    for code, _day, o, _b, _x in rows:
        offered[code] = offered.get(code, 0) + o
    leaders = sorted(offered, key=lambda code: (-offered[code], code))[:top]
    bucket = _bucket_of(r, interval)
    sums: dict[str, dict[date, list[int]]] = {code: {} for code in leaders}
    for code, day, o, b, _x in rows:
        if code in sums:
            acc = sums[code].setdefault(bucket[day], [0, 0])
            acc[0] += o
            acc[1] += b
    values = {code: {k.isoformat(): ratio(b, o) for k, (o, b) in by_key.items()} for code, by_key in sums.items()}
    label = _process_label(r)
    names = dict(session.execute(select(Process.code, label).where(Process.code.in_(leaders))).all())
    series = [{"key": "all", "label": None, "values": [row["utilisation"] for row in overall]}]
    series += [{"key": code, "label": names.get(code, code), "values": [values[code].get(k) for k in keys]}
               for code in leaders]
    return {"interval": interval, "keys": keys, "series": series}


def under_used(session, r: Range, limit: int = 10) -> list[dict]:
    """Machines with the most offered but unbooked hours in the range."""
    spare = (func.sum(MachineDay.offered_minutes) - func.sum(MachineDay.booked_minutes)).label("spare")
    agg = _in_range(select(MachineDay.machine_id.label("mid"), spare, *_sums()).group_by(MachineDay.machine_id)
                    .having(func.sum(MachineDay.offered_minutes) > 0)
                    .order_by(spare.desc(), MachineDay.machine_id).limit(limit), r).subquery()
    label = _process_label(r)
    stmt = (select(Machine.id, Machine.name, Machine.units, Machine.process_code, label.label("process"),
                   Factory.name.label("factory"), Firm.name.label("firm"), agg.c.spare, agg.c.offered, agg.c.booked,
                   agg.c.outside)
            .join(Machine, Machine.id == agg.c.mid).join(Factory, Factory.id == Machine.factory_id)
            .join(Firm, Firm.id == Factory.firm_id).join(Process, Process.code == Machine.process_code)
            .order_by(agg.c.spare.desc(), Machine.id))
    return [{"key": str(row.id), "id": row.id, "label": row.name, "factory": row.factory, "firm": row.firm,
             "units": row.units, "process_code": row.process_code, "process": row.process,
             "spare_h": hours(row.spare), **_figures(row)} for row in session.execute(stmt)]


def supply_by_process(session, r: Range) -> dict[str, dict]:
    P = ProcessDay
    stmt = select(P.process_code, *_sums(P)).group_by(P.process_code)
    return {row.process_code: {"offered_min": int(row.offered), "booked_min": int(row.booked)}
            for row in session.execute(_in_range(stmt, r, P))}


__all__ = ["GROUPS", "Range", "heatmap", "trend", "under_used", "utilisation"]
