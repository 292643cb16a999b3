"""Fast insertion of one new order into an existing plan, for quotes. Existing assignments never move.

Tiers (plain data, :class:`Tier`):

* ``earliest`` - each step takes the option that finishes first (cost breaks ties): the expedite promise;
* ``cheapest_within_slack`` - each step takes the cheapest option (processing + lease + transport from its
  predecessors) among those finishing within ``slack_minutes`` of that step's earliest possible finish;
* ``cheapest`` - each step takes the cheapest option that fits before the horizon (earliest finish breaks ties).

A tier may restrict the resources (``resource_ids``) and exclude leasable equipment. Each quote carries the chosen
placements (so the next re-plan can keep the promise, e.g. as frozen steps or via ``previous_plan``) and a scarcity
figure: booked share of the idle capacity of the order's processes between its release and its completion.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from matching.model import InvalidProblem

from .calendar import ResourceCalendar
from .evaluate import build_plan
from .greedy import place_order, remove_steps
from .model import Assignment, CostBreakdown, Order, Plan, Problem
from .prepare import Placement, compile_problem


@dataclass(frozen=True)
class Tier:
    name: str
    rule: str = "earliest"  # earliest | cheapest_within_slack | cheapest
    slack_minutes: int = 0
    resource_ids: frozenset[str] | None = None  # None: any capable resource
    allow_equipment: bool = True


DEFAULT_TIERS = (
    Tier("expedite", "earliest"),
    Tier("standard", "cheapest_within_slack", slack_minutes=1440),
    Tier("economy", "cheapest"),
)


@dataclass(frozen=True)
class TierQuote:
    tier: str
    feasible: bool
    completion: int | None  # including transport to the delivery site
    tardiness: int
    cost: CostBreakdown
    placements: tuple[Assignment, ...]
    scarcity: float  # booked / idle minutes of the order's processes in [release, completion]; 0..1
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class InsertionResult:
    order_id: str
    quotes: tuple[TierQuote, ...]
    wall_ms: float

    def quote(self, tier: str) -> TierQuote:
        return next(q for q in self.quotes if q.tier == tier)


def insert_order(problem: Problem, plan: Plan, order: Order, tiers: tuple[Tier, ...] = DEFAULT_TIERS
                 ) -> InsertionResult:
    """Quote ``order`` against ``plan`` for each tier without moving any existing assignment.

    Raises:
        InvalidProblem: if the order itself is invalid (unknown site, cycle, ...) or its id is already used.
    """
    t0 = time.perf_counter()

    if any(o.id == order.id for o in problem.orders):
        raise InvalidProblem(f"order id {order.id!r} already exists in the problem")
    # ---- data: only the new order is compiled; the plan's assignments become busy intervals
    small = replace(problem, orders=(order,), frozen=())
    c = compile_problem(small)
    cals = [ResourceCalendar(r.windows, r.units) for r in c.resources]
    for a in plan.assignments:  # first the plan (it carries unit indexes), then bookings on any free unit
        ri = c.res_index.get(a.resource_id)
        if ri is not None:
            cals[ri].place_fixed(a.start, a.end, a.unit if a.unit < len(cals[ri].units) else None)
    for ri, items in enumerate(c.fixed):
        for s, e, u in items:
            cals[ri].place_fixed(s, e, u)
    in_plan = {(a.order_id, a.step_id) for a in plan.assignments}
    for f in problem.frozen:  # frozen steps not in the plan still occupy their unit
        if (f.order_id, f.step_id) not in in_plan:
            cals[c.res_index[f.resource_id]].place_fixed(f.start, f.end, f.unit)
    quotes = []
    for tier in tiers:
        quotes.append(_quote(c, cals, order, tier))
    return InsertionResult(order.id, tuple(quotes), (time.perf_counter() - t0) * 1000.0)


def _quote(c, cals, order: Order, tier: Tier) -> TierQuote:
    empty = CostBreakdown(0, 0, 0)
    if 0 in c.unplaceable_orders:
        reasons = tuple(r for _, step_reasons in c.unplaceable_orders[0] for r in step_reasons)
        return TierQuote(tier.name, False, None, 0, empty, (), 0.0, reasons)
    placements: dict = {}

    def allowed(res) -> bool:
        if tier.resource_ids is not None and res.id not in tier.resource_ids:
            return False
        return tier.allow_equipment or not res.is_equipment

    reason = place_order(c, cals, 0, placements, tier.rule, tier.slack_minutes, allowed)
    if reason is not None:
        return TierQuote(tier.name, False, None, 0, empty, (), 0.0, (reason,))
    # tentative reservations are released: each tier is quoted against the same plan
    remove_steps(cals, dict(placements), [k for k in placements if c.steps[k].frozen is None])
    plan = build_plan(c, placements, "QUOTE", "insertion", 0.0)
    promise = plan.promises[0]
    procs = {cs.step.process for cs in c.steps.values()}
    idle = booked = 0
    for r in c.resources:
        if r.process in procs:
            idle += cals[r.index].idle_minutes(order.release, promise.completion)
            booked += cals[r.index].booked_minutes(order.release, promise.completion)
    scarcity = min(1.0, booked / idle) if idle else 1.0
    return TierQuote(tier.name, True, promise.completion, promise.tardiness, plan.cost, plan.assignments,
                     round(scarcity, 4))


def apply_quote(problem: Problem, plan: Plan, order: Order, quote: TierQuote) -> tuple[Problem, Plan]:
    """The problem with ``order`` added and the plan with the quote's placements added (nothing else changes).

    The returned plan's totals are recomputed; use it as ``previous_plan`` for the next re-plan, or freeze the
    quote's placements as :class:`FrozenStep` records to force the promise.
    """
    if not quote.feasible:
        raise ValueError(f"quote {quote.tier!r} for order {order.id!r} is not feasible: {quote.reasons}")
    new_problem = replace(problem, orders=problem.orders + (order,))
    c = compile_problem(new_problem)
    placements = {}
    for a in plan.assignments + quote.placements:
        placements[a.order_id, a.step_id] = Placement(c.res_index[a.resource_id], a.unit, a.start, a.end)
    unplaced = {(u.order_id, u.step_id): u.reasons for u in plan.unplaced}
    return new_problem, build_plan(c, placements, plan.status, plan.solver + "+insertion", plan.wall_s, unplaced)
