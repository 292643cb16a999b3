"""Compile a :class:`Problem` into indexed plain structures shared by the greedy, CP-SAT and insertion code.

Eligibility (derived options): same process, material accepted (a step without material accepts any machine),
part envelope fits (sorted part dimensions <= sorted machine dimensions, i.e. any axis-aligned orientation),
machine tolerance <= required tolerance, and at least one idle window long enough that ends by the horizon.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

from .model import Order, Problem, Step, topological_steps, validate_problem
from .reasons import Msg

StepKey = tuple[str, str]  # (order_id, step_id)


class Placement(NamedTuple):
    """Where and when one step runs: a resource (its index in Compiled.resources), unit, start and end minute."""

    resource: int
    unit: int
    start: int
    end: int


@dataclass(frozen=True)
class Resource:
    index: int
    id: str
    site: int  # site index
    units: int
    windows: tuple[tuple[int, int], ...]
    process: str
    is_equipment: bool
    daily_lease_fen: int


@dataclass(frozen=True)
class Option:
    resource: int  # resource index
    duration: int
    processing_fen: int
    lease_fen: int

    @property
    def cost_fen(self) -> int:
        return self.processing_fen + self.lease_fen


@dataclass
class CStep:
    key: StepKey
    order: int  # order index
    step: Step
    options: list[Option]
    preds: list[StepKey]
    succs: list[StepKey]
    reasons: list[Msg]
    frozen: Placement | None = None


@dataclass
class Compiled:
    problem: Problem
    resources: list[Resource]
    res_index: dict[str, int]
    site_index: dict[str, int]
    travel_min: list[list[int]]
    travel_fen: list[list[int]]
    steps: dict[StepKey, CStep]
    order_steps: list[list[StepKey]]  # per order, topological order
    fixed: list[list[tuple[int, int, int | None]]]  # per resource: (start, end, unit or None) bookings + frozen
    unplaceable_orders: dict[int, list[tuple[StepKey, tuple[Msg, ...]]]]

    def order_delivery_site(self, oi: int) -> int:
        return self.site_index[self.problem.orders[oi].delivery_site_id]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


def travel(problem: Problem, a, b) -> tuple[int, int]:
    """(minutes, fen) to move parts from site ``a`` to site ``b`` (Site objects)."""
    if a.id == b.id:
        return 0, 0
    t = problem.transport
    km = haversine_km(a.lat, a.lon, b.lat, b.lon)
    return t.handling_minutes + math.ceil(km / t.speed_kmh * 60.0), t.fixed_fen + round(km * t.rate_fen_per_km)


def derived_duration(setup: int, run_per_unit: float, quantity: int, speed: float) -> int:
    return setup + max(1, math.ceil(run_per_unit * quantity / speed - 1e-9))


def processing_fen(hourly_rate_fen: int, duration: int) -> int:
    return (hourly_rate_fen * duration + 30) // 60


def lease_fen(daily_lease_fen: int, duration: int) -> int:
    return daily_lease_fen * max(1, math.ceil(duration / 1440))


def compile_problem(problem: Problem) -> Compiled:
    validate_problem(problem)
    site_index = {s.id: i for i, s in enumerate(problem.sites)}
    n = len(problem.sites)
    tmin = [[0] * n for _ in range(n)]
    tfen = [[0] * n for _ in range(n)]
    for i, a in enumerate(problem.sites):
        for j, b in enumerate(problem.sites):
            tmin[i][j], tfen[i][j] = travel(problem, a, b)
    resources: list[Resource] = []
    specs = []  # (resource, spec object)
    for m in problem.machines:
        r = Resource(len(resources), m.id, site_index[m.site_id], m.units, tuple(sorted(m.idle_windows)), m.process,
                     False, 0)
        resources.append(r)
        specs.append(m)
    for e in problem.equipment:
        r = Resource(len(resources), e.id, site_index[e.site_id], 1, tuple(sorted(e.availability)), e.process, True,
                     e.daily_lease_fen)
        resources.append(r)
        specs.append(e)
    res_index = {r.id: r.index for r in resources}
    by_process: dict[str, list[int]] = {}
    for r in resources:
        by_process.setdefault(r.process, []).append(r.index)

    frozen = {(f.order_id, f.step_id): f for f in problem.frozen}
    fixed: list[list[tuple[int, int, int | None]]] = [[] for _ in resources]
    for b in problem.bookings:
        fixed[res_index[b.machine_id]].append((b.start, b.end, None))
    for f in problem.frozen:
        fixed[res_index[f.resource_id]].append((f.start, f.end, f.unit))

    steps: dict[StepKey, CStep] = {}
    order_steps: list[list[StepKey]] = []
    unplaceable: dict[int, list[tuple[StepKey, str]]] = {}
    for oi, order in enumerate(problem.orders):
        keys = []
        for st in topological_steps(order):
            key = (order.id, st.id)
            keys.append(key)
            cs = CStep(key, oi, st, [], [(order.id, p) for p in st.predecessors], [], [])
            if key in frozen:
                f = frozen[key]
                ri = res_index[f.resource_id]
                cs.frozen = Placement(ri, f.unit, f.start, f.end)
                proc, lease = _fixed_costs(st, resources[ri], specs[ri], f.end - f.start)
                cs.options = [Option(ri, f.end - f.start, proc, lease)]
            else:
                cs.options, cs.reasons = _options(problem, order, st, resources, specs, res_index, by_process)
            steps[key] = cs
        for key in keys:
            for p in steps[key].preds:
                steps[p].succs.append(key)
        order_steps.append(keys)
        bad = [(k, tuple(steps[k].reasons)) for k in keys if not steps[k].options]
        if bad:
            unplaceable[oi] = bad
    return Compiled(problem, resources, res_index, site_index, tmin, tfen, steps, order_steps, fixed, unplaceable)


def _fixed_costs(st: Step, res: Resource, spec, duration: int) -> tuple[int, int]:
    for opt in st.options:
        if opt.resource_id == res.id:
            return opt.cost_fen, lease_fen(res.daily_lease_fen, duration) if res.is_equipment else 0
    proc = processing_fen(spec.hourly_rate_fen, duration)
    return proc, lease_fen(res.daily_lease_fen, duration) if res.is_equipment else 0


def _fits(part: tuple[int, int, int], box: tuple[int, int, int]) -> bool:
    return all(p <= b for p, b in zip(sorted(part), sorted(box)))


def _window_ok(res: Resource, duration: int, release: int, horizon: int) -> bool:
    for ws, we in res.windows:
        s = max(ws, release)
        if s + duration <= min(we, horizon):
            return True
    return False


def _options(problem: Problem, order: Order, st: Step, resources, specs, res_index, by_process):
    reasons: list[Msg] = []
    cands: list[tuple[int, int, int]] = []  # (resource, duration, processing fen)
    if st.options:
        for opt in st.options:
            cands.append((res_index[opt.resource_id], opt.duration, opt.cost_fen))
    else:
        pool = by_process.get(st.process, [])
        if not pool:
            return [], [Msg("plan.no_process", process=st.process)]
        if st.material:
            pool = [ri for ri in pool if st.material in specs[ri].materials]
            if not pool:
                return [], [Msg("plan.no_material", process=st.process, material=st.material)]
        pool2 = [ri for ri in pool if _fits(st.envelope, specs[ri].max_envelope)]
        if not pool2:
            return [], [Msg("plan.envelope", process=st.process, envelope="×".join(str(d) for d in st.envelope))]
        pool3 = [ri for ri in pool2 if specs[ri].best_tolerance_mm <= st.tolerance_mm + 1e-12]
        if not pool3:
            return [], [Msg("plan.tolerance", process=st.process, tolerance=st.tolerance_mm)]
        for ri in pool3:
            sp = specs[ri]
            d = derived_duration(sp.setup_minutes, st.run_minutes_per_unit, st.quantity, sp.speed_factor)
            cands.append((ri, d, processing_fen(sp.hourly_rate_fen, d)))
    if st.excluded_resources:
        cands = [c for c in cands if resources[c[0]].id not in st.excluded_resources]
        if not cands:
            return [], [Msg("plan.all_declined", process=st.process)]
    out = []
    for ri, d, proc in cands:
        res = resources[ri]
        if not _window_ok(res, d, order.release, problem.horizon):
            continue
        out.append(Option(ri, d, proc, lease_fen(res.daily_lease_fen, d) if res.is_equipment else 0))
    if not out:
        longest = max((d for _, d, _ in cands), default=0)
        reasons.append(Msg("plan.no_window", minutes=min((d for _, d, _ in cands), default=longest),
                           release=order.release, horizon=problem.horizon))
    out.sort(key=lambda o: (o.resource, o.duration))
    return out, reasons
