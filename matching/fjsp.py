"""Flexible job shop (FJSP): reader for the standard ``.fjs`` text format and a makespan solver.

The solver runs in phases, all bounded by one ``time_limit_s``:

1. randomised greedy list scheduling (earliest finish, several priority rules) -> incumbent and tight horizon;
2. a full CP-SAT model (optional interval per alternative, exactly one chosen, job chains, no-overlap per
   machine, a redundant global cumulative over all machines, job-chain and load lower bounds) hinted with
   the incumbent, which also yields the best bound; it runs in a background thread (CP-SAT releases the GIL)
   while the main thread runs the tabu search of ``fjsp_tabu.py`` from the greedy incumbent; then the tabu
   search continues from the best solution, one run per worker (extra runs in forked processes), until
   ``tabu_share`` of the budget;
3. Python-driven LNS loops: relax a random time window, machine subset or job subset; keep the incumbent's machine
   assignment and machine sequences of the other operations as precedences (operations that end before a time
   window are fixed in place); alternate *strict* sub-solves (makespan <= best - 1: a satisfaction problem that
   fails fast) with *plateau* sub-solves (makespan <= best, then minimise the sum of job ends); neighbourhood sizes
   adapt (exhausted -> grow, timed out -> shrink). The incumbent only changes for a lexicographically better
   (makespan, sum of job ends).

Machines are numbered from 1 everywhere in this module's public data, as in the files.
"""

from __future__ import annotations

import multiprocessing
import random
import threading
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .fjsp_tabu import FjspTabu


class FjspFormatError(ValueError):
    """The text is not a well-formed FJSP instance; the message names the line and what was expected."""


@dataclass(frozen=True)
class FjspInstance:
    name: str
    num_jobs: int
    num_machines: int
    # jobs[j][o] = ((machine_1_based, duration), ...) alternatives of operation o of job j
    jobs: tuple[tuple[tuple[tuple[int, int], ...], ...], ...]

    @property
    def num_operations(self) -> int:
        return sum(len(job) for job in self.jobs)


@dataclass(frozen=True)
class FjspOperation:
    job: int  # 0-based job index (line order in the file)
    op: int  # 0-based operation index inside the job
    machine: int  # 1-based machine number, as in the file
    start: int
    end: int


@dataclass(frozen=True)
class FjspResult:
    makespan: int
    best_bound: int
    status: str  # "OPTIMAL" when makespan == best_bound, else "FEASIBLE"
    greedy_makespan: int
    wall_s: float
    operations: tuple[FjspOperation, ...]
    lns_iterations: int = 0
    tabu_iterations: int = 0


# ----------------------------------------------------------------------------------------------- reader


