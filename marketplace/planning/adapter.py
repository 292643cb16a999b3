"""The one module that knows both the database rows and the optimiser's dataclasses.

`load_problem` turns a cluster's calendars, bookings, equipment and open orders into a `matching.Problem` (time in
integer minutes from an epoch, money in fen); `store_plan` writes a `matching.Plan` back as bookings, whole or not at
all.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

import matching.model as mm
from capacity.catalogue import MATERIAL_CODES
from capacity.lease_models import PLANNED_STATES
from capacity.leasing import active_leases
from capacity.models import Equipment, Factory, Machine
from capacity.services import idle_intervals
from marketplace.accounts.models import Cluster
from marketplace.extensions import db
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import Booking, Order, OrderStep
from marketplace.placements import EquipmentRef, MachineRef, OrderRef, Placement, SiteRef, StepRef
from marketplace.planning.models import StepDecline
from matching.prepare import derived_duration, processing_fen

PLANNED_ORDER_STATUSES = ("accepted", "paid", "planned", "in_production")
FIXED_BOOKING_STATES = ("accepted", "countered", "started", "done")  # committed or held for an answer: never moved
DEFAULT_HORIZON_DAYS = 28


@dataclass
class Loaded:
    """A problem plus the maps back from solver ids to rows."""

    problem: mm.Problem
    epoch: datetime
    machines: dict[str, int] = field(default_factory=dict)  # "m12" -> machine id
    equipment: dict[str, int] = field(default_factory=dict)  # "e3@f7" -> equipment id
    steps: dict[tuple[str, str], int] = field(default_factory=dict)  # ("o5", "s9") -> order step id
    # (firm id, process) -> that firm's machines of the process: where an awarded step may go
    firm_machines: dict[tuple[int, str], list[mm.Machine]] = field(default_factory=dict)

    def minute(self, moment: datetime) -> int:
        return math.floor((moment - self.epoch).total_seconds() / 60)

    def at(self, minute: int) -> datetime:
        return self.epoch + timedelta(minutes=minute)

    def equipment_key(self, item_id: int, site_id: int | None) -> str | None:
        """The resource id of an item placed at a site ("e3@f7", or "e3@f7:lease5" while leased there)."""
        for key, value in self.equipment.items():
            if value == item_id and EquipmentRef.parse(key).site_id == site_id:
                return key
        return None

    def placement(self, a: mm.Assignment) -> Placement:
        """A solver assignment as the app's placement (machine or leasable item, times, cost)."""
        return Placement.of(a.step_id, a.resource_id, a.site_id, a.unit, self.at(a.start), self.at(a.end),
                            a.processing_fen, a.lease_fen)


