"""Searchable documents built from the database rows, and which documents a changed row touches.

One document per active machine ("capacity": a capacity listing), per production site ("supplier"), per open
order step ("job": the factories' job board) and per firm ("firm": the operators' firm search). Both backends
store exactly these documents.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from capacity.calendar import OneOff, WeeklySlot, expand, merge, subtract
from capacity.models import CalendarException, Factory, Machine, WeeklyWindow
from marketplace.accounts.models import Cluster, Firm
from marketplace.orders.models import OPEN_STATUSES, Booking, Order, OrderStep

CLOSED_STEP_STATUSES = ("done", "completed", "cancelled", "skipped")
FIRM_KIND_WORDS = {"buyer": "buyer 采购方 买家", "factory": "factory 工厂 制造", "lessor": "lessor 设备出租 租赁",
                   "operator": "operator 运营方 园区"}


@dataclass(frozen=True)
class SearchDocument:
    key: str                     # "capacity:12"
    kind: str
    object_id: int
    cluster_id: int
    firm_id: int
    title: str
    text: str
    terms: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    rate_fen: int | None = None
    rating: float | None = None  # no ratings on the platform yet: always None, filters and sorts cope
    latitude: float | None = None
    longitude: float | None = None
    date_start: date | None = None
    date_end: date | None = None
    idle: dict[date, int] = field(default_factory=dict, hash=False)  # cluster-local day -> idle minutes
    payload: dict = field(default_factory=dict, hash=False)


def doc_key(kind: str, object_id: int) -> str:
    return f"{kind}:{object_id}"


def parse_key(key: str) -> tuple[str, int]:
    kind, _, object_id = key.partition(":")
    return kind, int(object_id)


def _names(item) -> list[str]:
    return [item.code, item.name_en, item.name_zh] if item is not None else []


# ---- idle minutes per day -------------------------------------------------------------------------------------

def idle_minutes_by_day(machine: Machine, bookings: list[Booking], first: date, days: int,
                        tz_name: str) -> dict[date, int]:
    """Idle unit-minutes per cluster-local day: each unit's calendar windows minus that unit's bookings."""
    tz = ZoneInfo(tz_name)
    start = datetime.combine(first, time(0), tzinfo=tz)
    end = datetime.combine(first + timedelta(days=days), time(0), tzinfo=tz)
    weekly = [WeeklySlot(w.weekday, w.start_minute, w.end_minute) for w in machine.weekly_windows]
    one_offs = [OneOff(e.kind, e.starts_at, e.ends_at) for e in machine.exceptions]
    windows = expand(weekly, one_offs, start, end, tz_name)
    if not windows:
        return {}
    by_unit: dict[int, list] = defaultdict(list)
    for booking in bookings:
        if booking.status != "cancelled":
            by_unit[booking.unit].append((booking.starts_at, booking.ends_at))
    result: dict[date, int] = defaultdict(int)
    for unit in range(machine.units):
        free = subtract(merge(windows), by_unit.get(unit, []))
        for s, e in free:
            cursor = s
            while cursor < e:  # split at local midnights
                local = cursor.astimezone(tz)
                midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=tz)
                stop = min(e, midnight.astimezone(UTC))
                result[local.date()] += int((stop - cursor).total_seconds() // 60)
                cursor = stop
    return {d: m for d, m in sorted(result.items()) if m > 0}


# ---- builders -------------------------------------------------------------------------------------------------

class DocumentBuilder:
    """Builds documents for keys, loading rows in batches. `today` and `horizon_days` bound the idle calendar."""

    def __init__(self, session, today: date, horizon_days: int = 60):
        self.session = session
        self.today = today
        self.horizon_days = horizon_days
        self._idle: dict[int, dict[date, int]] = {}
        self._tz: dict[int, str] = {}

    def build(self, keys) -> tuple[list[SearchDocument], list[str]]:
        """(documents to write, keys to delete) for the given document keys."""
        by_kind: dict[str, set[int]] = defaultdict(set)
        for key in keys:
            kind, object_id = parse_key(key)
            by_kind[kind].add(object_id)
        docs: list[SearchDocument] = []
        for kind, ids in by_kind.items():
            docs.extend(getattr(self, f"_{kind}_docs")(sorted(ids)))
        built = {d.key for d in docs}
        return docs, sorted(set(keys) - built)

    def iter_all(self, kinds=("firm", "capacity", "supplier", "job"), batch: int = 500):
        """Every document, in batches (the bulk reindex). Machines' idle days are computed once and reused for
        their sites."""
        columns = {"capacity": Machine.id, "supplier": Factory.id, "firm": Firm.id, "job": OrderStep.id}
        for kind in kinds:
            ids = self.session.scalars(select(columns[kind]).order_by(columns[kind])).all()
            for i in range(0, len(ids), batch):
                yield from getattr(self, f"_{kind}_docs")(ids[i:i + batch])
            if kind == "supplier":
                self._idle.clear()

    def _cluster_tz(self, cluster_id: int) -> str:
        if cluster_id not in self._tz:
            cluster = self.session.get(Cluster, cluster_id)
            self._tz[cluster_id] = cluster.timezone if cluster else "Asia/Shanghai"
        return self._tz[cluster_id]

    def _machines(self, ids):
        return self.session.scalars(
            select(Machine).where(Machine.id.in_(ids)).options(
                selectinload(Machine.factory).selectinload(Factory.firm), selectinload(Machine.process),
                selectinload(Machine.materials), selectinload(Machine.weekly_windows),
                selectinload(Machine.exceptions))).all()

    def _load_idle(self, machines) -> None:
        missing = [m for m in machines if m.id not in self._idle]
        if not missing:
            return
        horizon_end = datetime.combine(self.today + timedelta(days=self.horizon_days + 1), time(0), tzinfo=UTC)
        horizon_start = datetime.combine(self.today - timedelta(days=1), time(0), tzinfo=UTC)
        bookings: dict[int, list[Booking]] = defaultdict(list)
        for booking in self.session.scalars(select(Booking).where(
                Booking.machine_id.in_([m.id for m in missing]), Booking.ends_at > horizon_start,
                Booking.starts_at < horizon_end)):
            bookings[booking.machine_id].append(booking)
        for m in missing:
            self._idle[m.id] = idle_minutes_by_day(m, bookings[m.id], self.today, self.horizon_days,
                                                   self._cluster_tz(m.factory.cluster_id))

    def _capacity_docs(self, ids):
        machines = [m for m in self._machines(ids) if m.active]
        self._load_idle(machines)
        for m in machines:
            site, firm = m.factory, m.factory.firm
            materials = [mat.code for mat in m.materials]
            text = " ".join([m.name, site.name, site.address, firm.name, *_names(m.process),
                             *(w for mat in m.materials for w in _names(mat)), *site.certifications])
            yield SearchDocument(
                key=doc_key("capacity", m.id), kind="capacity", object_id=m.id, cluster_id=site.cluster_id,
                firm_id=firm.id, title=f"{m.name} · {site.name}", text=text,
                terms={"process": (m.process_code,), "material": tuple(materials),
                       "certification": tuple(site.certifications or ())},
                rate_fen=m.hourly_rate_fen, latitude=site.latitude, longitude=site.longitude, idle=self._idle[m.id],
                payload={"machine_id": m.id, "machine": m.name, "factory_id": site.id, "factory": site.name,
                         "firm": firm.name, "address": site.address, "process": m.process_code,
                         "materials": materials, "certifications": list(site.certifications or ()),
                         "units": m.units, "envelope_mm": [m.envelope_x_mm, m.envelope_y_mm, m.envelope_z_mm],
                         "tolerance_mm": m.best_tolerance_mm})

    def _supplier_docs(self, ids):
        sites = self.session.scalars(select(Factory).where(Factory.id.in_(ids)).options(
            selectinload(Factory.firm), selectinload(Factory.machines).selectinload(Machine.process),
            selectinload(Factory.machines).selectinload(Machine.materials),
            selectinload(Factory.machines).selectinload(Machine.weekly_windows),
            selectinload(Factory.machines).selectinload(Machine.exceptions))).all()
        for site in sites:
            active = [m for m in site.machines if m.active]
            self._load_idle(active)
            idle: dict[date, int] = defaultdict(int)
            for m in active:
                for day, minutes in self._idle[m.id].items():
                    idle[day] += minutes
            processes = sorted({m.process_code for m in active})
            materials = sorted({mat.code for m in active for mat in m.materials})
            process_rows = {m.process_code: m.process for m in active}
            material_rows = {mat.code: mat for m in active for mat in m.materials}
            text = " ".join([site.name, site.address, site.firm.name, site.firm.description,
                             *(w for p in process_rows.values() for w in _names(p)),
                             *(w for mat in material_rows.values() for w in _names(mat)), *site.certifications])
            yield SearchDocument(
                key=doc_key("supplier", site.id), kind="supplier", object_id=site.id, cluster_id=site.cluster_id,
                firm_id=site.firm_id, title=f"{site.firm.name} · {site.name}", text=text,
                terms={"process": tuple(processes), "material": tuple(materials),
                       "certification": tuple(site.certifications or ())},
                rate_fen=min((m.hourly_rate_fen for m in active), default=None),
                latitude=site.latitude, longitude=site.longitude, idle=dict(sorted(idle.items())),
                payload={"factory_id": site.id, "factory": site.name, "firm": site.firm.name, "address": site.address,
                         "processes": processes, "materials": materials,
                         "certifications": list(site.certifications or ()), "machines": len(active)})

    def _job_docs(self, ids):
        steps = self.session.scalars(select(OrderStep).where(OrderStep.id.in_(ids)).options(
            selectinload(OrderStep.order).selectinload(Order.material), selectinload(OrderStep.process))).all()
        for step in steps:
            order = step.order
            if order.status not in OPEN_STATUSES or step.status in CLOSED_STEP_STATUSES:
                continue
            text = " ".join([order.reference, order.title, order.description, order.delivery_address,
                             *_names(step.process), *_names(order.material)])
            yield SearchDocument(
                key=doc_key("job", step.id), kind="job", object_id=step.id, cluster_id=order.cluster_id,
                firm_id=order.buyer_firm_id, title=f"{order.reference} · {order.title} #{step.sequence}", text=text,
                terms={"process": (step.process_code,), "material": (order.material_code,),
                       "capability": (f"{step.process_code}|{order.material_code}",)},
                latitude=order.delivery_latitude, longitude=order.delivery_longitude,
                date_start=order.release_date, date_end=order.due_date,
                payload={"order_id": order.id, "reference": order.reference, "order_title": order.title,
                         "sequence": step.sequence, "process": step.process_code, "material": order.material_code,
                         "quantity": order.quantity, "status": order.status,
                         "release_date": order.release_date.isoformat(), "due_date": order.due_date.isoformat(),
                         "run_minutes_per_unit": step.run_minutes_per_unit, "address": order.delivery_address})

    def _firm_docs(self, ids):
        for firm in self.session.scalars(select(Firm).where(Firm.id.in_(ids))).all():
            kinds = firm.kinds
            text = " ".join([firm.name, firm.credit_code, firm.contact_name, firm.phone, firm.email, firm.address,
                             firm.description, *(FIRM_KIND_WORDS[k] for k in kinds)])
            yield SearchDocument(
                key=doc_key("firm", firm.id), kind="firm", object_id=firm.id, cluster_id=firm.cluster_id,
                firm_id=firm.id, title=firm.name, text=text, terms={"firm_kind": tuple(kinds)},
                payload={"firm_id": firm.id, "name": firm.name, "kinds": kinds, "contact_name": firm.contact_name,
                         "phone": firm.phone, "email": firm.email, "address": firm.address,
                         "credit_code": firm.credit_code})


# ---- which documents a changed row touches ----------------------------------------------------------------------

def _machine_keys(session, machine_ids) -> set[str]:
    rows = session.execute(select(Machine.id, Machine.factory_id).where(Machine.id.in_(machine_ids))).all()
    return {doc_key("capacity", i) for i in machine_ids} | {doc_key("supplier", f) for _, f in rows}


def keys_for(session, obj) -> set[str]:
    """Document keys to rebuild (or delete) after `obj` changed. Uses only column values and small queries."""
    if isinstance(obj, Machine):
        keys = {doc_key("capacity", obj.id)}
        return keys | ({doc_key("supplier", obj.factory_id)} if obj.factory_id else set())
    if isinstance(obj, (WeeklyWindow, CalendarException, Booking)):
        return _machine_keys(session, [obj.machine_id]) if obj.machine_id else set()
    if isinstance(obj, Factory):
        machines = session.scalars(select(Machine.id).where(Machine.factory_id == obj.id)).all()
        return {doc_key("supplier", obj.id)} | {doc_key("capacity", m) for m in machines}
    if isinstance(obj, Firm):
        sites = session.scalars(select(Factory.id).where(Factory.firm_id == obj.id)).all()
        machines = session.scalars(select(Machine.id).join(Factory).where(Factory.firm_id == obj.id)).all()
        return ({doc_key("firm", obj.id)} | {doc_key("supplier", s) for s in sites}
                | {doc_key("capacity", m) for m in machines})
    if isinstance(obj, OrderStep):
        return {doc_key("job", obj.id)}
    if isinstance(obj, Order):
        return {doc_key("job", s) for s in session.scalars(select(OrderStep.id).where(OrderStep.order_id == obj.id))}
    return set()


WATCHED = (Machine, WeeklyWindow, CalendarException, Booking, Factory, Firm, OrderStep, Order)
