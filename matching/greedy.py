"""Greedy earliest-finish dispatcher: the baseline plan and the CP-SAT warm start.

Orders are taken by earliest due date (then higher weight, then id). Each step, in topological order, goes to the
option (resource, unit, slot) that finishes earliest, counting transport from its predecessors' sites; ties go to
the cheaper option. An order that cannot be fully placed is rolled back and reported unplaced with reasons.
"""

from __future__ import annotations

import time

from .calendar import ResourceCalendar
from .evaluate import Placement, build_plan, unplaceable_reasons
from .model import Plan, Problem
from .prepare import Compiled, StepKey, compile_problem


def make_calendars(c: Compiled) -> list[ResourceCalendar]:
    cals = [ResourceCalendar(r.windows, r.units) for r in c.resources]
    for ri, items in enumerate(c.fixed):
        for s, e, u in sorted(items, key=lambda x: (x[2] is None, x[0])):
            cals[ri].place_fixed(s, e, u)
    return cals


def step_ready(c: Compiled, key: StepKey, res: int, placements: dict[StepKey, Placement]) -> int:
    cs = c.steps[key]
    t = c.problem.orders[cs.order].release
    site = c.resources[res].site
    for p in cs.preds:
        pr, _, _, pe = placements[p]
        t = max(t, pe + c.travel_min[c.resources[pr].site][site])
    return t


def place_order(
    c: Compiled,
    cals: list[ResourceCalendar],
    oi: int,
    placements: dict[StepKey, Placement],
    score=None,
) -> str | None:
    """Place all non-frozen steps of order ``oi`` greedily; returns None on success, else a reason (rolled back).

    ``score(key, option, start, end) -> sortable`` ranks candidates (default: earliest finish, then cost).
    """
    horizon = c.problem.horizon
    added: list[StepKey] = []
    for key in c.order_steps[oi]:
        cs = c.steps[key]
        if cs.frozen is not None:
            placements[key] = cs.frozen
            continue
        best = None
        for opt in cs.options:
            est = step_ready(c, key, opt.resource, placements)
            slot = cals[opt.resource].earliest(est, opt.duration, horizon)
            if slot is None:
                continue
            s, u = slot
            k = (s + opt.duration, opt.cost_fen) if score is None else score(key, opt, s, s + opt.duration)
            if best is None or k < best[0]:
                best = (k, opt, s, u)
        if best is None:
            for k2 in added:
                r, u, s, e = placements.pop(k2)
                cals[r].units[u].remove(s, e)
            return (f"no free slot in any capable machine's idle windows before the horizon {horizon} "
                    f"(capacity taken by bookings and other orders)")
        _, opt, s, u = best
        placements[key] = (opt.resource, u, s, s + opt.duration)
        cals[opt.resource].units[u].add(s, s + opt.duration)
        added.append(key)
    return None


def order_priority(c: Compiled) -> list[int]:
    orders = c.problem.orders
    return sorted(range(len(orders)), key=lambda i: (orders[i].due, -orders[i].weight, orders[i].id))


def dispatch_compiled(c: Compiled) -> tuple[dict[StepKey, Placement], dict[StepKey, tuple[str, ...]]]:
    cals = make_calendars(c)
    placements: dict[StepKey, Placement] = {}
    unplaced = unplaceable_reasons(c)
    for oi in order_priority(c):
        if oi in c.unplaceable_orders:
            continue
        reason = place_order(c, cals, oi, placements)
        if reason is not None:
            for key in c.order_steps[oi]:
                if c.steps[key].frozen is None:
                    unplaced[key] = (reason,)
                else:
                    placements.pop(key, None)
    # frozen steps of unplaced orders stay in the plan (they are fixed facts)
    for key, cs in c.steps.items():
        if cs.frozen is not None:
            placements[key] = cs.frozen
    return placements, unplaced


def dispatch(problem: Problem) -> Plan:
    """Greedy earliest-finish plan (status ``GREEDY``)."""
    t0 = time.perf_counter()
    c = compile_problem(problem)
    placements, unplaced = dispatch_compiled(c)
    return build_plan(c, placements, "GREEDY", "greedy", time.perf_counter() - t0, unplaced)
