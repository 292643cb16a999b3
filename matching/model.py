"""Plain data for the matching problem and its plan (frozen dataclasses), plus input validation.

Units: time is integer minutes from the problem epoch; money is integer fen (CNY cents); lengths in mm.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class InvalidProblem(ValueError):
    """The problem data is inconsistent; the message says which record and what to fix."""


Window = tuple[int, int]  # [start, end) in minutes
Envelope = tuple[int, int, int]  # x, y, z in mm


@dataclass(frozen=True)
class Site:
    id: str
    lat: float
    lon: float


@dataclass(frozen=True)
class TransportConfig:
    """Transport between sites: haversine distance, ``speed_kmh``, ``rate_fen_per_km`` and fixed handling.

    time = handling_minutes + ceil(km / speed_kmh * 60); cost = fixed_fen + round(km * rate_fen_per_km).
    Same site -> 0 minutes and 0 fen.
    """

    speed_kmh: float = 30.0
    rate_fen_per_km: int = 300
    handling_minutes: int = 30
    fixed_fen: int = 5000


@dataclass(frozen=True)
class Machine:
    id: str
    site_id: str
    process: str
    units: int = 1
    materials: frozenset[str] = frozenset()
    max_envelope: Envelope = (0, 0, 0)
    best_tolerance_mm: float = 0.1
    hourly_rate_fen: int = 0
    setup_minutes: int = 0
    speed_factor: float = 1.0
    idle_windows: tuple[Window, ...] = ()


@dataclass(frozen=True)
class Equipment:
    """Leasable equipment: behaves like a one-unit machine at ``site_id`` once leased.

    Lease cost is billed per step that uses it: ``daily_lease_fen * ceil(duration / 1440)`` (at least one day per
    step), on top of the processing cost at ``hourly_rate_fen``. ``availability`` are the windows in which it can
    run (like a machine's idle windows).
    """

    id: str
    site_id: str
    process: str
    daily_lease_fen: int
    materials: frozenset[str] = frozenset()
    max_envelope: Envelope = (0, 0, 0)
    best_tolerance_mm: float = 0.1
    hourly_rate_fen: int = 0
    setup_minutes: int = 0
    speed_factor: float = 1.0
    availability: tuple[Window, ...] = ()


@dataclass(frozen=True)
class Booking:
    """An existing (non-platform) booking: occupies one unit of ``machine_id`` on [start, end)."""

    machine_id: str
    start: int
    end: int
    label: str = ""


@dataclass(frozen=True)
class StepOption:
    """Explicit work content of a step on one resource (machine or equipment id)."""

    resource_id: str
    duration: int
    cost_fen: int


@dataclass(frozen=True)
class Step:
    id: str
    process: str
    quantity: int = 1
    material: str = ""
    envelope: Envelope = (0, 0, 0)
    tolerance_mm: float = 1.0
    run_minutes_per_unit: float = 0.0
    options: tuple[StepOption, ...] = ()  # if non-empty, these replace the derived options
    predecessors: tuple[str, ...] = ()
    excluded_resources: frozenset[str] = frozenset()  # e.g. machines whose factory declined this step


@dataclass(frozen=True)
class Order:
    id: str
    release: int
    due: int
    delivery_site_id: str
    steps: tuple[Step, ...]
    weight: int = 1


@dataclass(frozen=True)
class FrozenStep:
    """A step already started or frozen: fixed resource, unit and times; it is kept as is."""

    order_id: str
    step_id: str
    resource_id: str
    start: int
    end: int
    unit: int = 0


@dataclass(frozen=True)
class ObjectiveWeights:
    """objective = tardiness * sum(weight_o * tardiness_o) + cost * total_cost_fen + makespan * makespan."""

    tardiness: int = 10_000_000
    cost: int = 100
    makespan: int = 1


@dataclass(frozen=True)
class Problem:
    sites: tuple[Site, ...]
    machines: tuple[Machine, ...]
    orders: tuple[Order, ...]
    horizon: int
    equipment: tuple[Equipment, ...] = ()
    bookings: tuple[Booking, ...] = ()
    frozen: tuple[FrozenStep, ...] = ()
    transport: TransportConfig = field(default_factory=TransportConfig)
    weights: ObjectiveWeights = field(default_factory=ObjectiveWeights)


# ------------------------------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class Assignment:
    order_id: str
    step_id: str
    resource_id: str  # machine id or equipment id
    unit: int  # 0-based unit index on the resource (always 0 for single-unit resources and equipment)
    start: int
    end: int
    site_id: str
    processing_fen: int
    lease_fen: int = 0
    frozen: bool = False


@dataclass(frozen=True)
class OrderPromise:
    order_id: str
    completion: int  # end of the last step plus transport to the delivery site
    due: int
    tardiness: int


@dataclass(frozen=True)
class CostBreakdown:
    processing_fen: int
    transport_fen: int
    lease_fen: int

    @property
    def total_fen(self) -> int:
        return self.processing_fen + self.transport_fen + self.lease_fen


@dataclass(frozen=True)
class UnplacedStep:
    order_id: str
    step_id: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    assignments: tuple[Assignment, ...]
    promises: tuple[OrderPromise, ...]
    cost: CostBreakdown
    status: str  # OPTIMAL | FEASIBLE | GREEDY | INFEASIBLE | UNKNOWN
    objective: int
    weighted_tardiness: int
    makespan: int
    best_bound: int | None = None
    gap: float | None = None
    wall_s: float = 0.0
    unplaced: tuple[UnplacedStep, ...] = ()
    solver: str = ""

    def assignment_map(self) -> dict[tuple[str, str], Assignment]:
        return {(a.order_id, a.step_id): a for a in self.assignments}

    def promise_map(self) -> dict[str, OrderPromise]:
        return {p.order_id: p for p in self.promises}


# ------------------------------------------------------------------------------------------- validation


def _check_windows(owner: str, windows: tuple[Window, ...]) -> None:
    prev_end = None
    for w in windows:
        if len(w) != 2 or not all(isinstance(x, int) for x in w):
            raise InvalidProblem(f"{owner}: window {w!r} must be a pair of integer minutes (start, end)")
        if w[1] <= w[0]:
            raise InvalidProblem(f"{owner}: window {w!r} ends at or before it starts; use end > start")
        if prev_end is not None and w[0] < prev_end:
            raise InvalidProblem(f"{owner}: windows must be sorted and non-overlapping; {w!r} starts before {prev_end}")
        prev_end = w[1]


def validate_problem(problem: Problem) -> None:
    """Raise :class:`InvalidProblem` on the first inconsistency found (ids, windows, DAG cycles, units)."""
    if problem.horizon <= 0:
        raise InvalidProblem(f"horizon must be a positive number of minutes, got {problem.horizon}")
    site_ids = set()
    for s in problem.sites:
        if s.id in site_ids:
            raise InvalidProblem(f"duplicate site id {s.id!r}")
        if not (-90 <= s.lat <= 90 and -180 <= s.lon <= 180):
            raise InvalidProblem(f"site {s.id!r}: latitude/longitude out of range ({s.lat}, {s.lon})")
        site_ids.add(s.id)
    res_units: dict[str, int] = {}
    for m in problem.machines:
        if m.id in res_units:
            raise InvalidProblem(f"duplicate machine/equipment id {m.id!r}")
        if m.site_id not in site_ids:
            raise InvalidProblem(f"machine {m.id!r}: unknown site {m.site_id!r}")
        if m.units < 1:
            raise InvalidProblem(f"machine {m.id!r}: units must be >= 1, got {m.units}")
        if m.speed_factor <= 0:
            raise InvalidProblem(f"machine {m.id!r}: speed_factor must be > 0, got {m.speed_factor}")
        if m.hourly_rate_fen < 0 or m.setup_minutes < 0:
            raise InvalidProblem(f"machine {m.id!r}: hourly rate and setup minutes must be >= 0")
        _check_windows(f"machine {m.id!r}", m.idle_windows)
        res_units[m.id] = m.units
    for e in problem.equipment:
        if e.id in res_units:
            raise InvalidProblem(f"duplicate machine/equipment id {e.id!r}")
        if e.site_id not in site_ids:
            raise InvalidProblem(f"equipment {e.id!r}: unknown site {e.site_id!r}")
        if e.speed_factor <= 0 or e.daily_lease_fen < 0:
            raise InvalidProblem(f"equipment {e.id!r}: speed_factor must be > 0 and daily_lease_fen >= 0")
        _check_windows(f"equipment {e.id!r}", e.availability)
        res_units[e.id] = 1
    for b in problem.bookings:
        if b.machine_id not in res_units:
            raise InvalidProblem(f"booking {b.label or (b.start, b.end)!r}: unknown machine id {b.machine_id!r}")
        if b.end <= b.start:
            raise InvalidProblem(f"booking on {b.machine_id!r}: end {b.end} is not after start {b.start}")
    order_ids = set()
    steps_by_order: dict[str, set[str]] = {}
    for o in problem.orders:
        if o.id in order_ids:
            raise InvalidProblem(f"duplicate order id {o.id!r}")
        order_ids.add(o.id)
        if o.delivery_site_id not in site_ids:
            raise InvalidProblem(f"order {o.id!r}: unknown delivery site {o.delivery_site_id!r}")
        if o.due < o.release:
            raise InvalidProblem(f"order {o.id!r}: due {o.due} is before release {o.release}")
        if o.weight < 0:
            raise InvalidProblem(f"order {o.id!r}: weight must be >= 0")
        if not o.steps:
            raise InvalidProblem(f"order {o.id!r} has no steps")
        ids = [s.id for s in o.steps]
        if len(set(ids)) != len(ids):
            raise InvalidProblem(f"order {o.id!r}: duplicate step ids {sorted(ids)}")
        for s in o.steps:
            if s.quantity < 1:
                raise InvalidProblem(f"order {o.id!r} step {s.id!r}: quantity must be >= 1")
            for p in s.predecessors:
                if p not in ids:
                    raise InvalidProblem(f"order {o.id!r} step {s.id!r}: unknown predecessor {p!r}")
            for opt in s.options:
                if opt.resource_id not in res_units:
                    raise InvalidProblem(
                        f"order {o.id!r} step {s.id!r}: option names unknown machine/equipment {opt.resource_id!r}"
                    )
                if opt.duration <= 0 or opt.cost_fen < 0:
                    raise InvalidProblem(f"order {o.id!r} step {s.id!r}: option durations must be > 0, costs >= 0")
            if not s.options and s.run_minutes_per_unit <= 0:
                raise InvalidProblem(
                    f"order {o.id!r} step {s.id!r}: give explicit options or a positive run_minutes_per_unit"
                )
        _check_acyclic(o)
        steps_by_order[o.id] = set(ids)
    seen = set()
    for f in problem.frozen:
        if f.order_id not in steps_by_order or f.step_id not in steps_by_order[f.order_id]:
            raise InvalidProblem(f"frozen step ({f.order_id!r}, {f.step_id!r}) is not a step of a known order")
        if f.resource_id not in res_units:
            raise InvalidProblem(f"frozen step ({f.order_id!r}, {f.step_id!r}): unknown resource {f.resource_id!r}")
        if f.end <= f.start:
            raise InvalidProblem(f"frozen step ({f.order_id!r}, {f.step_id!r}): end is not after start")
        if not 0 <= f.unit < res_units[f.resource_id]:
            raise InvalidProblem(f"frozen step ({f.order_id!r}, {f.step_id!r}): unit {f.unit} out of range")
        if (f.order_id, f.step_id) in seen:
            raise InvalidProblem(f"frozen step ({f.order_id!r}, {f.step_id!r}) listed twice")
        seen.add((f.order_id, f.step_id))


def _check_acyclic(order: Order) -> None:
    preds = {s.id: s.predecessors for s in order.steps}
    state: dict[str, int] = {}  # 1 = on stack, 2 = done
    for root in preds:
        if state.get(root):
            continue
        stack = [(root, iter(preds[root]))]
        state[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                raise InvalidProblem(f"order {order.id!r}: cycle in step predecessors through {nxt!r} and {node!r}")
            elif not state.get(nxt):
                state[nxt] = 1
                stack.append((nxt, iter(preds[nxt])))


def topological_steps(order: Order) -> list[Step]:
    """Steps of ``order`` in a deterministic topological order (input order among ready steps)."""
    done: set[str] = set()
    out: list[Step] = []
    pending = list(order.steps)
    while pending:
        rest = []
        for s in pending:
            if all(p in done for p in s.predecessors):
                out.append(s)
                done.add(s.id)
            else:
                rest.append(s)
        if len(rest) == len(pending):
            raise InvalidProblem(f"order {order.id!r}: cycle in step predecessors")
        pending = rest
    return out
