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
from .reasons import Msg


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
    rule: str = "earliest",
    slack_minutes: int = 0,
    allowed=None,
) -> str | None:
    """Place all non-frozen steps of order ``oi`` step by step; None on success, else a reason (rolled back).

    Rules: ``earliest`` (earliest finish, then cost), ``cheapest`` (cost incl. transport from predecessors, then
    finish), ``cheapest_within_slack`` (cheapest among options finishing within ``slack_minutes`` of the earliest).
    ``allowed(resource) -> bool`` filters resources.
    """
    horizon = c.problem.horizon
    release = c.problem.orders[oi].release
    added: list[StepKey] = []
    for key in c.order_steps[oi]:
        cs = c.steps[key]
        if cs.frozen is not None:
            placements[key] = cs.frozen
            continue
        cands = []
        for opt in cs.options:
            res = c.resources[opt.resource]
            if allowed is not None and not allowed(res):
                continue
            est, move = release, 0
            for p in cs.preds:
                pr, _, _, pe = placements[p]
                ps = c.resources[pr].site
                est = max(est, pe + c.travel_min[ps][res.site])
                move += c.travel_fen[ps][res.site]
            slot = cals[opt.resource].earliest(est, opt.duration, horizon)
            if slot is not None:
                cands.append((slot[0] + opt.duration, opt.cost_fen + move, opt.resource, opt, slot))
        if not cands:
            remove_steps(cals, placements, added)
            return Msg("plan.no_slot", step=str(key[1]), horizon=horizon)
        if rule == "earliest":
            pick = min(cands, key=lambda x: x[:3])
        elif rule == "cheapest":
            pick = min(cands, key=lambda x: (x[1], x[0], x[2]))
        elif rule == "cheapest_within_slack":
            first = min(x[0] for x in cands)
            pick = min((x for x in cands if x[0] <= first + slack_minutes), key=lambda x: (x[1], x[0], x[2]))
        else:
            raise ValueError(f"unknown placement rule {rule!r}")
        end, _, r, opt, (s, u) = pick
        placements[key] = Placement(r, u, s, end)
        cals[r].units[u].add(s, end)
        added.append(key)
    return None


def remove_steps(cals: list[ResourceCalendar], placements: dict[StepKey, Placement], keys) -> None:
    for k in keys:
        r, u, s, e = placements.pop(k)
        cals[r].units[u].remove(s, e)


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
