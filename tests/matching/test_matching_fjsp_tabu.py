import pathlib
import random
import time

import pytest

from matching.fjsp import FjspOperation, _best_greedy, greedy_fjsp, parse_fjsp, read_fjsp
from matching.fjsp_tabu import FjspTabu
from matching.validate import validate_fjsp

MK = pathlib.Path("/work/shared/benchmarks/fjsp/brandimarte")


def _ops(sol):
    return [FjspOperation(j, o, m + 1, s, s + d) for j, job in enumerate(sol) for o, (m, s, d) in enumerate(job)]


def _tabu(inst):
    return FjspTabu([[[(m - 1, d) for m, d in op] for op in job] for job in inst.jobs], inst.num_machines)


def _random_instance(rng, jobs=6, machines=4, zero=False):
    lines = [f"{jobs} {machines}"]
    for _ in range(jobs):
        ops = []
        n_ops = rng.randint(1, 5)
        for _ in range(n_ops):
            ms = rng.sample(range(1, machines + 1), rng.randint(1, machines))
            lo = 0 if zero else 1
            ops.append(" ".join([str(len(ms))] + [f"{m} {rng.randint(lo, 9)}" for m in ms]))
        lines.append(f"{n_ops} " + " ".join(ops))
    return parse_fjsp("\n".join(lines) + "\n")


@pytest.mark.parametrize("seed", range(6))
def test_tabu_keeps_valid_schedules_on_random_instances(seed):
    rng = random.Random(seed)
    inst = _random_instance(rng, zero=seed % 2 == 1)  # odd seeds include zero processing times
    sol = greedy_fjsp(inst)
    start_mk = max(s + d for job in sol for (_, s, d) in job)
    best, mk, its = _tabu(inst).search(sol, time.perf_counter() + 30, rng, max_iterations=300, stall_limit=50)
    assert validate_fjsp(inst, _ops(best)) == []
    assert mk == max(s + d for job in best for (_, s, d) in job) <= start_mk
    assert its <= 300


@pytest.mark.skipif(not (MK / "mk01.fjs").exists(), reason="Brandimarte files not available")
def test_tabu_improves_mk01_greedy():
    inst = read_fjsp(str(MK / "mk01.fjs"))
    rng = random.Random(0)
    sol, greedy_mk = _best_greedy(inst, rng, budget_s=0.0)
    best, mk, _ = _tabu(inst).search(sol, time.perf_counter() + 30, rng, max_iterations=400, lower_bound=36)
    assert validate_fjsp(inst, _ops(best)) == []
    assert 36 <= mk < greedy_mk


def test_tabu_round_trip_keeps_the_schedule_semi_active():
    inst = parse_fjsp("2 2\n2 1 1 3 1 2 2\n2 1 2 2 2 1 4 2 3\n")
    ts = _tabu(inst)
    sol = greedy_fjsp(inst)
    again = ts.to_solution(*ts.from_solution(sol))
    assert validate_fjsp(inst, _ops(again)) == []
    assert max(s + d for job in again for (_, s, d) in job) <= max(s + d for job in sol for (_, s, d) in job)


@pytest.mark.skipif(not (MK / "mk01.fjs").exists(), reason="Brandimarte files not available")
def test_solver_with_forked_tabu_workers_returns_a_valid_schedule():
    from matching.fjsp import FjspParams, solve_fjsp

    inst = read_fjsp(str(MK / "mk01.fjs"))
    # a very short CP-SAT phase, so the parallel tabu phase (one forked helper) runs
    res = solve_fjsp(inst, FjspParams(time_limit_s=1.5, workers=2, seed=3, full_share=0.02))
    assert validate_fjsp(inst, res.operations) == []
    assert res.best_bound <= 40 <= res.makespan <= res.greedy_makespan
    assert res.tabu_iterations > 0
