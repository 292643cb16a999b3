"""Utilisation figures: every one a SQL GROUP BY over the materialised machine-days of one cluster.

Utilisation = booked minutes inside offered idle windows / offered idle minutes (machine units counted), so it lies
in [0, 1]; booked minutes outside any offered window are reported beside it ("outside_h") but never counted.
Python only fills the calendar (days without rows are zero) and rounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Date, Integer, String, cast, func, literal, select

from capacity.models import Factory, Machine, Process
from marketplace.accounts.models import Firm
from marketplace.dashboard.models import MachineDay

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


def _sums():
    return (func.coalesce(func.sum(MachineDay.offered_minutes), 0).label("offered"),
            func.coalesce(func.sum(MachineDay.booked_minutes), 0).label("booked"),
            func.coalesce(func.sum(MachineDay.booked_outside), 0).label("outside"))


def _in_range(stmt, r: Range):
    return stmt.where(MachineDay.cluster_id == r.cluster_id, MachineDay.day >= r.first, MachineDay.day <= r.last)


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
    sums = _sums()
    if group_by == "factory":
        agg = _in_range(select(MachineDay.factory_id.label("fid"), *sums).group_by(MachineDay.factory_id), r).subquery()
        stmt = (select(Factory.id, Factory.name, Firm.name.label("firm"), agg.c.offered, agg.c.booked, agg.c.outside)
                .join(Factory, Factory.id == agg.c.fid).join(Firm, Firm.id == Factory.firm_id)
                .order_by(Factory.name, Factory.id))
        return [{"key": str(row.id), "id": row.id, "label": row.name, "firm": row.firm, **_figures(row)}
                for row in session.execute(stmt)]
    if group_by == "machine":
        agg = _in_range(select(MachineDay.machine_id.label("mid"), *sums).group_by(MachineDay.machine_id), r).subquery()
        stmt = (select(Machine.id, Machine.name, Machine.units, Machine.process_code, Factory.name.label("factory"),
                       agg.c.offered, agg.c.booked, agg.c.outside)
                .join(Machine, Machine.id == agg.c.mid).join(Factory, Factory.id == Machine.factory_id)
                .order_by(Factory.name, Machine.name, Machine.id))
        return [{"key": str(row.id), "id": row.id, "label": row.name, "factory": row.factory, "units": row.units,
                 "process_code": row.process_code, **_figures(row)} for row in session.execute(stmt)]
    if group_by == "process":
        label = _process_label(r)
        agg = _in_range(select(MachineDay.process_code.label("code"), *sums).group_by(MachineDay.process_code),
                        r).subquery()
        stmt = (select(agg.c.code, label.label("name"), agg.c.offered, agg.c.booked, agg.c.outside)
                .join(Process, Process.code == agg.c.code).order_by(agg.c.code))
        return [{"key": row.code, "label": row.name, **_figures(row)} for row in session.execute(stmt)]
    if group_by == "day":
        stmt = select(MachineDay.day, *sums).group_by(MachineDay.day)
        found = {_as_date(row.day): row for row in session.execute(_in_range(stmt, r))}
        return [{"key": d.isoformat(), "label": d.isoformat(), **_figures(found.get(d) or _ZERO)} for d in r.days]
    week = week_start(MachineDay.day, session.get_bind().dialect.name).label("week")
    stmt = select(week, *sums).group_by(week)
    found = {_as_date(row.week): row for row in session.execute(_in_range(stmt, r))}
    mondays = sorted({d - timedelta(days=d.weekday()) for d in r.days})
    return [{"key": m.isoformat(), "label": m.isoformat(), **_figures(found.get(m) or _ZERO)} for m in mondays]


class _Zero:
    offered = booked = outside = 0


_ZERO = _Zero()


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def heatmap(session, r: Range) -> dict:
    """Utilisation per factory and day: {days, factories: [{id, label}], cells: [[day_index, factory_index, u]]}
    (u None where nothing is offered; no cell where nothing is offered or booked)."""
    stmt = (select(MachineDay.factory_id, MachineDay.day, func.sum(MachineDay.offered_minutes),
                   func.sum(MachineDay.booked_minutes))
            .group_by(MachineDay.factory_id, MachineDay.day))
    rows = session.execute(_in_range(stmt, r)).all()
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


def trend(session, r: Range, interval: str = "day", top: int = 5) -> dict:
    """Utilisation over time: the whole cluster, and the `top` processes by offered hours."""
    overall = utilisation(session, r, interval)
    keys = [row["key"] for row in overall]
    bucket = MachineDay.day if interval == "day" else week_start(MachineDay.day, session.get_bind().dialect.name)
    bucket = bucket.label("bucket")
    label = _process_label(r)
    leaders = select(MachineDay.process_code).group_by(MachineDay.process_code).order_by(
        func.sum(MachineDay.offered_minutes).desc(), MachineDay.process_code).limit(top)
    leaders = list(session.scalars(_in_range(leaders, r)))
    stmt = (select(MachineDay.process_code, bucket, *_sums())
            .where(MachineDay.process_code.in_(leaders)).group_by(MachineDay.process_code, bucket))
    values: dict[str, dict[str, float | None]] = {code: {} for code in leaders}
    for row in session.execute(_in_range(stmt, r)):
        values[row.process_code][_as_date(row.bucket).isoformat()] = ratio(row.booked, row.offered)
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
    stmt = select(MachineDay.process_code, *_sums()).group_by(MachineDay.process_code)
    return {row.process_code: {"offered_min": int(row.offered), "booked_min": int(row.booked)}
            for row in session.execute(_in_range(stmt, r))}


__all__ = ["GROUPS", "Range", "heatmap", "trend", "under_used", "utilisation"]