def parse_fjsp(text: str, name: str = "fjsp") -> FjspInstance:
    """Parse FJSP text. Tabs/spaces, blank lines and an optional third header number are accepted.

    Raises:
        FjspFormatError: with the line number and the expected item when the text is malformed.
    """
    tokens: list[tuple[int, str]] = []  # (line number, token) after the header
    header: list[str] | None = None
    header_line = 0
    for lineno, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if header is None:
            header, header_line = parts, lineno
            continue
        tokens.extend((lineno, p) for p in parts)
    if header is None:
        raise FjspFormatError(f"{name}: empty file; expected a header line '<jobs> <machines> [<avg>]'")
    if len(header) not in (2, 3):
        raise FjspFormatError(
            f"{name}: line {header_line}: header must be '<jobs> <machines> [<avg machines per op>]', got {header!r}"
        )
    num_jobs = _int(header[0], name, header_line, "number of jobs")
    num_machines = _int(header[1], name, header_line, "number of machines")
    if len(header) == 3:
        try:
            float(header[2])
        except ValueError:
            raise FjspFormatError(f"{name}: line {header_line}: third header value {header[2]!r} is not a number")
    if num_jobs < 1 or num_machines < 1:
        raise FjspFormatError(f"{name}: line {header_line}: jobs and machines must be >= 1")

    pos = 0

    def take(what: str) -> tuple[int, int]:
        nonlocal pos
        if pos >= len(tokens):
            last = tokens[-1][0] if tokens else header_line
            raise FjspFormatError(f"{name}: unexpected end of file after line {last}: expected {what}")
        lineno, tok = tokens[pos]
        pos += 1
        return _int(tok, name, lineno, what), lineno

    jobs = []
    for j in range(num_jobs):
        n_ops, lineno = take(f"operation count of job {j + 1}")
        if n_ops < 1:
            raise FjspFormatError(f"{name}: line {lineno}: job {j + 1} has {n_ops} operations; expected >= 1")
        ops = []
        for o in range(n_ops):
            k, lineno = take(f"alternative count of job {j + 1} operation {o + 1}")
            if k < 1 or k > num_machines:
                raise FjspFormatError(
                    f"{name}: line {lineno}: job {j + 1} operation {o + 1} has {k} alternatives; "
                    f"expected 1..{num_machines}"
                )
            alts = []
            for _ in range(k):
                m, lineno = take(f"machine number for job {j + 1} operation {o + 1}")
                d, _ = take(f"processing time for job {j + 1} operation {o + 1}")
                if not 1 <= m <= num_machines:
                    raise FjspFormatError(
                        f"{name}: line {lineno}: machine {m} out of range 1..{num_machines} (machines are numbered "
                        f"from 1) in job {j + 1} operation {o + 1}"
                    )
                if d < 0:
                    raise FjspFormatError(f"{name}: line {lineno}: negative processing time {d}")
                alts.append((m, d))
            if len({m for m, _ in alts}) != len(alts):
                raise FjspFormatError(f"{name}: line {lineno}: job {j + 1} operation {o + 1} repeats a machine")
            ops.append(tuple(alts))
        jobs.append(tuple(ops))
    if pos != len(tokens):
        lineno, tok = tokens[pos]
        raise FjspFormatError(
            f"{name}: line {lineno}: unexpected extra data {tok!r} after the {num_jobs} jobs declared in the header"
        )
    return FjspInstance(name=name, num_jobs=num_jobs, num_machines=num_machines, jobs=tuple(jobs))


def read_fjsp(path: str) -> FjspInstance:
    import os

    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    return parse_fjsp(text, name=os.path.splitext(os.path.basename(path))[0])


def _int(tok: str, name: str, lineno: int, what: str) -> int:
    try:
        return int(tok)
    except ValueError:
        raise FjspFormatError(f"{name}: line {lineno}: expected an integer ({what}), got {tok!r}") from None


# ----------------------------------------------------------------------------------------------- greedy


# a solution is a list per job of (machine_index_0_based, start, duration) per operation
_Sol = list[list[tuple[int, int, int]]]


def greedy_fjsp(inst: FjspInstance, rng: random.Random | None = None, rule: int = 0) -> _Sol:
    """Earliest-finish list scheduling. ``rule`` picks the priority among ready operations; ``rng`` adds noise."""
    nj = inst.num_jobs
    mfree = [0] * inst.num_machines
    jready = [0] * nj
    nxt = [0] * nj
    # remaining minimal work per job (most-work-remaining rule)
    rem = [[sum(min(d for _, d in op) for op in job[o:]) for o in range(len(job))] for job in inst.jobs]
    sol: _Sol = [[] for _ in range(nj)]
    left = inst.num_operations
    while left:
        best = None
        for j in range(nj):
            o = nxt[j]
            if o >= len(inst.jobs[j]):
                continue
            for m1, d in inst.jobs[j][o]:
                m = m1 - 1
                s = max(mfree[m], jready[j])
                e = s + d
                if rule == 0:
                    key = (e, -rem[j][o], d)
                elif rule == 1:
                    key = (e - 0.5 * rem[j][o], d, e)
                else:
                    key = (s, d, -rem[j][o])
                if rng is not None:
                    key = (key[0] + rng.random() * 3.0,) + key[1:]
                if best is None or key < best[0]:
                    best = (key, j, m, s, d)
        _, j, m, s, d = best
        sol[j].append((m, s, d))
        mfree[m] = s + d
        jready[j] = s + d
        nxt[j] += 1
        left -= 1
    return sol


