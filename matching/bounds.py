"""Lower bounds on the cost part of a plan's objective (processing + transport + lease), to say how far a plan is
from the cheapest possible one. Both are over the steps the plan placed, so ``plan cost / bound >= 1``.

- ``cheapest``: each step on its cheapest eligible resource (processing + lease fen); an order's last steps also
  pay the transport from that resource's site to the delivery site (the joint choice of the step's resource, so it
  stays a bound). Transport between an order's steps counts zero; capacity and time are ignored.
- ``capacity`` (the default, stronger): the same costs as a linear programme (GLOP) in which each step may be split
  across its eligible resources and each resource offers at most its idle-window minutes inside the horizon times
  its units, less the bookings in those windows. Every feasible plan is a solution of this relaxation (whole steps,
  one resource each, inside the windows), so its optimum is a bound; it is what the cheap machines can really take.

A frozen step (started, or accepted by its factory) keeps the resource it is on. Transport between steps, release
and due dates, precedence and the no-splitting rule are relaxed, so the bound is not always reachable.
"""

from __future__ import annotations

import math

from ortools.linear_solver import pywraplp

from .model import Plan, Problem
from .prepare import Compiled, compile_problem


def _options(c: Compiled, key) -> list:
    cs = c.steps[key]
    return [o for o in cs.options if cs.frozen is None or o.resource == cs.frozen.resource] or cs.options


def _option_fen(c: Compiled, key, option, with_delivery: bool) -> int:
    cs = c.steps[key]
    fen = option.processing_fen + option.lease_fen
    if with_delivery and not cs.succs:
        fen += c.travel_fen[c.resources[option.resource].site][c.order_delivery_site(cs.order)]
    return fen


def _placed(c: Compiled, plan: Plan) -> list[tuple]:
    """(step key, whether its order is fully placed) for the steps the plan placed."""
    placed = {(a.order_id, a.step_id) for a in plan.assignments}
    complete = {p.order_id for p in plan.promises}
    return [(key, key[0] in complete) for key in c.steps if key in placed and c.steps[key].options]


def _overlap(windows, start: int, end: int) -> int:
    return sum(max(0, min(end, b) - max(start, a)) for a, b in windows)


def capacity_minutes(c: Compiled, r: int) -> int:
    """Unit-minutes resource r offers inside the horizon, less the bookings (not frozen steps) in its windows."""
    res = c.resources[r]
    windows = [(max(0, a), min(c.problem.horizon, b)) for a, b in res.windows if b > 0 and a < c.problem.horizon]
    offered = sum(b - a for a, b in windows) * res.units
    booked = sum(_overlap(windows, s, e) for s, e, unit in c.fixed[r] if unit is None)
    return max(0, offered - booked)


def cheapest_bound(c: Compiled, plan: Plan) -> int:
    return sum(min(_option_fen(c, key, o, full) for o in _options(c, key)) for key, full in _placed(c, plan))


def capacity_bound(c: Compiled, plan: Plan) -> int | None:
    """The LP bound, or None when GLOP does not prove an optimum (the caller falls back to the cheapest bound)."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    use: dict[int, list] = {}
    objective = solver.Objective()
    for key, full in _placed(c, plan):
        options = _options(c, key)
        share = solver.Constraint(1.0, 1.0)
        for o in options:
            x = solver.NumVar(0.0, 1.0, "")
            share.SetCoefficient(x, 1.0)
            objective.SetCoefficient(x, float(_option_fen(c, key, o, full)))
            use.setdefault(o.resource, []).append((x, o.duration))
    for r, terms in use.items():
        room = solver.Constraint(0.0, float(capacity_minutes(c, r)))
        for x, duration in terms:
            room.SetCoefficient(x, float(duration))
    objective.SetMinimization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    # a plan's cost is a whole number of fen >= the LP optimum >= GLOP's value less its tolerance
    return math.ceil(objective.Value() - 1e-6 * max(1.0, abs(objective.Value())))


def cost_lower_bound(problem: Problem, plan: Plan, compiled: Compiled | None = None, capacity: bool = True) -> int:
    c = compiled or compile_problem(problem)
    simple = cheapest_bound(c, plan)
    if not capacity:
        return simple
    lp = capacity_bound(c, plan)
    return simple if lp is None else max(simple, lp)
