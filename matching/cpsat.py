"""CP-SAT optimiser: warm start from the greedy plan (and/or a previous plan), then either one monolithic model
(small problems) or large-neighbourhood search over groups of related orders (large problems).

``solve(problem, time_limit_s=..., workers=..., seed=..., previous_plan=None) -> Plan``
"""

from __future__ import annotations

import random
import time

from ortools.sat.python import cp_model

from .calendar import ResourceCalendar
from .cpsat_model import DAY, build_model, extract, window_of
from .evaluate import Placement, build_plan, option_for, order_completion, unplaceable_reasons
from .greedy import dispatch_compiled, make_calendars, order_priority, place_order, remove_steps
from .model import Plan, Problem
from .prepare import Compiled, StepKey, compile_problem
from .reasons import Msg

_STATUS = {cp_model.OPTIMAL: "OPTIMAL", cp_model.FEASIBLE: "FEASIBLE", cp_model.INFEASIBLE: "INFEASIBLE",
           cp_model.MODEL_INVALID: "MODEL_INVALID", cp_model.UNKNOWN: "UNKNOWN"}


def _solver(time_limit_s: float, workers: int, seed: int, light_presolve: bool = False) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, time_limit_s)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    if light_presolve:
        # LNS sub-models are solved many times for ~1 s each: probing alone can eat several seconds
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.symmetry_level = 0
    return solver


def _from_previous(c: Compiled, previous: Plan) -> dict[StepKey, Placement] | None:
    """Re-use a previous plan's placements that still fit (same options, windows, capacity); re-place the rest."""
    cals = make_calendars(c)
    placements: dict[StepKey, Placement] = {}
    kept_orders = set()
    prev = previous.assignment_map()
    for oi, keys in enumerate(c.order_steps):
        if oi in c.unplaceable_orders:
            continue
        tentative = {}
        for key in keys:
            cs = c.steps[key]
            if cs.frozen is not None:
                tentative[key] = cs.frozen
                continue
            a = prev.get(key)
            if a is None or a.resource_id not in c.res_index:
                break
            r = c.res_index[a.resource_id]
            opts = [o for o in cs.options if o.resource == r and o.duration == a.end - a.start]
            if not opts or window_of(c, r, a.start, a.end) is None:
                break
            if a.start < problem_release(c, oi) or a.end > c.problem.horizon:
                break
            site = c.resources[r].site
            if any(p not in tentative or tentative[p].end + c.travel_min[c.resources[tentative[p].resource].site][site]
                   > a.start for p in cs.preds):
                break
            tentative[key] = Placement(r, a.unit, a.start, a.end)
        else:
            ok = True
            for key, (r, u, s, e) in tentative.items():
                if c.steps[key].frozen is None:
                    units = cals[r].units
                    u = next((i for i, cal in enumerate(units) if cal.is_free(s, e)), None)
                    if u is None:
                        ok = False
                        break
                    tentative[key] = Placement(r, u, s, e)
                    units[u].add(s, e)
            if ok:
                placements.update(tentative)
                kept_orders.add(oi)
            else:
                for key, (r, u, s, e) in tentative.items():
                    if c.steps[key].frozen is None and u < len(cals[r].units):
                        try:
                            cals[r].units[u].remove(s, e)
                        except KeyError:
                            pass
    for oi in order_priority(c):
        if oi not in kept_orders and oi not in c.unplaceable_orders:
            place_order(c, cals, oi, placements)
    return placements


def problem_release(c: Compiled, oi: int) -> int:
    return c.problem.orders[oi].release


def assign_units(c: Compiled, placements: dict[StepKey, Placement]) -> dict[StepKey, Placement]:
    """Give every placed step a unit index: interval colouring by start time (bookings take units too)."""
    out = dict(placements)
    by_res: dict[int, list] = {}
    for key, (r, u, s, e) in placements.items():
        if c.resources[r].units > 1:
            by_res.setdefault(r, []).append((s, e, key))
    for r, items in by_res.items():
        cal = ResourceCalendar(((0, c.problem.horizon * 10),), c.resources[r].units)
        fixed_frozen = [(s, e, u) for s, e, u in c.fixed[r] if u is not None]
        for s, e, u in fixed_frozen:
            cal.units[u].add(s, e)
        events = [(s, e, None) for s, e, u in c.fixed[r] if u is None] + [
            (s, e, k) for s, e, k in items if c.steps[k].frozen is None]
        for s, e, key in sorted(events, key=lambda x: (x[0], x[1])):
            u = next((i for i, uc in enumerate(cal.units) if uc.is_free(s, e)), 0)
            cal.units[u].add(s, e)
            if key is not None:
                out[key] = Placement(r, u, s, e)
    return out


