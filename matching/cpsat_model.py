"""CP-SAT model of (a part of) the matching problem, built in visible stages.

data -> variables -> constraints -> objective -> hint. ``build_model`` makes the orders in ``free`` decision
variables; every other placed step, every booking and every frozen step is a fixed interval. With ``free`` = all
orders this is the monolithic model; with a few orders it is one LNS neighbourhood.

Alternatives: one optional interval per (step, resource, idle window) with a presence literal; exactly one per
step (or none when the order is dropped, which only orders without an incumbent may do, at a large penalty).
Windows are handled by the alternative itself: its start/end are bounded to that window (no splitting).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .evaluate import Placement, order_completion
from .prepare import Compiled, Option, StepKey

DAY = 1440


@dataclass
class SubModel:
    model: cp_model.CpModel
    free_orders: list[int]
    starts: dict[StepKey, cp_model.IntVar] = field(default_factory=dict)
    ends: dict[StepKey, cp_model.IntVar] = field(default_factory=dict)
    # (order_id, step_id, resource index, window index) -> (literal, option)
    alts: dict[tuple[str, str, int, int], tuple[cp_model.IntVar, Option]] = field(default_factory=dict)
    placed: dict[int, cp_model.IntVar] = field(default_factory=dict)  # order index -> "is placed" literal
    objective_terms: list = field(default_factory=list)


def _windows_for(c: Compiled, key: StepKey, opt: Option, lo: int, hi: int, cap: int | None,
                 keep: int | None) -> list[int]:
    res = c.resources[opt.resource]
    out = []
    ends = [w[1] for w in res.windows]
    for k in range(bisect_right(ends, lo), len(res.windows)):
        ws, we = res.windows[k]
        if ws >= hi:
            break
        if min(we, c.problem.horizon) - max(ws, lo) >= opt.duration:
            out.append(k)
    if cap is not None and len(out) > cap:
        out = out[:cap]
    if keep is not None and keep not in out:
        out.append(keep)
    return out


def window_of(c: Compiled, res: int, start: int, end: int) -> int | None:
    wins = c.resources[res].windows
    k = bisect_right([w[0] for w in wins], start) - 1
    if k >= 0 and wins[k][0] <= start and end <= wins[k][1]:
        return k
    return None


def build_model(
    c: Compiled,
    free: list[int],
    incumbent: dict[StepKey, Placement],
    window_cap: int | None = None,
    slack_days: int | None = None,
) -> SubModel:
    """Build the model where the orders ``free`` are decided and everything else is fixed.

    Args:
        c: compiled problem.
        free: order indexes to decide (orders without an incumbent may be dropped at a penalty).
        incumbent: current placements (used for fixed intervals of other orders and as the hint).
        window_cap: max idle windows per (step, resource) alternative (the incumbent's window is always kept).
        slack_days: if set, windows starting later than max(incumbent completion, due) + slack_days are ignored.

    Returns:
        The :class:`SubModel` with its variables.
    """
    p = c.problem
    w = p.weights
    m = cp_model.CpModel()
    sub = SubModel(m, free)
    free_keys = {k for oi in free for k in c.order_steps[oi] if c.steps[k].frozen is None}

    # ---- data: time range per free order
    span: dict[int, tuple[int, int]] = {}
    for oi in free:
        order = p.orders[oi]
        hi = p.horizon
        if slack_days is not None and all(k in incumbent for k in c.order_steps[oi]):
            comp, _ = order_completion(c, oi, incumbent)
            hi = min(p.horizon, max(comp, order.due) + slack_days * DAY)
        span[oi] = (order.release, hi)

    # ---- variables: start/end per step, one optional interval per (step, resource, window)
    per_res: dict[int, list] = {}
    site_lits: dict[StepKey, dict[int, object]] = {}  # step -> site -> literal (or True for fixed steps)
    for oi in free:
        order = p.orders[oi]
        has_inc = all(k in incumbent for k in c.order_steps[oi])
        if not has_inc:
            sub.placed[oi] = m.new_bool_var(f"placed_{order.id}")
        lo, hi = span[oi]
        for key in c.order_steps[oi]:
            cs = c.steps[key]
            if cs.frozen is not None:
                r = cs.frozen[0]
                site_lits[key] = {c.resources[r].site: True}
                continue
            dmin = min(o.duration for o in cs.options)
            s = m.new_int_var(lo, hi - dmin, f"start_{key[0]}_{key[1]}")
            e = m.new_int_var(lo + dmin, hi, f"end_{key[0]}_{key[1]}")
            sub.starts[key], sub.ends[key] = s, e
            inc = incumbent.get(key)
            lits = []
            by_site: dict[int, list] = {}
            for opt in cs.options:
                keep = window_of(c, opt.resource, inc[2], inc[3]) if inc and inc[0] == opt.resource else None
                for k in _windows_for(c, key, opt, lo, hi, window_cap, keep):
                    ws, we = c.resources[opt.resource].windows[k]
                    lit = m.new_bool_var(f"x_{key[0]}_{key[1]}_{c.resources[opt.resource].id}_{k}")
                    iv = m.new_optional_interval_var(s, opt.duration, e, lit,
                                                     f"iv_{key[0]}_{key[1]}_{c.resources[opt.resource].id}_{k}")
                    m.add(s >= max(ws, lo)).only_enforce_if(lit)
                    m.add(e <= min(we, hi)).only_enforce_if(lit)
                    per_res.setdefault(opt.resource, []).append(iv)
                    sub.alts[key[0], key[1], opt.resource, k] = (lit, opt)
                    lits.append(lit)
                    by_site.setdefault(c.resources[opt.resource].site, []).append(lit)
            if oi in sub.placed:
                m.add(sum(lits) == sub.placed[oi])
            else:
                m.add_exactly_one(lits)
            sl = {}
            for site, ls in sorted(by_site.items()):
                b = m.new_bool_var(f"site_{key[0]}_{key[1]}_{site}")
                m.add(b == sum(ls))
                sl[site] = b
            site_lits[key] = sl

    # ---- constraints: capacity per resource (fixed intervals from bookings, frozen and other orders)
    lo_all = min((s for s, _ in span.values()), default=0)
    hi_all = max((h for _, h in span.values()), default=0)
    fixed_by_res: dict[int, list[tuple[int, int]]] = {}
    for r in per_res:
        fixed_by_res[r] = [(s, e) for s, e, _ in c.fixed[r] if e > lo_all and s < hi_all]
    for key, (r, _, s, e) in incumbent.items():
        if r in per_res and key not in free_keys and c.steps[key].frozen is None and e > lo_all and s < hi_all:
            fixed_by_res[r].append((s, e))
    for r, ivs in sorted(per_res.items()):
        fixed = [m.new_fixed_size_interval_var(s, e - s, f"fix_{r}_{i}") for i, (s, e) in
                 enumerate(sorted(fixed_by_res[r]))]
        allv = fixed + ivs
        if c.resources[r].units == 1:
            m.add_no_overlap(allv)
        else:
            m.add_cumulative(allv, [1] * len(allv), c.resources[r].units)

    # ---- constraints: precedence with transport, delivery, tardiness
    transport_terms = []
    max_fen = max(max(row) for row in c.travel_fen)
    tard_terms = []
    fixed_end = {k: c.steps[k].frozen[3] for oi in free for k in c.order_steps[oi] if c.steps[k].frozen}
    for oi in free:
        order = p.orders[oi]
        dsite = c.order_delivery_site(oi)
        active = sub.placed.get(oi)
        completion = m.new_int_var(0, p.horizon + 24 * 60 * 7, f"completion_{order.id}")
        for key in c.order_steps[oi]:
            cs = c.steps[key]
            s_var = sub.starts.get(key)
            end_expr = sub.ends.get(key, fixed_end.get(key))
            s_expr = s_var if s_var is not None else cs.frozen[2]
            for pk in cs.preds:
                p_end = sub.ends.get(pk, fixed_end.get(pk))
                both_fixed = s_var is None and pk not in sub.ends
                if not both_fixed:
                    m.add(s_expr >= p_end)
                # exactly one site literal is true per step, so sum_k1 T[k1][k2] * site(p, k1) is the travel time
                # from wherever p runs to site k2: |sites(s)| constraints per edge, no product literals
                move = m.new_int_var(0, max_fen, f"move_{key[0]}_{pk[1]}_{key[1]}")
                transport_terms.append(move)
                for k2, l2 in site_lits[key].items():
                    t_expr = sum(c.travel_min[k1][k2] * (1 if l1 is True else l1) for k1, l1 in site_lits[pk].items())
                    f_expr = sum(c.travel_fen[k1][k2] * (1 if l1 is True else l1) for k1, l1 in site_lits[pk].items())
                    if not both_fixed:
                        ct = m.add(s_expr >= p_end + t_expr)
                        if l2 is not True:
                            ct.only_enforce_if(l2)
                    ct = m.add(move >= f_expr)
                    if l2 is not True:
                        ct.only_enforce_if(l2)
            if not cs.succs:
                m.add(completion >= end_expr + sum(c.travel_min[k][dsite] * (1 if lit is True else lit)
                                                   for k, lit in site_lits[key].items()))
                for k, lit in site_lits[key].items():
                    if lit is not True and c.travel_fen[k][dsite]:
                        sub.objective_terms.append((w.cost * c.travel_fen[k][dsite], lit))
        tard = m.new_int_var(0, p.horizon + 24 * 60 * 7, f"tardiness_{order.id}")
        if active is None:
            m.add(tard >= completion - order.due)
        else:
            m.add(tard >= completion - order.due).only_enforce_if(active)
            # dropping an order costs as if it were late until the end of the horizon, plus its cheapest cost
            sub.objective_terms.append((-w.tardiness * order.weight * p.horizon * 2, active))
            sub.objective_terms.append((w.tardiness * order.weight * p.horizon * 2, 1))
        tard_terms.append((w.tardiness * order.weight, tard))

    # ---- objective: weighted tardiness + costs (processing, lease, transport) + makespan
    for move in transport_terms:
        sub.objective_terms.append((w.cost, move))
    for (lit, opt) in sub.alts.values():
        if opt.cost_fen:
            sub.objective_terms.append((w.cost * opt.cost_fen, lit))
    sub.objective_terms.extend(tard_terms)
    fixed_mk = max((e for k, (_, _, _, e) in incumbent.items() if k not in free_keys), default=0)
    if w.makespan and sub.ends:
        mk = m.new_int_var(0, p.horizon, "makespan")
        m.add_max_equality(mk, list(sub.ends.values()) + [fixed_mk])
        sub.objective_terms.append((w.makespan, mk))
    m.minimize(sum(coef * v for coef, v in sub.objective_terms))

    # ---- hint from the incumbent
    for key in free_keys:
        inc = incumbent.get(key)
        if inc is None:
            continue
        r, _, s, e = inc
        m.add_hint(sub.starts[key], s)
        m.add_hint(sub.ends[key], e)
    for (oid, sid, r, k), (lit, _) in sub.alts.items():
        inc = incumbent.get((oid, sid))
        m.add_hint(lit, bool(inc and inc[0] == r and window_of(c, r, inc[2], inc[3]) == k))
    for oi, lit in sub.placed.items():
        m.add_hint(lit, False)
    return sub


def extract(c: Compiled, sub: SubModel, solver: cp_model.CpSolver) -> dict[StepKey, Placement]:
    """Placements (unit = 0; units are assigned afterwards) of the free steps that the solution places."""
    out: dict[StepKey, Placement] = {}
    for (oid, sid, r, _), (lit, opt) in sub.alts.items():
        if solver.boolean_value(lit):
            key = (oid, sid)
            out[key] = Placement(r, 0, solver.value(sub.starts[key]), solver.value(sub.ends[key]))
    return out
