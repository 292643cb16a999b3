"""When CP-SAT finds nothing within its time limit, solve() returns the (valid) warm start, never an empty plan."""

from matching.cpsat import solve
from matching.generator import generate_cluster
from matching.greedy import dispatch
from matching.validate import validate_plan


def test_no_time_to_improve_still_returns_the_warm_start():
    problem = generate_cluster(orders=10, seed=3)        # small enough for the single (monolithic) model
    greedy = dispatch(problem)
    plan = solve(problem, time_limit_s=0.001, workers=1, seed=1)
    assert plan.solver == "warm start (CP-SAT UNKNOWN)" and plan.status == "FEASIBLE"
    assert validate_plan(problem, plan) == []
    assert len(plan.assignments) == len(greedy.assignments) > 0
    assert plan.objective <= greedy.objective