def _objective(c: Compiled, placements: dict[StepKey, Placement], orders: list[int]) -> int:
    """Objective contribution of ``orders`` (tardiness + costs), for LNS acceptance."""
    w = c.problem.weights
    tot = 0
    for oi in orders:
        keys = c.order_steps[oi]
        if not all(k in placements for k in keys):
            tot += w.tardiness * c.problem.orders[oi].weight * c.problem.horizon * 2
            continue
        comp, fen = order_completion(c, oi, placements)
        tot += w.tardiness * c.problem.orders[oi].weight * max(0, comp - c.problem.orders[oi].due)
        tot += w.cost * (fen + sum(option_for(c, k, placements[k].resource).cost_fen for k in keys))
    return tot


REINSERT_RULES = (("cheapest", 0), ("cheapest_within_slack", 240), ("cheapest_within_slack", 1440), ("earliest", 0))


def reinsertion_descent(c: Compiled, inc: dict[StepKey, Placement], orders: list[int], deadline: float) -> int:
    """Take each order out of the plan and put it back with the best of a few placement rules (cost-aware);
    keep the change only if the order's tardiness + cost improves. Returns the number of improved orders."""
    cals = make_calendars(c)
    for k, (r, u, s, e) in inc.items():
        if c.steps[k].frozen is None:
            cals[r].units[u].add(s, e)
    w_mk = c.problem.weights.makespan
    makespan = max((e for (_, _, _, e) in inc.values()), default=0)  # never lowered here: conservative
    improved = 0
    for oi in orders:
        if time.perf_counter() > deadline:
            break
        keys = [k for k in c.order_steps[oi] if c.steps[k].frozen is None]
        if not keys or not all(k in inc for k in keys):
            continue
        best_val = _objective(c, inc, [oi])
        best = {k: inc[k] for k in keys}
        remove_steps(cals, inc, keys)
        changed = False
        for rule, slack in REINSERT_RULES:
            if place_order(c, cals, oi, inc, rule, slack) is None:
                cand = {k: inc[k] for k in keys}
                # a later makespan costs too (tie-break weight): count how far this order would push it
                val = _objective(c, inc, [oi]) + w_mk * max(0, max(p[3] for p in cand.values()) - makespan)
                remove_steps(cals, inc, keys)
                if val < best_val:
                    best_val, best, changed = val, cand, True
        for k, (r, u, s, e) in best.items():
            inc[k] = Placement(r, u, s, e)
            cals[r].units[u].add(s, e)
            makespan = max(makespan, e)
        improved += changed
    return improved


def _lower_bound(c: Compiled, placeable: list[int]) -> int:
    """Cheapest option per step, no tardiness, no transport: a valid bound on the cost part of the objective."""
    w = c.problem.weights
    return w.cost * sum(min(o.cost_fen for o in c.steps[k].options) for oi in placeable for k in c.order_steps[oi])


def _neighbourhood(c: Compiled, inc: dict[StepKey, Placement], rng: random.Random, size: int,
                   eligible: list[set[int]], users: dict[int, list[int]], placeable: list[int]) -> list[int]:
    """A seed order (biased to late / expensive ones) plus orders competing for the same resources nearby in time."""
    sample = rng.sample(placeable, min(8, len(placeable)))
    seed = max(sample, key=lambda oi: _objective(c, inc, [oi]) - _lower_bound(c, [oi]) + rng.random())
    keys = c.order_steps[seed]
    lo = min((inc[k].start for k in keys if k in inc), default=c.problem.orders[seed].release) - DAY
    hi = max((inc[k].end for k in keys if k in inc), default=c.problem.orders[seed].due) + DAY
    cands = set()
    for r in eligible[seed]:
        cands.update(users.get(r, ()))
    cands.discard(seed)
    near = []
    for oi in cands:
        ks = c.order_steps[oi]
        if all(k in inc for k in ks):
            s = min(inc[k].start for k in ks)
            e = max(inc[k].end for k in ks)
            if e >= lo and s <= hi:
                near.append(oi)
        else:
            near.append(oi)
    near.sort()
    chosen = rng.sample(near, min(size - 1, len(near)))
    return sorted([seed] + chosen)