def plan_epoch(now: datetime) -> datetime:
    """Plans start at the next whole hour (UTC): bookings never start in the past."""
    return now.astimezone(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


def _windows(intervals, loaded: Loaded, horizon: int) -> tuple[tuple[int, int], ...]:
    windows = []
    for start, end in intervals:
        s = max(0, math.ceil((start - loaded.epoch).total_seconds() / 60))
        e = min(horizon, math.floor((end - loaded.epoch).total_seconds() / 60))
        if e > s:
            windows.append((s, e))
    return tuple(windows)


def _envelope(x: float, y: float, z: float) -> tuple[int, int, int]:
    return (math.ceil(x), math.ceil(y), math.ceil(z))


def _machine(machine: Machine, loaded: Loaded, horizon: int, tz: str) -> mm.Machine:
    intervals = idle_intervals(machine, loaded.epoch, loaded.at(horizon), tz)
    return mm.Machine(
        id=str(MachineRef(machine.id)),
        site_id=str(SiteRef(machine.factory_id)),
        process=machine.process_code,
        units=machine.units,
        materials=frozenset(machine.material_codes),
        max_envelope=_envelope(machine.envelope_x_mm, machine.envelope_y_mm, machine.envelope_z_mm),
        best_tolerance_mm=machine.best_tolerance_mm,
        hourly_rate_fen=machine.hourly_rate_fen,
        setup_minutes=machine.setup_minutes,
        speed_factor=machine.speed_factor,
        idle_windows=_windows(intervals, loaded, horizon),
    )


def _equipment(item: Equipment, site_id: int, loaded: Loaded, horizon: int, tz: ZoneInfo) -> mm.Equipment:
    def local_midnight(day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=tz)

    intervals = [
        (local_midnight(a.start_date), local_midnight(a.end_date + timedelta(days=1))) for a in item.availability
    ]
    hourly = max(1, item.daily_rate_fen // 24)
    return mm.Equipment(
        id=str(EquipmentRef(item.id, site_id)),
        site_id=str(SiteRef(site_id)),
        process=item.process_code,
        daily_lease_fen=item.daily_rate_fen,
        materials=MATERIAL_CODES,  # listings do not restrict materials: the lessee brings its own
        max_envelope=_envelope(item.envelope_x_mm, item.envelope_y_mm, item.envelope_z_mm),
        best_tolerance_mm=item.best_tolerance_mm,
        hourly_rate_fen=hourly,
        setup_minutes=30,
        availability=_windows(sorted(intervals), loaded, horizon),
    )


def _without(item: mm.Equipment, busy) -> mm.Equipment:
    if not busy:
        return item
    windows = []
    for start, end in item.availability:
        cursor = start
        for b_start, b_end in sorted(busy):
            if b_end <= cursor or b_start >= end:
                continue
            if b_start > cursor:
                windows.append((cursor, b_start))
            cursor = max(cursor, b_end)
        if cursor < end:
            windows.append((cursor, end))
    return dataclasses.replace(item, availability=tuple(windows))


def _awarded_options(step: OrderStep, quantity: int, loaded: Loaded) -> tuple[mm.StepOption, ...]:
    """A step awarded to a firm (a bid won) runs on that firm's machines of its process only: explicit options
    (the firm accepted the part's size, material and tolerance by bidding)."""
    if step.assigned_firm_id is None:
        return ()
    options = []
    for m in loaded.firm_machines.get((step.assigned_firm_id, step.process_code), []):
        duration = derived_duration(m.setup_minutes, step.run_minutes_per_unit, quantity, m.speed_factor)
        options.append(mm.StepOption(m.id, duration, processing_fen(m.hourly_rate_fen, duration)))
    return tuple(options)


def _not_awarded(step: OrderStep, loaded: Loaded) -> frozenset[str]:
    """An awarded step whose firm has no machine of its process left: every machine is excluded, so the step is
    reported as unplaceable rather than silently placed elsewhere."""
    if step.assigned_firm_id is None or loaded.firm_machines.get((step.assigned_firm_id, step.process_code)):
        return frozenset()
    return frozenset(loaded.machines)


def order_to_problem(order: Order, loaded: Loaded, tz_name: str = "Asia/Shanghai", skip=frozenset(),
                     declined: dict[int, frozenset[str]] | None = None) -> mm.Order:
    """A database order as the optimiser sees it: released at 08:00 local on its release date, due 18:00 local."""
    tz = ZoneInfo(tz_name)
    release = max(0, loaded.minute(datetime.combine(order.release_date, time(8), tzinfo=tz)))
    due = max(release + 1, loaded.minute(datetime.combine(order.due_date, time(18), tzinfo=tz)))
    by_sequence = {s.sequence: s for s in order.steps if s.id not in skip}
    steps = []
    previous = None
    for step in order.steps:
        if step.id in skip:  # done, or started elsewhere in the past: nothing left to plan
            continue
        predecessors = (
            tuple(str(StepRef(by_sequence[p].id)) for p in step.predecessors if p in by_sequence)
            if step.predecessors
            else ((str(StepRef(previous.id)),) if previous else ())
        )
        steps.append(
            mm.Step(
                id=str(StepRef(step.id)),
                process=step.process_code,
                quantity=step.quantity,
                material=step.material_code,
                envelope=_envelope(step.envelope_x_mm, step.envelope_y_mm, step.envelope_z_mm),
                tolerance_mm=step.tolerance_mm,
                run_minutes_per_unit=step.run_minutes_per_unit,
                predecessors=predecessors,
                excluded_resources=(declined or {}).get(step.id, frozenset()) | _not_awarded(step, loaded),
                options=_awarded_options(step, step.quantity, loaded),
            )
        )
        loaded.steps[(str(OrderRef(order.id)), str(StepRef(step.id)))] = step.id
        previous = step
    return mm.Order(
        id=str(OrderRef(order.id)),
        release=release,
        due=due,
        delivery_site_id=f"d{order.id}",
        steps=tuple(steps),
        weight=order.weight,
    )


def load_problem(
    cluster: Cluster,
    now: datetime,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    order_statuses=PLANNED_ORDER_STATUSES,
    extra_orders: tuple[Order, ...] = (),
) -> Loaded:
    epoch = plan_epoch(now)
    horizon = horizon_days * 24 * 60
    loaded = Loaded(problem=None, epoch=epoch)  # type: ignore[arg-type]
    tz_name = cluster.timezone
    factories = db.session.scalars(
        select(Factory)
        .where(Factory.cluster_id == cluster.id)
        .options(
            selectinload(Factory.machines).selectinload(Machine.materials),
            selectinload(Factory.machines).selectinload(Machine.weekly_windows),
            selectinload(Factory.machines).selectinload(Machine.exceptions),
        )
    ).all()
    sites = [mm.Site(str(SiteRef(f.id)), f.latitude, f.longitude) for f in factories]
    machines = []
    for factory in factories:
        for machine in factory.machines:
            if machine.active:
                machines.append(_machine(machine, loaded, horizon, tz_name))
                loaded.machines[str(MachineRef(machine.id))] = machine.id
                loaded.firm_machines.setdefault((factory.firm_id, machine.process_code), []).append(machines[-1])
    equipment = []
    for item in db.session.scalars(
        select(Equipment).where(
            Equipment.cluster_id == cluster.id, Equipment.listed.is_(True), Equipment.site_factory_id.is_not(None)
        )
    ):
        record = _equipment(item, item.site_factory_id, loaded, horizon, ZoneInfo(tz_name))
        if record.availability:
            equipment.append(record)
            loaded.equipment[record.id] = item.id
    # A leased item works at the lessee's site for the lease period (its rent is already paid), and is not
    # available to anyone else then.
    tz = ZoneInfo(tz_name)
    leased_busy: dict[int, list[tuple[int, int]]] = {}
    for lease in active_leases(cluster.id, epoch.astimezone(tz).date(), loaded.at(horizon).astimezone(tz).date()):
        window = _windows([(datetime.combine(lease.start_date, time(0), tzinfo=tz),
                            datetime.combine(lease.end_date + timedelta(days=1), time(0), tzinfo=tz))], loaded, horizon)
        leased_busy.setdefault(lease.equipment_id, []).extend(window)
        if lease.site_factory_id is None or lease.status not in PLANNED_STATES:
            continue  # held for a lessee whose lease is not paid yet: nobody's resource meanwhile
        record = dataclasses.replace(_equipment(lease.equipment, lease.site_factory_id, loaded, horizon, tz),
                                     id=str(EquipmentRef(lease.equipment_id, lease.site_factory_id, lease.id)),
                                     daily_lease_fen=0, availability=window)
        if record.availability:
            equipment.append(record)
            loaded.equipment[record.id] = lease.equipment_id
    equipment = [e if EquipmentRef.parse(e.id).lease_id else _without(e, leased_busy.get(loaded.equipment[e.id], ()))
                 for e in equipment]
    orders = list(
        db.session.scalars(
            select(Order)
            .where(Order.cluster_id == cluster.id, Order.status.in_(order_statuses))
            .options(selectinload(Order.steps))
            .order_by(Order.id)
        ).all()
    ) + list(extra_orders)
    order_step_ids = {step.id for order in orders for step in order.steps}
    rows = db.session.scalars(
        select(Booking).where(
            Booking.ends_at > epoch,
            Booking.starts_at < loaded.at(horizon),
            Booking.machine_id.in_(list(loaded.machines.values()))
            | Booking.equipment_id.in_(list(loaded.equipment.values())),
        )
    ).all()

    def resource_key(row: Booking) -> str | None:
        if row.machine_id is not None:
            return str(MachineRef(row.machine_id))
        return loaded.equipment_key(row.equipment_id, row.site_factory_id)

    fixed_rows = {
        row.order_step_id: row
        for row in rows
        if row.order_step_id in order_step_ids
        and resource_key(row) is not None
        and (row.status in FIXED_BOOKING_STATES or row.starts_at < epoch)
    }
    skip = {
        step.id
        for order in orders
        for step in order.steps
        if step.status == "done" or (step.status == "started" and step.id not in fixed_rows)
    }
    declined: dict[int, frozenset[str]] = {}
    for row in db.session.scalars(select(StepDecline).where(StepDecline.order_step_id.in_(order_step_ids))):
        declined[row.order_step_id] = declined.get(row.order_step_id, frozenset()) | {str(MachineRef(row.machine_id))}
    problem_orders, delivery_sites = [], []
    for order in orders:
        if all(step.id in skip for step in order.steps):
            continue
        problem_orders.append(order_to_problem(order, loaded, tz_name, skip, declined))
        delivery_sites.append(mm.Site(f"d{order.id}", order.delivery_latitude, order.delivery_longitude))
    step_keys = {v: k for k, v in loaded.steps.items()}
    bookings, frozen = [], []
    busy_equipment: dict[str, list[tuple[int, int]]] = {}
    for row in rows:
        start = max(0, loaded.minute(row.starts_at))
        end = min(horizon, math.ceil((row.ends_at - epoch).total_seconds() / 60))
        if row.order_step_id in fixed_rows and fixed_rows[row.order_step_id] is row and row.order_step_id in step_keys:
            order_key, step_key = step_keys[row.order_step_id]
            frozen.append(
                mm.FrozenStep(
                    order_id=order_key,
                    step_id=step_key,
                    resource_id=resource_key(row),
                    start=start,
                    end=max(end, start + 1),
                    unit=row.unit,
                )
            )
        elif row.order_step_id is None or row.order_step_id not in order_step_ids:
            if row.machine_id is not None:
                bookings.append(
                    mm.Booking(machine_id=resource_key(row), start=start, end=end, label=f"booking {row.id}")
                )
            else:  # equipment busy elsewhere: every placement of that item loses the time
                for key, item_id in loaded.equipment.items():
                    if item_id == row.equipment_id:
                        busy_equipment.setdefault(key, []).append((start, end))
    equipment = [_without(e, busy_equipment.get(e.id, ())) for e in equipment]
    loaded.problem = mm.Problem(
        sites=tuple(sites + delivery_sites),
        machines=tuple(machines),
        orders=tuple(problem_orders),
        horizon=horizon,
        equipment=tuple(equipment),
        bookings=tuple(bookings),
        frozen=tuple(frozen),
    )
    return loaded


def current_plan(loaded: Loaded) -> mm.Plan:
    """The stored bookings of the loaded orders, as a Plan (for warm starts and quote insertion)."""
    step_ids = {v: k for k, v in loaded.steps.items()}
    assignments = []
    if step_ids:
        rows = db.session.scalars(select(Booking).where(Booking.order_step_id.in_(step_ids))).all()
        for row in rows:
            order_key, step_key = step_ids[row.order_step_id]
            if row.machine_id is not None:
                resource, site = str(MachineRef(row.machine_id)), str(SiteRef(row.machine.factory_id))
            else:
                resource = loaded.equipment_key(row.equipment_id, row.site_factory_id)
                site = str(SiteRef(row.site_factory_id))
                if resource is None:  # the item is no longer offered there: nothing to warm-start from
                    continue
            assignments.append(
                mm.Assignment(
                    order_id=order_key,
                    step_id=step_key,
                    resource_id=resource,
                    unit=row.unit,
                    start=loaded.minute(row.starts_at),
                    end=loaded.minute(row.ends_at),
                    site_id=site,
                    processing_fen=row.cost_fen,
                )
            )
    zero = mm.CostBreakdown(0, 0, 0)
    return mm.Plan(
        assignments=tuple(assignments),
        promises=(),
        cost=zero,
        status="STORED",
        objective=0,
        weighted_tardiness=0,
        makespan=0,
    )


def store_plan(loaded: Loaded, plan: mm.Plan, run_id: int | None) -> int:
    """Replace the movable bookings of the planned orders by the plan's assignments, in the caller's transaction.

    The caller commits once (or rolls back): a plan is stored whole or not at all. Returns bookings written.
    """
    step_ids = list(loaded.steps.values())
    fixed_steps: set[int] = set()
    if step_ids:
        db.session.execute(
            delete(Booking).where(Booking.order_step_id.in_(step_ids), Booking.status.not_in(FIXED_BOOKING_STATES))
        )
        fixed_steps = set(db.session.scalars(select(Booking.order_step_id).where(
            Booking.order_step_id.in_(step_ids), Booking.status.in_(FIXED_BOOKING_STATES))))
    written = 0
    for a in plan.assignments:
        if a.frozen or loaded.steps[(a.order_id, a.step_id)] in fixed_steps:  # kept as booked: never a second one
            continue
        step_id = loaded.steps[(a.order_id, a.step_id)]
        db.session.add(Booking(order_step_id=step_id, plan_run_id=run_id, status="planned",
                               **loaded.placement(a).booking_columns()))
        written += 1
    promises = plan.promise_map()
    for order_key in {a.order_id for a in plan.assignments}:
        order = db.session.get(Order, OrderRef.parse(order_key).id)
        if order_key in promises and order.promised_at is None:  # a quoted promise stands; plans must keep it
            order.promised_at = loaded.at(promises[order_key].completion)
        if order.status == "paid":
            transition(order, "planned", None, f"planning run {run_id}" if run_id else "planned")
    for step in db.session.scalars(select(OrderStep).where(OrderStep.id.in_(step_ids))):
        if step.status == "pending":
            step.status = "planned"
    return written