def _makespan(sol: _Sol) -> int:
    return max((s + d for job in sol for (_, s, d) in job), default=0)


def _score(sol: _Sol) -> tuple[int, int]:
    return _makespan(sol), sum(job[-1][1] + job[-1][2] for job in sol if job)


def _best_greedy(inst: FjspInstance, rng: random.Random, budget_s: float) -> tuple[_Sol, int]:
    t0 = time.perf_counter()
    best = greedy_fjsp(inst, rule=0)
    runs = 0
    for rule in (1, 2):
        cand = greedy_fjsp(inst, rule=rule)
        if _makespan(cand) < _makespan(best):
            best = cand
    while time.perf_counter() - t0 < budget_s and runs < 400:
        cand = greedy_fjsp(inst, rng=rng, rule=runs % 2)
        runs += 1
        if _makespan(cand) < _makespan(best):
            best = cand
    return best, _makespan(best)


# ----------------------------------------------------------------------------------------------- CP-SAT


def _lower_bound(inst: FjspInstance) -> int:
    chain = max(sum(min(d for _, d in op) for op in job) for job in inst.jobs)
    total_min = sum(min(d for _, d in op) for job in inst.jobs for op in job)
    load = -(-total_min // inst.num_machines)
    # a machine that is the only choice for some operations must process all of them
    forced = [0] * inst.num_machines
    for job in inst.jobs:
        for op in job:
            if len(op) == 1:
                forced[op[0][0] - 1] += op[0][1]
    return max(chain, load, max(forced))


def _build(inst: FjspInstance, horizon: int, incumbent: _Sol, relaxed: set[tuple[int, int]] | None,
           use_cumulative: bool = True, keep_sequences: bool = True, fix_before: int | None = None):
    """Build the model. ``relaxed=None`` -> full model; else ops not in ``relaxed`` keep their incumbent machine
    and their relative order on that machine (start times stay free)."""
    model = cp_model.CpModel()
    # -- variables
    starts, ends, presences = {}, {}, {}
    per_machine: dict[int, list] = {m: [] for m in range(inst.num_machines)}
    master = []
    for j, job in enumerate(inst.jobs):
        for o, alts in enumerate(job):
            dmin = min(d for _, d in alts)
            dmax = max(d for _, d in alts)
            free = relaxed is None or (j, o) in relaxed
            cur_s, cur_d = incumbent[j][o][1], incumbent[j][o][2]
            if not free and fix_before is not None and cur_s + cur_d <= fix_before:
                s = model.new_int_var(cur_s, cur_s, f"s_{j}_{o}")  # settled part of the schedule
                e = model.new_int_var(cur_s + cur_d, cur_s + cur_d, f"e_{j}_{o}")
            else:
                s = model.new_int_var(0, horizon - dmin, f"s_{j}_{o}")
                e = model.new_int_var(dmin, horizon, f"e_{j}_{o}")
            starts[j, o], ends[j, o] = s, e
            cur_m = incumbent[j][o][0]
            options = [(m1 - 1, d) for m1, d in alts if free or m1 - 1 == cur_m]
            if len(options) == 1:
                m, d = options[0]
                model.add(e == s + d)
                iv = model.new_interval_var(s, d, e, f"i_{j}_{o}")
                per_machine[m].append(((j, o), iv))
                if relaxed is None:
                    master.append(iv)
                presences[j, o, m] = None
                continue
            dur = model.new_int_var(dmin, dmax, f"d_{j}_{o}")
            master.append(model.new_interval_var(s, dur, e, f"i_{j}_{o}"))
            lits = []
            for m, d in options:
                lit = model.new_bool_var(f"x_{j}_{o}_{m}")
                iv = model.new_optional_interval_var(s, d, e, lit, f"i_{j}_{o}_{m}")
                per_machine[m].append(((j, o), iv))
                presences[j, o, m] = lit
                lits.append(lit)
            model.add_exactly_one(lits)
            model.add(dur == sum(d * presences[j, o, m] for m, d in options))
    # -- constraints
    for j, job in enumerate(inst.jobs):
        for o in range(1, len(job)):
            model.add(starts[j, o] >= ends[j, o - 1])
    for m, items in per_machine.items():
        if len(items) > 1:
            model.add_no_overlap([iv for _, iv in items])
    if relaxed is None and master and use_cumulative:
        model.add_cumulative(master, [1] * len(master), inst.num_machines)
    if relaxed is not None and keep_sequences:
        # keep machine sequences of the fixed operations as precedences
        seq: dict[int, list[tuple[int, int, int]]] = {}
        for j, job in enumerate(incumbent):
            for o, (m, s, _) in enumerate(job):
                if (j, o) not in relaxed:
                    seq.setdefault(m, []).append((s, j, o))
        for m, lst in seq.items():
            lst.sort()
            for (_, j1, o1), (_, j2, o2) in zip(lst, lst[1:]):
                model.add(starts[j2, o2] >= ends[j1, o1])
    # -- objective
    mk = model.new_int_var(_lower_bound(inst), horizon, "makespan")
    last_ends = [ends[j, len(job) - 1] for j, job in enumerate(inst.jobs)]
    model.add_max_equality(mk, last_ends)
    if relaxed is None:
        model.minimize(mk)
    else:
        # LNS: makespan first, then the sum of job completions, so plateaus of equal makespan still move
        model.minimize(mk * (inst.num_jobs * horizon + 1) + sum(last_ends))
    # -- hint
    for j, job in enumerate(incumbent):
        for o, (m, s, d) in enumerate(job):
            model.add_hint(starts[j, o], s)
            model.add_hint(ends[j, o], s + d)
    for (j, o, m), lit in presences.items():
        if lit is not None:
            model.add_hint(lit, incumbent[j][o][0] == m)
    return model, starts, ends, presences, mk


def _extract(inst, solver, starts, ends, presences) -> _Sol:
    sol: _Sol = []
    chosen = {}
    for (j, o, m), lit in presences.items():
        if lit is None or solver.boolean_value(lit):
            chosen[j, o] = m
    for j, job in enumerate(inst.jobs):
        row = []
        for o in range(len(job)):
            s = solver.value(starts[j, o])
            row.append((chosen[j, o], s, solver.value(ends[j, o]) - s))
        sol.append(row)
    return sol


def _params(time_limit: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    return solver


def _neighbourhood(inst: FjspInstance, sol: _Sol, rng: random.Random, kind: int, size: float) -> set:
    """Operations to relax: kind 0 = a time window, 1 = a machine subset, 2 = a job subset."""
    ops = [(j, o) for j, job in enumerate(sol) for o in range(len(job))]
    mk = _makespan(sol)
    if kind == 0:  # time window
        width = max(1, int(mk * size))
        t = rng.randint(0, max(0, mk - width))
        return {(j, o) for (j, o) in ops if t <= sol[j][o][1] < t + width}, t
    if kind == 1:  # machine subset
        k = max(2, int(round(inst.num_machines * size)))
        ms = set(rng.sample(range(inst.num_machines), min(k, inst.num_machines)))
        return {(j, o) for (j, o) in ops if sol[j][o][0] in ms}, None
    # random jobs
    k = max(2, int(round(inst.num_jobs * size)))
    js = set(rng.sample(range(inst.num_jobs), min(k, inst.num_jobs)))
    return {(j, o) for (j, o) in ops if j in js}, None


def _can_fork() -> bool:
    import multiprocessing as mp

    return "fork" in mp.get_all_start_methods()


def _tabu_child(tabu: FjspTabu, incumbent: _Sol, deadline: float, seed: int, lb: int, send) -> None:
    try:
        send.send(tabu.search(incumbent, deadline, random.Random(seed), lower_bound=lb))
    finally:
        send.close()


@dataclass(frozen=True)
class FjspParams:
    """How `solve_fjsp` spends its time (the defaults are the tuned ones of docs/matching.md)."""

    time_limit_s: float = 20.0
    workers: int = 2
    seed: int = 0
    full_share: float = 0.2             # share of the time for the full model with the greedy hint
    lns_step_s: float = 0.5             # time of one large-neighbourhood step
    lns_workers: int | None = None      # threads per LNS step (default: workers)
    initial_size: float = 0.3           # first share of operations a neighbourhood relaxes
    free_sequences: bool = False        # let every other step reorder the machines' sequences too
    strict_every: int = 2               # every n-th step must improve strictly
    fix_settled: bool = True            # keep operations before the neighbourhood's window fixed
    kinds: tuple[int, ...] = (0, 1, 2)  # neighbourhood kinds, in turn
    tabu_share: float = 0.85            # share of the time the tabu search may run beside the full model
    full_workers: int | None = None     # threads of the full model (default: workers)


def solve_fjsp(inst: FjspInstance, params: FjspParams = FjspParams(), *, trace: list | None = None) -> FjspResult:
    """Minimise the makespan of ``inst`` within ``params.time_limit_s`` seconds on ``params.workers`` threads;
    ``trace`` (a list) receives one row per LNS step."""
    time_limit_s, workers, seed = params.time_limit_s, params.workers, params.seed
    full_share, lns_step_s, lns_workers = params.full_share, params.lns_step_s, params.lns_workers
    initial_size, free_sequences, strict_every = params.initial_size, params.free_sequences, params.strict_every
    fix_settled, kinds, tabu_share, full_workers = params.fix_settled, params.kinds, params.tabu_share, \
        params.full_workers
    t0 = time.perf_counter()
    deadline = t0 + time_limit_s
    rng = random.Random(seed)
    # -- phase 1: greedy
    incumbent, greedy_mk = _best_greedy(inst, rng, budget_s=min(0.5, 0.03 * time_limit_s))
    best_mk = greedy_mk
    lb = _lower_bound(inst)
    # -- phase 2: full model with hint (background thread: CP-SAT releases the GIL) while a tabu search runs
    model, starts, ends, presences, mk = _build(inst, greedy_mk, incumbent, None)
    solver = _params(full_share * time_limit_s - (time.perf_counter() - t0), full_workers or workers, seed)
    box: dict = {}

    def _full() -> None:
        box["status"] = solver.solve(model)

    tabu_iterations = 0
    if tabu_share > 0:
        thread = threading.Thread(target=_full, daemon=True)
        thread.start()
        tabu = FjspTabu([[[(m1 - 1, d) for m1, d in op] for op in job] for job in inst.jobs], inst.num_machines)
        tabu_deadline = deadline - (1.0 - tabu_share) * time_limit_s
        cand, cand_mk, its = tabu.search(incumbent, tabu_deadline, rng, stop=lambda: not thread.is_alive(),
                                         lower_bound=lb)
        tabu_iterations += its
        if cand_mk <= lb:
            solver.stop_search()
        thread.join()
        if cand_mk < best_mk:
            incumbent, best_mk = cand, cand_mk
    else:
        _full()
    status = box["status"]
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        cand = _extract(inst, solver, starts, ends, presences)
        if _makespan(cand) <= best_mk:
            incumbent, best_mk = cand, _makespan(cand)
        lb = max(lb, int(solver.best_objective_bound))
    if status == cp_model.OPTIMAL:
        lb = best_mk
    if tabu_share > 0 and best_mk > lb and time.perf_counter() + 0.2 < tabu_deadline:
        # the CP-SAT phase is over: one tabu search per worker (the others in forked processes), best one wins
        helpers = []
        if workers > 1 and _can_fork():
            ctx = multiprocessing.get_context("fork")
            for h in range(1, workers):
                recv, send = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_tabu_child, daemon=True,
                                   args=(tabu, incumbent, tabu_deadline, seed + 7919 * h, lb, send))
                proc.start()
                send.close()
                helpers.append((proc, recv))
        results = [tabu.search(incumbent, tabu_deadline, rng, lower_bound=lb)]
        for proc, recv in helpers:
            try:
                if recv.poll(max(0.0, tabu_deadline - time.perf_counter()) + 2.0):
                    results.append(recv.recv())
            except (EOFError, OSError):
                pass
            proc.join(0.5)
            if proc.is_alive():
                proc.kill()
                proc.join()
        for cand, cand_mk, its in results:
            tabu_iterations += its
            if cand_mk < best_mk and _makespan(cand) == cand_mk:
                incumbent, best_mk = cand, cand_mk
    # -- phase 3: LNS
    iterations = 0
    size = {0: initial_size, 1: initial_size, 2: initial_size}
    while best_mk > lb and time.perf_counter() + 0.2 < deadline:
        kind = kinds[iterations % len(kinds)]
        relaxed, window_start = _neighbourhood(inst, incumbent, rng, kind, size[kind])
        iterations += 1
        if not relaxed:
            continue
        # strict iterations ask for makespan <= best - 1 (a satisfaction problem that fails fast); the others
        # allow equal makespan and improve the sum of job ends, to move along plateaus
        strict = strict_every > 0 and iterations % strict_every == 0
        cap = best_mk - 1 if strict else best_mk
        model, starts, ends, presences, mk = _build(inst, cap, incumbent, relaxed,
                                                    keep_sequences=(iterations % 2 == 0) or not free_sequences,
                                                    fix_before=window_start if fix_settled else None)
        step = min(lns_step_s, deadline - time.perf_counter())
        solver = _params(step, lns_workers or workers, seed + iterations)
        status = solver.solve(model)
        if status in (cp_model.OPTIMAL, cp_model.INFEASIBLE):
            size[kind] = min(0.8, size[kind] * 1.1)  # neighbourhood exhausted: grow
        else:
            size[kind] = max(0.1, size[kind] * 0.93)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            cand = _extract(inst, solver, starts, ends, presences)
            if _score(cand) <= _score(incumbent):
                incumbent, best_mk = cand, _makespan(cand)
        if trace is not None:
            trace.append((round(time.perf_counter() - t0, 2), kind, round(size[kind], 3), len(relaxed),
                          solver.status_name(status), round(solver.wall_time, 2), best_mk))
    ops = tuple(
        FjspOperation(job=j, op=o, machine=m + 1, start=s, end=s + d)
        for j, job in enumerate(incumbent)
        for o, (m, s, d) in enumerate(job)
    )
    return FjspResult(
        makespan=best_mk,
        best_bound=min(lb, best_mk),
        status="OPTIMAL" if best_mk <= lb else "FEASIBLE",
        greedy_makespan=greedy_mk,
        wall_s=time.perf_counter() - t0,
        operations=ops,
        lns_iterations=iterations,
        tabu_iterations=tabu_iterations,
    )


def greedy_result(inst: FjspInstance) -> tuple[FjspOperation, ...]:
    sol = greedy_fjsp(inst)
    return tuple(
        FjspOperation(job=j, op=o, machine=m + 1, start=s, end=s + d)
        for j, job in enumerate(sol)
        for o, (m, s, d) in enumerate(job)
    )