def solve(
    problem: Problem,
    time_limit_s: float = 10.0,
    workers: int = 2,
    seed: int = 0,
    previous_plan: Plan | None = None,
    monolithic_max_steps: int = 300,
    monolithic_max_alternatives: int = 20_000,
    lns_orders: int = 20,
    lns_step_s: float = 1.5,
    window_cap: int = 6,
    reinsert_share: float = 0.3,
) -> Plan:
    """Optimise ``problem``; always returns a :class:`Plan` (status INFEASIBLE/UNKNOWN with reasons if need be).

    Args:
        problem: the matching problem.
        time_limit_s: wall-clock budget for the whole call.
        workers: CP-SAT worker threads.
        seed: random seed (CP-SAT and neighbourhood choice).
        previous_plan: warm start for re-planning; its still-valid placements seed the incumbent.
        monolithic_max_steps: up to this many free steps one model is solved; above, LNS is used.
        monolithic_max_alternatives: ... and up to this many (step, resource, window) alternatives.
        lns_orders: orders freed per LNS neighbourhood.
        lns_step_s: time limit of one LNS sub-solve.
        window_cap: idle windows per (step, resource) kept in LNS sub-models.
        reinsert_share: share of the budget the reinsertion descent may use before LNS (large problems).
    """
    t0 = time.perf_counter()
    deadline = t0 + time_limit_s
    rng = random.Random(seed)
    # ---- data + warm start
    c = compile_problem(problem)
    inc, unplaced = dispatch_compiled(c)
    if previous_plan is not None:
        alt = _from_previous(c, previous_plan)
        placeable0 = [oi for oi in range(len(problem.orders)) if oi not in c.unplaceable_orders]
        if _objective(c, alt, placeable0) <= _objective(c, inc, placeable0):
            inc = alt
    placeable = [oi for oi in range(len(problem.orders)) if oi not in c.unplaceable_orders]
    static_reasons = unplaceable_reasons(c)
    n_free = sum(1 for oi in placeable for k in c.order_steps[oi] if c.steps[k].frozen is None)
    lb = _lower_bound(c, placeable)

    n_alts = sum(len(c.resources[o.resource].windows) for oi in placeable for k in c.order_steps[oi]
                 if c.steps[k].frozen is None for o in c.steps[k].options)
    if n_free <= monolithic_max_steps and n_alts <= monolithic_max_alternatives:
        sub = build_model(c, placeable, inc)
        solver = _solver(deadline - time.perf_counter(), workers, seed)
        status = solver.solve(sub.model)
        name = _STATUS.get(status, "UNKNOWN")
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            placements = {k: v for k, v in inc.items() if c.steps[k].frozen is not None}
            placements.update(extract(c, sub, solver))
            for k, cs in c.steps.items():
                if cs.frozen is not None:
                    placements[k] = cs.frozen
            un = dict(static_reasons)
            for oi in placeable:
                for k in c.order_steps[oi]:
                    if k not in placements:
                        un[k] = (Msg("plan.dropped"),)
            plan = build_plan(c, assign_units(c, placements), name, "cpsat", time.perf_counter() - t0, un)
            # the model objective omits the constant of fixed parts; report the bound on the plan's scale
            offset = plan.objective - int(solver.objective_value)
            bound = int(solver.best_objective_bound) + offset
            gap = 0.0 if name == "OPTIMAL" else max(0.0, (plan.objective - bound) / max(1, plan.objective))
            return _with(plan, best_bound=bound, gap=gap)
        if status == cp_model.INFEASIBLE or not inc:
            reasons = {k: (Msg("plan.infeasible", status=name),) for oi in placeable for k in c.order_steps[oi]}
            reasons.update(static_reasons)
            fixed = {k: cs.frozen for k, cs in c.steps.items() if cs.frozen is not None}
            return build_plan(c, fixed, name, "cpsat", time.perf_counter() - t0, reasons)
        # CP-SAT found nothing better in time: keep the warm start (greedy or previous plan), which is valid.
        un = dict(unplaced)
        un.update(static_reasons)
        plan = build_plan(c, assign_units(c, inc), "FEASIBLE", f"warm start (CP-SAT {name})",
                          time.perf_counter() - t0, un)
        return _with(plan, best_bound=lb, gap=max(0.0, (plan.objective - lb) / max(1, plan.objective)))

    # ---- large problems: cost-aware reinsertion descent, then LNS over groups of related orders
    gain = {oi: _objective(c, inc, [oi]) - _lower_bound(c, [oi]) for oi in placeable}
    order_list = sorted(placeable, key=lambda oi: -gain[oi])
    reinsert_improved = 0
    for _ in range(3):  # a few passes: moving one order frees room for others
        n = reinsertion_descent(c, inc, order_list, t0 + reinsert_share * time_limit_s)
        reinsert_improved += n
        if n < 0.02 * len(order_list) or time.perf_counter() > t0 + reinsert_share * time_limit_s:
            break
    eligible = [set(o.resource for k in c.order_steps[oi] for o in c.steps[k].options)
                for oi in range(len(problem.orders))]
    users: dict[int, list[int]] = {}
    for oi in placeable:
        for r in eligible[oi]:
            users.setdefault(r, []).append(oi)
    it = improved = 0
    size, step_s = lns_orders, lns_step_s
    starved = 0
    while time.perf_counter() + 0.3 < deadline - 1.5:  # keep time to assemble the plan
        it += 1
        free = _neighbourhood(c, inc, rng, size, eligible, users, placeable)
        before = _objective(c, inc, free)
        sub = build_model(c, free, inc, window_cap=window_cap, slack_days=2)
        solver = _solver(min(step_s, deadline - 1.5 - time.perf_counter()), workers, seed + it, light_presolve=True)
        status = solver.solve(sub.model)
        # adapt: no solution at all (presolve/search starved, e.g. on a loaded machine) -> smaller and longer;
        # proved optimal -> a bit larger
        if status == cp_model.OPTIMAL:
            size = min(2 * lns_orders, size + 2)
        elif status != cp_model.FEASIBLE:
            size = max(4, int(size * 0.7))
            step_s = min(4 * lns_step_s, step_s * 1.3)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            starved += 1
            continue
        free_set = set(free)
        cand = {k: v for k, v in inc.items() if c.steps[k].frozen is not None or c.steps[k].order not in free_set}
        cand.update(extract(c, sub, solver))
        for oi in free:
            for k in c.order_steps[oi]:
                if c.steps[k].frozen is not None:
                    cand[k] = c.steps[k].frozen
        w_mk = c.problem.weights.makespan
        mk_old = max((p[3] for p in inc.values()), default=0)
        mk_new = max((p[3] for p in cand.values()), default=0)
        if _objective(c, cand, free) + w_mk * (mk_new - mk_old) < before:
            inc = cand
            improved += 1
            for oi in free:
                for k in c.order_steps[oi]:
                    unplaced.pop(k, None)
    un = dict(unplaced)
    for oi in placeable:
        if not all(k in inc for k in c.order_steps[oi]):
            for k in c.order_steps[oi]:
                if c.steps[k].frozen is None:
                    inc.pop(k, None)
                    un.setdefault(k, (Msg("plan.no_slot", step=str(k[1]), horizon=c.problem.horizon),))
    name = (f"reinsertion({reinsert_improved} orders)+cpsat-lns({it} neighbourhoods, {improved} improved, "
            f"{starved} without solution)")
    plan = build_plan(c, assign_units(c, inc), "FEASIBLE", name, time.perf_counter() - t0, un)
    return _with(plan, best_bound=lb, gap=max(0.0, (plan.objective - lb) / max(1, plan.objective)))


def _with(plan: Plan, **kw) -> Plan:
    from dataclasses import replace

    return replace(plan, **kw)
