"""Independent plan validator. It re-derives everything from the raw :class:`Problem` (own distance and duration
arithmetic, own sweep for capacity) and shares no code path with the solvers.

``validate_plan(problem, plan) -> list[Violation]``; an empty list means the plan is valid.
``validate_fjsp(instance, operations) -> list[str]`` does the same for FJSP schedules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Violation:
    kind: str  # unknown | duplicate | capability | duration | window | horizon | release | precedence | transport |
    #            capacity | unit | booking | frozen | missing | promise
    message: str
    order_id: str = ""
    step_id: str = ""


def _km(a, b) -> float:
    # equirectangular-free haversine, written independently of matching.prepare
    rlat1, rlat2 = a.lat * math.pi / 180.0, b.lat * math.pi / 180.0
    h = (math.sin((rlat2 - rlat1) / 2.0) ** 2
         + math.cos(rlat1) * math.cos(rlat2) * math.sin((b.lon - a.lon) * math.pi / 360.0) ** 2)
    return 2.0 * 6371.0088 * math.atan2(math.sqrt(h), math.sqrt(max(0.0, 1.0 - h)))


def _travel_minutes(problem, site_a: str, site_b: str, sites: dict) -> int:
    if site_a == site_b:
        return 0
    km = _km(sites[site_a], sites[site_b])
    t = problem.transport
    return t.handling_minutes + int(math.ceil(km * 60.0 / t.speed_kmh - 1e-7))


def validate_plan(problem, plan) -> list[Violation]:
    out: list[Violation] = []
    sites = {s.id: s for s in problem.sites}
    machines = {m.id: m for m in problem.machines}
    equipment = {e.id: e for e in problem.equipment}
    orders = {o.id: o for o in problem.orders}
    steps = {(o.id, s.id): s for o in problem.orders for s in o.steps}
    frozen = {(f.order_id, f.step_id): f for f in problem.frozen}
    seen: dict[tuple[str, str], object] = {}

    for a in plan.assignments:
        key = (a.order_id, a.step_id)
        if key not in steps:
            out.append(Violation("unknown", f"assignment for unknown step {key}", *key))
            continue
        if key in seen:
            out.append(Violation("duplicate", f"step {key} assigned twice", *key))
            continue
        seen[key] = a
        step, order = steps[key], orders[a.order_id]
        res = machines.get(a.resource_id) or equipment.get(a.resource_id)
        if res is None:
            out.append(Violation("unknown", f"step {key} on unknown resource {a.resource_id!r}", *key))
            continue
        units = getattr(res, "units", 1)
        windows = res.idle_windows if a.resource_id in machines else res.availability
        if a.site_id != res.site_id:
            out.append(Violation("unknown", f"step {key}: site {a.site_id!r} but resource is at {res.site_id!r}", *key))
        if key in frozen:
            f = frozen[key]
            if (f.resource_id, f.start, f.end) != (a.resource_id, a.start, a.end):
                out.append(Violation("frozen", f"frozen step {key} moved to {a.resource_id}@{a.start}-{a.end}", *key))
            continue  # frozen facts are not re-checked against calendars
        if a.resource_id in step.excluded_resources:
            out.append(Violation("capability", f"step {key} on {a.resource_id}, which is excluded for it", *key))
        # capability and duration
        if step.options:
            durs = [o.duration for o in step.options if o.resource_id == a.resource_id]
            if not durs:
                out.append(Violation("capability", f"step {key}: {a.resource_id!r} is not one of its options", *key))
            elif a.end - a.start != durs[0]:
                out.append(Violation("duration", f"step {key}: lasts {a.end - a.start}, option says {durs[0]}", *key))
        else:
            problems = []
            if res.process != step.process:
                problems.append(f"process {res.process!r} != {step.process!r}")
            if step.material and step.material not in res.materials:
                problems.append(f"material {step.material!r} not accepted")
            if any(p > b for p, b in zip(sorted(step.envelope), sorted(res.max_envelope))):
                problems.append(f"envelope {step.envelope} does not fit {res.max_envelope}")
            if res.best_tolerance_mm > step.tolerance_mm + 1e-12:
                problems.append(f"tolerance {step.tolerance_mm} below machine best {res.best_tolerance_mm}")
            if problems:
                out.append(Violation("capability", f"step {key} on {a.resource_id}: " + "; ".join(problems), *key))
            need = res.setup_minutes + max(1, int(math.ceil(step.run_minutes_per_unit * step.quantity
                                                            / res.speed_factor - 1e-9)))
            if a.end - a.start != need:
                out.append(Violation("duration", f"step {key}: lasts {a.end - a.start}, needs {need}", *key))
        if not any(ws <= a.start and a.end <= we for ws, we in windows):
            out.append(Violation("window", f"step {key} [{a.start},{a.end}) not inside one window of "
                                           f"{a.resource_id}", *key))
        if a.end > problem.horizon:
            out.append(Violation("horizon", f"step {key} ends at {a.end} after horizon {problem.horizon}", *key))
        if a.start < order.release:
            out.append(Violation("release", f"step {key} starts {a.start} before release {order.release}", *key))
        if not 0 <= a.unit < units:
            out.append(Violation("unit", f"step {key}: unit {a.unit} out of range 0..{units - 1}", *key))

    # precedence and transport gaps
    for key, a in seen.items():
        step = steps[key]
        for p in step.predecessors:
            pa = seen.get((key[0], p))
            if pa is None:
                out.append(Violation("precedence", f"step {key} placed but predecessor {p!r} is not", *key))
                continue
            gap = _travel_minutes(problem, pa.site_id, a.site_id, sites)
            if a.start < pa.end:
                out.append(Violation("precedence", f"step {key} starts {a.start} before {p!r} ends {pa.end}", *key))
            elif a.start < pa.end + gap:
                out.append(Violation("transport", f"step {key} starts {a.start}, but {p!r} ends {pa.end} at "
                                                  f"{pa.site_id} and transport needs {gap} min", *key))

    # capacity: concurrent intervals per resource <= units (bookings included); per-unit overlaps
    by_res: dict[str, list[tuple[int, int, str, int | None]]] = {}
    for key, a in seen.items():
        by_res.setdefault(a.resource_id, []).append((a.start, a.end, f"step {key}", a.unit))
    for b in problem.bookings:
        by_res.setdefault(b.machine_id, []).append((b.start, b.end, f"booking {b.label or (b.start, b.end)}", None))
    for rid, items in by_res.items():
        res = machines.get(rid) or equipment.get(rid)
        if res is None:
            continue
        cap = getattr(res, "units", 1)
        events = sorted([(s, 1, lbl) for s, e, lbl, _ in items] + [(e, -1, lbl) for s, e, lbl, _ in items],
                        key=lambda x: (x[0], x[1]))
        level, active = 0, set()
        for t, d, lbl in events:
            level += d
            if d > 0:
                active.add(lbl)
                if level > cap:
                    kind = "booking" if any(x.startswith("booking") for x in active) else "capacity"
                    out.append(Violation(kind, f"{rid}: {level} > {cap} units busy at minute {t}: "
                                               f"{sorted(active)[:4]}"))
            else:
                active.discard(lbl)
        per_unit: dict[int, list[tuple[int, int, str]]] = {}
        for s, e, lbl, u in items:
            if u is not None:
                per_unit.setdefault(u, []).append((s, e, lbl))
        for u, lst in per_unit.items():
            lst.sort()
            for (s1, e1, l1), (s2, e2, l2) in zip(lst, lst[1:]):
                if s2 < e1:
                    out.append(Violation("unit", f"{rid} unit {u}: {l1} and {l2} overlap"))

    # every step is either assigned or reported unplaced; frozen steps are kept
    unplaced = {(u.order_id, u.step_id) for u in plan.unplaced}
    for key in steps:
        if key not in seen and key not in unplaced:
            out.append(Violation("missing", f"step {key} neither assigned nor reported unplaced", *key))
        if key in frozen and key not in seen:
            out.append(Violation("frozen", f"frozen step {key} missing from the plan", *key))
        if key in unplaced:
            u = next(x for x in plan.unplaced if (x.order_id, x.step_id) == key)
            if not u.reasons:
                out.append(Violation("missing", f"unplaced step {key} has no reason", *key))

    # promises: completion >= end of sink steps + transport to delivery site
    for pr in plan.promises:
        order = orders.get(pr.order_id)
        if order is None:
            out.append(Violation("promise", f"promise for unknown order {pr.order_id!r}"))
            continue
        succ = {p for s in order.steps for p in s.predecessors}
        for s in order.steps:
            a = seen.get((order.id, s.id))
            if a is None:
                out.append(Violation("promise", f"order {order.id} promised but step {s.id} unplaced", order.id, s.id))
                continue
            if s.id not in succ:
                need = a.end + _travel_minutes(problem, a.site_id, order.delivery_site_id, sites)
                if pr.completion < need:
                    out.append(Violation("promise", f"order {order.id} promised {pr.completion} < {need}", order.id))
    return out


def validate_fjsp(instance, operations) -> list[str]:
    """Check an FJSP schedule: every operation once, allowed machine and duration, job order, machine overlap."""
    out: list[str] = []
    seen = {}
    for op in operations:
        k = (op.job, op.op)
        if k in seen:
            out.append(f"job {op.job} op {op.op} scheduled twice")
        seen[k] = op
    for j, job in enumerate(instance.jobs):
        prev_end = 0
        for o, alts in enumerate(job):
            op = seen.get((j, o))
            if op is None:
                out.append(f"job {j} op {o} missing")
                continue
            allowed = dict(alts)
            if op.machine not in allowed:
                out.append(f"job {j} op {o} on machine {op.machine}, allowed {sorted(allowed)}")
            elif op.end - op.start != allowed[op.machine]:
                out.append(f"job {j} op {o} lasts {op.end - op.start}, needs {allowed[op.machine]}")
            if op.start < prev_end:
                out.append(f"job {j} op {o} starts {op.start} before previous op ends {prev_end}")
            if op.start < 0:
                out.append(f"job {j} op {o} starts before 0")
            prev_end = op.end
    by_m: dict[int, list] = {}
    for op in operations:
        by_m.setdefault(op.machine, []).append((op.start, op.end, op.job, op.op))
    for m, lst in by_m.items():
        lst.sort()
        for a, b in zip(lst, lst[1:]):
            if b[0] < a[1]:
                out.append(f"machine {m}: job {a[2]} op {a[3]} overlaps job {b[2]} op {b[3]}")
    return out
