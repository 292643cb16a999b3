from dataclasses import replace

import pytest

from matching.cpsat import solve
from matching.generator import generate_cluster
from matching.greedy import dispatch
from matching.model import Booking, Equipment, FrozenStep
from matching.validate import validate_plan

FAST = dict(time_limit_s=10.0, workers=2, seed=0)


def _solve_ok(p, **kw):
    plan = solve(p, **{**FAST, **kw})
    assert validate_plan(p, plan) == []
    return plan


def test_cheapest_machine_is_optimal_when_due_allows(mk):
    # explicit options: M1 slow and cheap, M2 fast and expensive; due is loose
    p = mk.problem([mk.machine("M1"), mk.machine("M2")],
                [mk.order("O1", [mk.step("a", options=[("M1", 60, 100), ("M2", 30, 300)])], due=1000)])
    plan = _solve_ok(p)
    assert plan.status == "OPTIMAL"
    (a,) = plan.assignments
    assert (a.resource_id, a.start, a.end) == ("M1", 0, 60)
    assert plan.cost.processing_fen == 100
    assert plan.objective == plan.best_bound == 100 * 100 + 60  # cost weight 100, makespan weight 1


def test_tardiness_dominates_cost(mk):
    p = mk.problem([mk.machine("M1"), mk.machine("M2")],
                [mk.order("O1", [mk.step("a", options=[("M1", 60, 100), ("M2", 30, 300)])], due=30)])
    plan = _solve_ok(p)
    assert plan.status == "OPTIMAL"
    assert plan.assignments[0].resource_id == "M2"
    assert plan.weighted_tardiness == 0


def test_transport_gap_between_sites_and_delivery(mk):
    p = mk.problem([mk.machine("M1", "A", "cut"), mk.machine("M2", "B", "mill")],
                [mk.order("O1", [mk.step("a", "cut", options=[("M1", 60, 10)]),
                              mk.step("b", "mill", ["a"], options=[("M2", 60, 10)])], due=5000, site="A")])
    plan = _solve_ok(p)
    assert plan.status == "OPTIMAL"
    a, b = sorted(plan.assignments, key=lambda x: x.step_id)
    assert a.end == 60 and b.start == 60 + 53  # 11.1 km at 30 km/h = 23 min + 30 min handling
    assert plan.promises[0].completion == b.end + 53
    assert plan.cost.transport_fen == 2 * (1000 + 1112)


def test_idle_windows_no_splitting(mk):
    p = mk.problem([mk.machine("M1", windows=((100, 160), (200, 400)))],
                [mk.order("O1", [mk.step("a", options=[("M1", 80, 10)])])])
    plan = _solve_ok(p)
    assert plan.status == "OPTIMAL"
    assert (plan.assignments[0].start, plan.assignments[0].end) == (200, 280)
    assert dispatch(p).assignments[0].start == 200


def test_units_capacity_makespan(mk):
    p = mk.problem([mk.machine("M1", units=2)],
                [mk.order(f"O{i}", [mk.step("a", options=[("M1", 60, 10)])]) for i in range(3)])
    plan = _solve_ok(p)
    assert plan.status == "OPTIMAL"
    assert plan.makespan == 120
    assert {a.unit for a in plan.assignments} == {0, 1}


def test_booking_and_release_respected(mk):
    p = mk.problem([mk.machine("M1")], [mk.order("O1", [mk.step("a", options=[("M1", 30, 10)])], release=20)],
                bookings=(Booking("M1", 0, 50, "ext"),))
    plan = _solve_ok(p)
    assert plan.assignments[0].start == 50


def test_frozen_step_kept_and_successor_after_it(mk):
    p = mk.problem([mk.machine("M1"), mk.machine("M2")],
                [mk.order("O1", [mk.step("a", options=[("M1", 60, 10)]), mk.step("b", preds=["a"],
                                                                       options=[("M1", 30, 10), ("M2", 30, 50)])])],
                frozen=(FrozenStep("O1", "a", "M1", 500, 560),))
    plan = _solve_ok(p)
    amap = plan.assignment_map()
    assert (amap["O1", "a"].start, amap["O1", "a"].frozen) == (500, True)
    assert amap["O1", "b"].start >= 560


def test_derived_durations_and_eligibility(dummy_problem):
    plan = _solve_ok(dummy_problem)
    assert plan.status in ("OPTIMAL", "FEASIBLE")
    assert not plan.unplaced
    assert validate_plan(dummy_problem, dispatch(dummy_problem)) == []
    assert plan.objective <= dispatch(dummy_problem).objective


