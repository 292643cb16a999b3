"""A step's excluded resources (a factory declined it there) are never used, and the validator flags them."""

import dataclasses

from matching.greedy import dispatch
from matching.model import Machine, Order, Problem, Site, Step
from matching.validate import validate_plan


def problem(excluded=frozenset()):
    site = Site("s", 22.8, 113.8)
    machines = tuple(Machine(f"m{i}", "s", "mill", hourly_rate_fen=6000 * i, idle_windows=((0, 10_000),))
                     for i in (1, 2))
    step = Step("a", "mill", quantity=2, run_minutes_per_unit=10, excluded_resources=excluded)
    return Problem(sites=(site,), machines=machines, orders=(Order("o", 0, 1000, "s", (step,)),), horizon=10_000)


def test_excluded_machine_is_avoided_and_flagged():
    assert dispatch(problem()).assignments[0].resource_id == "m1"          # the cheaper machine
    plan = dispatch(problem(frozenset({"m1"})))
    assert plan.assignments[0].resource_id == "m2"
    moved = dataclasses.replace(plan, assignments=(dataclasses.replace(plan.assignments[0], resource_id="m1"),))
    assert any(v.kind == "capability" for v in validate_plan(problem(frozenset({"m1"})), moved))


def test_all_excluded_is_unplaced_with_a_reason():
    plan = dispatch(problem(frozenset({"m1", "m2"})))
    assert plan.assignments == () and plan.unplaced[0].reasons[0].code == "plan.all_declined"
