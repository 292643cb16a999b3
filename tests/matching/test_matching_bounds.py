"""The cost lower bound: reached by the optimal plan where the cheapest machines have room, exceeded where they do
not, and never above any valid plan's cost on generated clusters."""

from __future__ import annotations

from matching.bounds import cost_lower_bound
from matching.cpsat import solve
from matching.generator import generate_cluster
from matching.greedy import dispatch
from matching.validate import validate_plan


def test_the_bound_is_the_cheapest_machine_plus_delivery(mk):
    # cheap mill at B (delivery at A costs the trip), dear mill at A: 500 + trip 1000 + 11.1 km x 100 = 2612 vs 3000
    p = mk.problem([mk.machine("cheapB", site="B"), mk.machine("dearA", site="A")],
                     [mk.order("o1", [mk.step("s1", options=(("cheapB", 60, 500), ("dearA", 60, 3000)))])])
    plan = solve(p, time_limit_s=5.0)
    assert validate_plan(p, plan) == []
    assert cost_lower_bound(p, plan) == plan.cost.total_fen == 500 + plan.cost.transport_fen
    assert plan.cost.transport_fen == 1000 + 1112


def test_full_cheap_machine_puts_the_plan_above_the_bound(mk):
    # the cheap machine has room for one of the two orders before their due dates: the other goes to the dear one
    machines = [mk.machine("cheap", windows=((0, 60),)), mk.machine("dear")]
    orders = [mk.order(f"o{i}", [mk.step("s", options=(("cheap", 60, 500), ("dear", 60, 900)))], due=120)
              for i in (1, 2)]
    p = mk.problem(machines, orders)
    plan = solve(p, time_limit_s=5.0)
    assert validate_plan(p, plan) == [] and not plan.unplaced
    assert cost_lower_bound(p, plan, capacity=False) == 1000 < plan.cost.total_fen == 1400
    # the cheap machine offers 60 minutes: the relaxation sends one order there and one to the dear machine
    assert cost_lower_bound(p, plan) == 1400 == plan.cost.total_fen


def test_no_valid_plan_costs_less_than_the_bound():
    p = generate_cluster(orders=60, seed=7, sites=8, machines=30, equipment=3)
    for plan in (dispatch(p), solve(p, time_limit_s=5.0, workers=2, seed=0)):
        assert validate_plan(p, plan) == []
        cheapest, capacity = cost_lower_bound(p, plan, capacity=False), cost_lower_bound(p, plan)
        assert 0 < cheapest <= capacity <= plan.cost.total_fen, plan.solver