@pytest.mark.parametrize(
    "st, reason",
    [
        (dict(process="weld"), ("plan.no_process", {"process": "weld"})),
        (dict(material="ti"), ("plan.no_material", {"process": "mill", "material": "ti"})),
        (dict(envelope=(900, 10, 10)), ("plan.envelope", {"process": "mill", "envelope": "900×10×10"})),
        (dict(tolerance_mm=0.001), ("plan.tolerance", {"process": "mill", "tolerance": 0.001})),
        (dict(run_minutes_per_unit=500.0), ("plan.no_window", {"minutes": 500, "release": 0, "horizon": 10000})),
    ],
)
def test_unplaceable_steps_come_back_with_reasons(mk, st, reason):
    st = mk.step("a", **st)
    p = mk.problem([mk.machine("M1", windows=((0, 300),))], [mk.order("BAD", [st, mk.step("b", preds=["a"])]),
                                                       mk.order("OK", [mk.step("a")])])
    for plan in (_solve_ok(p), dispatch(p)):
        un = {(u.order_id, u.step_id): u.reasons for u in plan.unplaced}
        first = un["BAD", "a"][0]
        assert (first.code, first.params) == reason
        assert un["BAD", "b"][0].code == "plan.order_blocked"
        assert ("OK", "a") in plan.assignment_map()
        assert validate_plan(p, plan) == []


def test_capacity_shortage_drops_an_order_with_reason(mk):
    orders = [mk.order(f"O{i}", [mk.step("a", options=[("M1", 60, 10)])]) for i in (1, 2)]
    p = mk.problem([mk.machine("M1", windows=((0, 60),))], orders)
    for plan in (_solve_ok(p), dispatch(p)):
        assert len(plan.assignments) == 1 and len(plan.unplaced) == 1
        assert plan.unplaced[0].reasons


def test_leased_equipment_costs_lease_per_step_day(mk):
    eq = Equipment("E1", "A", "mill", daily_lease_fen=10_000, materials=frozenset({"al"}), max_envelope=(900,) * 3,
                   best_tolerance_mm=0.001, hourly_rate_fen=600, availability=((0, 10_000),))
    orders = [mk.order("O1", [mk.step("a", tolerance_mm=0.01, quantity=10)])]
    p = mk.problem([mk.machine("M1", best_tolerance_mm=0.05)], orders, equipment=(eq,))
    plan = _solve_ok(p)
    assert plan.assignments[0].resource_id == "E1"
    assert plan.cost.lease_fen == 10_000 and plan.assignments[0].lease_fen == 10_000


def test_previous_plan_warm_start_and_lns_path():
    p = generate_cluster(orders=40, seed=3, sites=8, machines=30, equipment=2)
    first = solve(p, time_limit_s=4.0, workers=2, seed=1, monolithic_max_steps=0, lns_orders=8, lns_step_s=0.5)
    assert validate_plan(p, first) == []
    assert first.objective <= dispatch(p).objective
    again = solve(p, time_limit_s=3.0, workers=2, seed=2, previous_plan=first, monolithic_max_steps=0,
                  lns_orders=8, lns_step_s=0.5)
    assert validate_plan(p, again) == []
    assert again.objective <= first.objective


def test_greedy_validates_on_generated_cluster():
    p = generate_cluster(orders=120, seed=5, sites=10, machines=40, equipment=3)
    plan = dispatch(p)
    assert plan.status == "GREEDY"
    assert validate_plan(p, plan) == []
    assert len(plan.assignments) + len(plan.unplaced) == sum(len(o.steps) for o in p.orders)


def test_previous_plan_from_other_problem_is_repaired():
    p = generate_cluster(orders=10, seed=4, sites=4, machines=12, equipment=1)
    plan = dispatch(p)
    shifted = replace(p, orders=tuple(replace(o, release=o.release + 600, due=o.due + 600) for o in p.orders))
    again = solve(shifted, time_limit_s=3.0, previous_plan=plan)
    assert validate_plan(shifted, again) == []


def test_frozen_steps_kept_in_lns_path():
    from matching.model import FrozenStep

    p = generate_cluster(orders=40, seed=8, sites=8, machines=30, equipment=2)
    base = dispatch(p)
    frozen = tuple(FrozenStep(a.order_id, a.step_id, a.resource_id, a.start, a.end, a.unit)
                   for a in sorted(base.assignments, key=lambda a: a.start)[:12])
    p2 = replace(p, frozen=frozen)
    plan = solve(p2, time_limit_s=3.0, workers=2, seed=3, monolithic_max_steps=0, lns_orders=8, lns_step_s=0.5)
    assert validate_plan(p2, plan) == []
    amap = plan.assignment_map()
    for f in frozen:
        a = amap[f.order_id, f.step_id]
        assert (a.resource_id, a.start, a.end, a.frozen) == (f.resource_id, f.start, f.end, True)
