"""Turn placements into a :class:`Plan` (costs, promises, objective). Shared by greedy, CP-SAT and insertion."""

from __future__ import annotations

from .model import Assignment, CostBreakdown, OrderPromise, Plan, UnplacedStep
from .prepare import Compiled, Placement, StepKey
from .reasons import Msg

__all__ = ["Placement", "build_plan", "option_for", "order_completion", "unplaceable_reasons"]


def option_for(c: Compiled, key: StepKey, res: int):
    for opt in c.steps[key].options:
        if opt.resource == res:
            return opt
    raise KeyError((key, res))


def order_completion(c: Compiled, oi: int, placements: dict[StepKey, Placement]) -> tuple[int, int]:
    """(completion minute incl. delivery transport, transport fen of the order) for a fully placed order."""
    dsite = c.order_delivery_site(oi)
    completion = 0
    fen = 0
    for key in c.order_steps[oi]:
        cs = c.steps[key]
        r, _, _, end = placements[key]
        site = c.resources[r].site
        for p in cs.preds:
            fen += c.travel_fen[c.resources[placements[p].resource].site][site]
        if not cs.succs:
            completion = max(completion, end + c.travel_min[site][dsite])
            fen += c.travel_fen[site][dsite]
    return completion, fen


def build_plan(
    c: Compiled,
    placements: dict[StepKey, Placement],
    status: str,
    solver: str,
    wall_s: float,
    unplaced: dict[StepKey, tuple[str, ...]] | None = None,
    best_bound: int | None = None,
) -> Plan:
    p = c.problem
    w = p.weights
    assignments = []
    proc = lease = transport = 0
    makespan = 0
    for key in sorted(placements):
        r, u, s, e = placements[key]
        opt = option_for(c, key, r)
        cs = c.steps[key]
        assignments.append(
            Assignment(key[0], key[1], c.resources[r].id, u, s, e, p.sites[c.resources[r].site].id,
                       opt.processing_fen, opt.lease_fen, cs.frozen is not None)
        )
        proc += opt.processing_fen
        lease += opt.lease_fen
        makespan = max(makespan, e)
    promises = []
    wt = 0
    for oi, keys in enumerate(c.order_steps):
        if not all(k in placements for k in keys):
            continue
        order = p.orders[oi]
        comp, fen = order_completion(c, oi, placements)
        transport += fen
        tard = max(0, comp - order.due)
        wt += order.weight * tard
        promises.append(OrderPromise(order.id, comp, order.due, tard))
    cost = CostBreakdown(proc, transport, lease)
    objective = w.tardiness * wt + w.cost * cost.total_fen + w.makespan * makespan
    gap = None
    if best_bound is not None and objective > 0:
        gap = max(0.0, (objective - best_bound) / objective)
    un = tuple(UnplacedStep(k[0], k[1], tuple(v)) for k, v in sorted((unplaced or {}).items()))
    return Plan(tuple(assignments), tuple(promises), cost, status, objective, wt, makespan, best_bound, gap, wall_s,
                un, solver)


def unplaceable_reasons(c: Compiled) -> dict[StepKey, tuple[str, ...]]:
    """Reasons for every step of orders that cannot be placed for static reasons (capability, windows)."""
    out: dict[StepKey, tuple[str, ...]] = {}
    for oi, bad in c.unplaceable_orders.items():
        badkeys = {k for k, _ in bad}
        for key in c.order_steps[oi]:
            if key in badkeys:
                out[key] = tuple(c.steps[key].reasons)
            else:
                out[key] = (Msg("plan.order_blocked", steps=", ".join(sorted(str(k[1]) for k in badkeys))),)
    return out
