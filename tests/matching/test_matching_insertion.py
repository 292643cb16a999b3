from dataclasses import replace

from matching.generator import generate_cluster
from matching.greedy import dispatch
from matching.insertion import DEFAULT_TIERS, Tier, apply_quote, insert_order
from matching.validate import validate_plan


def _setup():
    full = generate_cluster(orders=61, seed=7, sites=8, machines=30, equipment=2)
    problem = replace(full, orders=full.orders[:60])
    return problem, dispatch(problem), full.orders[60]


def test_insertion_keeps_existing_assignments_and_promise_is_feasible():
    problem, plan, new = _setup()
    res = insert_order(problem, plan, new)
    assert [q.tier for q in res.quotes] == [t.name for t in DEFAULT_TIERS]
    for q in res.quotes:
        assert q.feasible, q.reasons
        assert 0.0 <= q.scarcity <= 1.0
        new_problem, new_plan = apply_quote(problem, plan, new, q)
        assert validate_plan(new_problem, new_plan) == []
        before = set(plan.assignments)
        assert before <= set(new_plan.assignments)  # nobody moved
        assert len(new_plan.assignments) == len(plan.assignments) + len(new.steps)
        promise = new_plan.promise_map()[new.id]
        assert promise.completion == q.completion


def test_tiers_trade_time_for_money():
    problem, plan, new = _setup()
    res = insert_order(problem, plan, new)
    exp, eco = res.quote("expedite"), res.quote("economy")
    assert exp.completion <= eco.completion
    assert eco.cost.total_fen <= exp.cost.total_fen


def test_restricted_tier_without_capable_resource_is_infeasible_with_reason():
    problem, plan, new = _setup()
    res = insert_order(problem, plan, new, (Tier("nobody", "earliest", resource_ids=frozenset({"none"})),))
    (q,) = res.quotes
    assert not q.feasible and q.reasons and q.completion is None
