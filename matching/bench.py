"""Benchmarks.

    python -m matching.bench fjsp FILE... [--time-limit 20] [--workers 2] [--seed 0] [--out DIR]
    python -m matching.bench cluster [--orders 1000] [--seed 1] [--time-limit 60] [--workers 2] [--quotes 100]

Every schedule is re-checked by :mod:`matching.validate`; the last line is a single ``key=value`` summary.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import sys
import time
from types import SimpleNamespace

from matching.bounds import cost_lower_bound
from matching.cpsat import solve
from matching.fjsp import FjspOperation, FjspParams, read_fjsp, solve_fjsp
from matching.generator import generate_cluster
from matching.greedy import dispatch
from matching.insertion import insert_order
from matching.validate import validate_fjsp, validate_plan


def _bounds_for(path: str) -> dict[str, int]:
    f = os.path.join(os.path.dirname(os.path.abspath(path)), "BOUNDS.tsv")
    if not os.path.exists(f):
        return {}
    with open(f, encoding="utf-8") as fh:
        return {row["instance"]: int(row["best_known_upper_bound"]) for row in csv.DictReader(fh, delimiter="\t")}


def _schedule_json(inst, res) -> dict:
    jobs = []
    for j, job in enumerate(inst.jobs):
        ops = sorted((o for o in res.operations if o.job == j), key=lambda o: o.op)
        jobs.append({"job": j + 1, "operations": [
            {"operation": o.op + 1, "machine": o.machine, "start": o.start, "end": o.end} for o in ops]})
    return {"instance": inst.name, "makespan": res.makespan, "best_bound": res.best_bound, "jobs": jobs}


def _ops_from_json(data: dict) -> list:

    return [FjspOperation(job=j["job"] - 1, op=o["operation"] - 1, machine=o["machine"], start=o["start"],
                          end=o["end"]) for j in data["jobs"] for o in j["operations"]]


def run_fjsp(args) -> int:

    gaps, bgaps, walls, bad = [], [], [], 0
    print(f"{'instance':10} {'ops':>4} {'greedy':>6} {'makespan':>8} {'bound':>6} {'best_ub':>7} {'gap_%':>6} "
          f"{'wall_s':>6} {'valid':>5}")
    for path in args.files:
        inst = read_fjsp(path)
        res = solve_fjsp(inst, FjspParams(time_limit_s=args.time_limit, workers=args.workers, seed=args.seed))
        violations = validate_fjsp(inst, res.operations)
        if args.out:
            os.makedirs(args.out, exist_ok=True)
            out = os.path.join(args.out, f"{inst.name}.json")
            with open(out, "w", encoding="utf-8") as fh:
                json.dump(_schedule_json(inst, res), fh, indent=1)
            with open(out, encoding="utf-8") as fh:  # re-check what was written
                violations += validate_fjsp(inst, _ops_from_json(json.load(fh)))
        bad += bool(violations)
        ub = _bounds_for(path).get(inst.name)
        gap = None if ub is None else 100.0 * (res.makespan - ub) / ub
        if gap is not None:
            gaps.append(gap)
        walls.append(res.wall_s)
        print(f"{inst.name:10} {inst.num_operations:>4} {res.greedy_makespan:>6} {res.makespan:>8} "
              f"{res.best_bound:>6} {ub if ub is not None else '-':>7} "
              f"{'-' if gap is None else f'{gap:.2f}':>6} {res.wall_s:>6.1f} {'yes' if not violations else 'NO':>5}",
              flush=True)
        for v in violations[:5]:
            print(f"  violation: {v}")
    mean_gap = statistics.mean(gaps) if gaps else float("nan")
    del bgaps
    print(f"instances={len(args.files)} mean_gap_pct={mean_gap:.2f} max_gap_pct={max(gaps, default=float('nan')):.2f} "
          f"invalid={bad} time_limit_s={args.time_limit} workers={args.workers} total_wall_s={sum(walls):.1f}")
    return 1 if bad else 0


def run_cluster(args) -> int:
    from dataclasses import replace


    full = generate_cluster(orders=args.orders + args.quotes, seed=args.seed)
    problem = replace(full, orders=full.orders[: args.orders])
    quotes = full.orders[args.orders:]
    n_steps = sum(len(o.steps) for o in problem.orders)
    print(f"cluster: {args.orders} orders, {n_steps} steps, {len(problem.machines)} machines, "
          f"{len(problem.sites)} sites, {len(problem.equipment)} leasable, {len(problem.bookings)} bookings")
    t = time.perf_counter()
    greedy = dispatch(problem)
    greedy_s = time.perf_counter() - t
    gv = validate_plan(problem, greedy)
    t = time.perf_counter()
    plan = solve(problem, time_limit_s=args.time_limit, workers=args.workers, seed=args.seed)
    wall = time.perf_counter() - t
    violations = validate_plan(problem, plan)
    for name, p, v, w in (("greedy", greedy, gv, greedy_s), ("cpsat", plan, violations, wall)):
        late = sum(1 for x in p.promises if x.tardiness > 0)
        print(f"{name:7} objective={p.objective} weighted_tardiness={p.weighted_tardiness} late_orders={late} "
              f"cost_fen={p.cost.total_fen} (processing={p.cost.processing_fen} transport={p.cost.transport_fen} "
              f"lease={p.cost.lease_fen}) makespan={p.makespan} unplaced_steps={len(p.unplaced)} "
              f"violations={len(v)} wall_s={w:.2f} [{p.solver}]")
    for v in violations[:5]:
        print(f"  violation: {v}")
    times = []
    for o in quotes:
        t = time.perf_counter()
        res = insert_order(problem, plan, o)
        times.append((time.perf_counter() - t) * 1000.0)
        del res
    times.sort()
    p95 = times[max(0, int(round(0.95 * len(times))) - 1)] if times else float("nan")
    p50 = times[len(times) // 2] if times else float("nan")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    ratio = plan.objective / greedy.objective if greedy.objective else float("nan")
    cost_ratio = plan.cost.total_fen / greedy.cost.total_fen if greedy.cost.total_fen else float("nan")
    feasible = int(not violations and plan.status in ("OPTIMAL", "FEASIBLE"))
    t = time.perf_counter()
    bound = cost_lower_bound(problem, plan)
    bound_s = time.perf_counter() - t
    cheapest = cost_lower_bound(problem, plan, capacity=False)
    vs_bound = plan.cost.total_fen / bound if bound else float("nan")
    greedy_bound = cost_lower_bound(problem, greedy)
    tardiness_vs_greedy = (plan.weighted_tardiness / greedy.weighted_tardiness if greedy.weighted_tardiness
                           else float("nan") if plan.weighted_tardiness else 1.0)
    print(f"cost lower bound: {bound} fen for the {len(plan.assignments)} placed steps (capacity LP, {bound_s:.1f} s; "
          f"cheapest eligible resource alone: {cheapest}); greedy "
          f"{greedy.cost.total_fen / greedy_bound if greedy_bound else 0:.4f}x its bound")
    print(f"quotes: {len(times)} insertions, p50={p50:.1f} ms, p95={p95:.1f} ms")
    print(f"feasible={feasible} orders={args.orders} cost_ratio_vs_greedy={ratio:.4f} money_ratio_vs_greedy="
          f"{cost_ratio:.4f} weighted_tardiness={plan.weighted_tardiness} greedy_weighted_tardiness="
          f"{greedy.weighted_tardiness} unplaced_steps={len(plan.unplaced)} wall_s={wall:.1f} peak_mb={peak_mb:.0f} "
          f"insert_p50_ms={p50:.1f} insert_p95_ms={p95:.1f} cost_lower_bound_fen={bound} "
          f"cost_vs_lower_bound={vs_bound:.4f} weighted_tardiness_vs_greedy={tardiness_vs_greedy:.4f} "
          f"seed={args.seed} workers={args.workers}")
    return 0 if feasible else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m matching.bench")
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fjsp", help="FJSP makespan benchmark on .fjs files")
    f.add_argument("files", nargs="+")
    f.add_argument("--time-limit", type=float, default=20.0)
    f.add_argument("--workers", type=int, default=2)
    f.add_argument("--seed", type=int, default=0)
    f.add_argument("--out", default=None)
    c = sub.add_parser("cluster", help="generated shared-manufacturing cluster")
    c.add_argument("--orders", type=int, default=1000)
    c.add_argument("--seed", type=int, default=1)
    c.add_argument("--time-limit", type=float, default=60.0)
    c.add_argument("--workers", type=int, default=2)
    c.add_argument("--quotes", type=int, default=100)
    args = ap.parse_args(argv)
    return run_fjsp(args) if args.cmd == "fjsp" else run_cluster(SimpleNamespace(**vars(args)))


if __name__ == "__main__":
    sys.exit(main())
