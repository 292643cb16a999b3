"""Keep `dashboard_machine_days` current.

Full builds: `ensure_coverage` materialises the local days a query needs that are not yet covered (the first
dashboard view of a new range pays for it once; `flask dashboard refresh` does it ahead of time).

Incremental: session hooks, in the style of the search index (marketplace/search/indexing.py):
before_flush   remembers which machines (and, for bookings, which UTC spans) the transaction changes
before_commit  flushes, then recomputes just those machines' rows for the affected days inside the covered range,
               in the same transaction, so the figures never disagree with the calendars and bookings committed
after_rollback forgets everything
Only clusters with a coverage row are touched, so an app that never opened the dashboard pays one small query.

Roll-ups: `dashboard_factory_days` and `dashboard_process_days` hold the machine days summed per factory and day and
per process and day. Every write of machine days goes through `_RollUp`, which notes the (cluster, factory, process,
days) it deletes or inserts and then re-sums exactly those factories' and processes' days from the machine days, in
the same transaction.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy import delete, event, func, insert, inspect, select

from capacity.calendar import OneOff, WeeklySlot, expand
from capacity.models import CalendarException, Factory, Machine, WeeklyWindow
from marketplace.accounts.models import Cluster
from marketplace.dashboard.calendar_days import minutes_per_day, range_bounds
from marketplace.dashboard.models import Coverage, FactoryDay, MachineDay, ProcessDay
from marketplace.db_types import utcnow
from marketplace.orders.models import Booking

log = logging.getLogger(__name__)
STATE_KEY = "dashboard_refresh_state"
COUNTED_BOOKING_STATES = ("planned", "countered", "accepted", "started", "done")
MAX_COVERAGE_DAYS = 1500  # a request far outside the covered range starts a new coverage instead of filling the gap
ALL = None  # "every covered day" in a dirty span


# ---------------------------------------------------------------------------------------------------------------
# computing rows


@dataclass
class _MachineInputs:
    machine_id: int
    cluster_id: int
    factory_id: int
    process_code: str
    units: int
    active: bool
    weekly: list = field(default_factory=list)
    one_offs: list = field(default_factory=list)
    bookings: list = field(default_factory=list)


def _load_inputs(session, machine_ids: list[int], start: datetime, end: datetime) -> dict[int, _MachineInputs]:
    """Calendars and bookings of the machines overlapping [start, end), in four queries."""
    inputs: dict[int, _MachineInputs] = {}
    for chunk in _chunks(machine_ids):
        rows = session.execute(
            select(Machine.id, Factory.cluster_id, Machine.factory_id, Machine.process_code, Machine.units,
                   Machine.active).join(Factory, Factory.id == Machine.factory_id).where(Machine.id.in_(chunk))
        )
        for mid, cid, fid, code, units, active in rows:
            inputs[mid] = _MachineInputs(mid, cid, fid, code, units, bool(active))
        for mid, wd, sm, em in session.execute(
            select(WeeklyWindow.machine_id, WeeklyWindow.weekday, WeeklyWindow.start_minute, WeeklyWindow.end_minute)
            .where(WeeklyWindow.machine_id.in_(chunk))
        ):
            inputs[mid].weekly.append(WeeklySlot(wd, sm, em))
        for mid, kind, s, e in session.execute(
            select(CalendarException.machine_id, CalendarException.kind, CalendarException.starts_at,
                   CalendarException.ends_at)
            .where(CalendarException.machine_id.in_(chunk), CalendarException.ends_at > start,
                   CalendarException.starts_at < end)
        ):
            inputs[mid].one_offs.append(OneOff(kind, s, e))
        for mid, s, e in session.execute(
            select(Booking.machine_id, Booking.starts_at, Booking.ends_at)
            .where(Booking.machine_id.in_(chunk), Booking.status.in_(COUNTED_BOOKING_STATES),
                   Booking.ends_at > start, Booking.starts_at < end)
        ):
            inputs[mid].bookings.append((s, e))
    return inputs


def _chunks(ids: list[int], size: int = 500):
    ids = sorted(set(ids))
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def rows_for(inputs: _MachineInputs, first: date, last: date, tz_name: str) -> list[dict]:
    start, end = range_bounds(first, last, tz_name)
    idle = expand(inputs.weekly, inputs.one_offs, start, end, tz_name) if inputs.active else []
    rows = []
    for d in minutes_per_day(idle, inputs.bookings, first, last, tz_name):
        if d.offered or d.booked_inside or d.booked_outside:
            rows.append({"machine_id": inputs.machine_id, "day": d.day, "cluster_id": inputs.cluster_id,
                         "factory_id": inputs.factory_id, "process_code": inputs.process_code,
                         "offered_minutes": d.offered * inputs.units, "booked_minutes": d.booked_inside,
                         "booked_outside": d.booked_outside})
    return rows


class _RollUp:
    """Which factory-days and process-days changed: per cluster the factories, the processes and the day span."""

    def __init__(self) -> None:
        self.clusters: dict[int, list] = {}  # cluster_id -> [factory ids, process codes, first day, last day]

    def add(self, cluster_id: int, factory_id: int, process_code: str, first: date, last: date) -> None:
        entry = self.clusters.setdefault(cluster_id, [set(), set(), first, last])
        entry[0].add(factory_id)
        entry[1].add(process_code)
        entry[2], entry[3] = min(entry[2], first), max(entry[3], last)

    def delete(self, session, *conditions) -> None:
        """Delete machine days, noting what they were part of."""
        stmt = (select(MachineDay.cluster_id, MachineDay.factory_id, MachineDay.process_code,
                       func.min(MachineDay.day), func.max(MachineDay.day)).where(*conditions)
                .group_by(MachineDay.cluster_id, MachineDay.factory_id, MachineDay.process_code))
        for cid, fid, code, lo, hi in session.execute(stmt):
            self.add(cid, fid, code, _as_date(lo), _as_date(hi))
        session.execute(delete(MachineDay).where(*conditions))

    def insert(self, session, rows: list[dict]) -> None:
        session.execute(insert(MachineDay), rows)
        for row in rows:
            self.add(row["cluster_id"], row["factory_id"], row["process_code"], row["day"], row["day"])

    def apply(self, session) -> None:
        """Re-sum the noted factories' and processes' days from the machine days."""
        for cid, (factories, processes, first, last) in self.clusters.items():
            for model, column, keys in ((FactoryDay, "factory_id", factories),
                                        (ProcessDay, "process_code", processes)):
                for chunk in _chunks(list(keys)):
                    key = getattr(MachineDay, column)
                    session.execute(delete(model).where(model.cluster_id == cid, getattr(model, column).in_(chunk),
                                                        model.day >= first, model.day <= last))
                    sums = (select(MachineDay.cluster_id, key, MachineDay.day, func.sum(MachineDay.offered_minutes),
                                   func.sum(MachineDay.booked_minutes), func.sum(MachineDay.booked_outside))
                            .where(MachineDay.cluster_id == cid, key.in_(chunk), MachineDay.day >= first,
                                   MachineDay.day <= last)
                            .group_by(MachineDay.cluster_id, key, MachineDay.day))
                    session.execute(insert(model).from_select(
                        ["cluster_id", column, "day", "offered_minutes", "booked_minutes", "booked_outside"], sums))
        self.clusters.clear()


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def refresh_machines(session, machine_ids, first: date, last: date, tz_name: str) -> int:
    """Recompute the rows of these machines for local days first .. last. Returns the rows written."""
    machine_ids = sorted(set(machine_ids))
    if not machine_ids or last < first:
        return 0
    start, end = range_bounds(first, last, tz_name)
    inputs = _load_inputs(session, machine_ids, start, end)
    roll_up = _RollUp()
    for chunk in _chunks(machine_ids):
        roll_up.delete(session, MachineDay.machine_id.in_(chunk), MachineDay.day >= first, MachineDay.day <= last)
    written = 0
    batch: list[dict] = []
    for mid in machine_ids:
        if mid in inputs:
            batch.extend(rows_for(inputs[mid], first, last, tz_name))
        if len(batch) >= 5000:
            roll_up.insert(session, batch)
            written += len(batch)
            batch = []
    if batch:
        roll_up.insert(session, batch)
        written += len(batch)
    roll_up.apply(session)
    return written


def cluster_machine_ids(session, cluster_id: int) -> list[int]:
    return list(session.scalars(select(Machine.id).join(Factory).where(Factory.cluster_id == cluster_id)))


def refresh_cluster(session, cluster: Cluster, first: date, last: date) -> int:
    """Rebuild every machine of the cluster for first .. last and make it (part of) the covered range."""
    written = refresh_machines(session, cluster_machine_ids(session, cluster.id), first, last, cluster.timezone)
    coverage = session.get(Coverage, cluster.id)
    if coverage is None:
        session.add(Coverage(cluster_id=cluster.id, first_day=first, last_day=last, refreshed_at=utcnow()))
    else:
        coverage.first_day, coverage.last_day = min(coverage.first_day, first), max(coverage.last_day, last)
        coverage.refreshed_at = utcnow()
    session.flush()
    return written


def ensure_coverage(session, cluster: Cluster, first: date, last: date) -> bool:
    """Materialise the days of first .. last that are not covered yet. Returns True if anything was written
    (the caller commits)."""
    query = select(Coverage).where(Coverage.cluster_id == cluster.id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()  # two first views of a new range: the second waits, then finds it covered
    coverage = session.scalars(query).first()
    if coverage is not None and coverage.first_day <= first and last <= coverage.last_day:
        return False
    if coverage is None:
        refresh_cluster(session, cluster, first, last)
        return True
    lo, hi = min(coverage.first_day, first), max(coverage.last_day, last)
    if (hi - lo).days + 1 > MAX_COVERAGE_DAYS:  # start over around the requested range
        for model in (MachineDay, FactoryDay, ProcessDay):
            session.execute(delete(model).where(model.cluster_id == cluster.id))
        coverage.first_day, coverage.last_day = first, last
        refresh_cluster(session, cluster, first, last)
        return True
    if lo < coverage.first_day:
        refresh_cluster(session, cluster, lo, coverage.first_day - timedelta(days=1))
    if hi > coverage.last_day:
        refresh_cluster(session, cluster, coverage.last_day + timedelta(days=1), hi)
    return True


def default_range(today: date, app=None) -> tuple[date, date]:
    config = (app or current_app).config
    return (today - timedelta(days=config["DASHBOARD_PAST_DAYS"]),
            today + timedelta(days=config["DASHBOARD_FUTURE_DAYS"]))


# ---------------------------------------------------------------------------------------------------------------
# incremental refresh on commit


@dataclass
class _State:
    objects: set = field(default_factory=set)
    spans: dict = field(default_factory=lambda: defaultdict(list))  # machine_id -> [(start, end) UTC | ALL]
    deleted_machines: dict = field(default_factory=dict)  # machine_id -> (cluster_id, factory_id, process_code)


def _enabled() -> bool:
    return has_app_context() and current_app.config.get("DASHBOARD_AUTO_REFRESH", True)


def _state(session) -> _State:
    return session.info.setdefault(STATE_KEY, _State())


def _old(obj, attr):
    history = inspect(obj).attrs[attr].history
    return history.deleted[0] if history.deleted else None


def _note_booking(state: _State, booking: Booking, old_too: bool) -> None:
    for mid, s, e in ((booking.machine_id, booking.starts_at, booking.ends_at),
                      *(((_old(booking, "machine_id") or booking.machine_id,
                          _old(booking, "starts_at") or booking.starts_at,
                          _old(booking, "ends_at") or booking.ends_at),) if old_too else ())):
        if mid is not None and s is not None and e is not None:
            state.spans[mid].append((s, e))


def _before_flush(session, flush_context, instances) -> None:
    if not _enabled():
        return
    state = _state(session)
    with session.no_autoflush:
        for obj in session.deleted:
            if isinstance(obj, Machine):
                factory = session.get(Factory, obj.factory_id) if obj.factory_id is not None else None
                state.deleted_machines[obj.id] = (factory.cluster_id if factory else None, obj.factory_id,
                                                  obj.process_code)
            elif isinstance(obj, (WeeklyWindow, CalendarException)) and obj.machine_id is not None:
                state.spans[obj.machine_id].append(ALL)
            elif isinstance(obj, Booking):
                _note_booking(state, obj, old_too=True)
        for obj in (*session.new, *session.dirty):
            if isinstance(obj, (Machine, WeeklyWindow, CalendarException, Booking)):
                state.objects.add(obj)
                if isinstance(obj, Booking) and obj in session.dirty:
                    _note_booking(state, obj, old_too=True)  # where it was before this change
                elif isinstance(obj, (WeeklyWindow, CalendarException)) and obj in session.dirty:
                    old = _old(obj, "machine_id")
                    if old is not None:
                        state.spans[old].append(ALL)


def _resolve(session, state: _State) -> None:
    for obj in state.objects:
        if obj not in session or obj in session.deleted:
            continue
        if isinstance(obj, Machine):
            state.spans[obj.id].append(ALL)
        elif isinstance(obj, (WeeklyWindow, CalendarException)):
            state.spans[obj.machine_id].append(ALL)
        elif isinstance(obj, Booking):
            _note_booking(state, obj, old_too=False)
    state.objects.clear()


def _local_days(spans: list, tz: ZoneInfo, coverage: Coverage) -> tuple[date, date] | None:
    if any(s is ALL for s in spans):
        return coverage.first_day, coverage.last_day
    first = min(s for s, _ in spans).astimezone(tz).date()
    last = max(e for _, e in spans).astimezone(tz).date()
    first, last = max(first, coverage.first_day), min(last, coverage.last_day)
    return (first, last) if first <= last else None


def _before_commit(session) -> None:
    if not _enabled():
        return
    state = _state(session)
    if not (state.objects or state.spans or state.deleted_machines or session.new or session.dirty
            or session.deleted):
        return
    session.flush()
    with session.no_autoflush:
        _resolve(session, state)
        spans, gone = dict(state.spans), dict(state.deleted_machines)
        state.spans.clear()
        state.deleted_machines.clear()
        roll_up = _RollUp()
        if gone:
            roll_up.delete(session, MachineDay.machine_id.in_(list(gone)))
            # ON DELETE CASCADE may have dropped their machine days already: re-sum what they were part of
            coverage = {c.cluster_id: c for c in session.scalars(select(Coverage))}
            for cid, fid, code in gone.values():
                if cid in coverage and fid is not None:
                    roll_up.add(cid, fid, code, coverage[cid].first_day, coverage[cid].last_day)
        spans = {mid: s for mid, s in spans.items() if mid not in gone}
        if not spans:
            roll_up.apply(session)
            return
        covered = {c.cluster_id: c for c in session.scalars(select(Coverage))}
        if not covered:
            roll_up.apply(session)
            return
        clusters = dict(session.execute(
            select(Machine.id, Factory.cluster_id).join(Factory, Factory.id == Machine.factory_id)
            .where(Machine.id.in_(list(spans)))).all())
        zones = dict(session.execute(select(Cluster.id, Cluster.timezone).where(Cluster.id.in_(list(covered)))).all())
        groups: dict[tuple, list[int]] = defaultdict(list)
        for mid, machine_spans in spans.items():
            cid = clusters.get(mid)
            if cid not in covered:
                # a machine moved out of a covered cluster leaves stale rows there: drop them
                roll_up.delete(session, MachineDay.machine_id == mid)
                continue
            days = _local_days(machine_spans, ZoneInfo(zones[cid]), covered[cid])
            if days is not None:
                roll_up.delete(session, MachineDay.machine_id == mid, MachineDay.cluster_id != cid)
                groups[(cid, *days)].append(mid)
        roll_up.apply(session)
        for (cid, first, last), mids in groups.items():
            refresh_machines(session, mids, first, last, zones[cid])


def _after_rollback(session) -> None:
    state = session.info.get(STATE_KEY)
    if state:
        state.objects.clear()
        state.spans.clear()
        state.deleted_machines.clear()


def register_session_hooks(session) -> None:
    """Listen on Flask-SQLAlchemy's scoped session (once per process; each hook checks the current app)."""
    for name, fn in (("before_flush", _before_flush), ("before_commit", _before_commit),
                     ("after_rollback", _after_rollback)):
        if not event.contains(session, name, fn):
            event.listen(session, name, fn)


__all__ = ["ensure_coverage", "refresh_cluster", "refresh_machines", "register_session_hooks", "rows_for"]
