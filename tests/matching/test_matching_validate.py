"""The validator catches each kind of violation (bad plans are built by editing a valid one)."""

from dataclasses import replace

import pytest

from matching.greedy import dispatch
from matching.model import Booking, FrozenStep
from matching.validate import validate_plan


@pytest.fixture
def shop(mk):
    ms = [mk.machine("M1", "A", "cut", windows=((0, 500), (600, 2000))), mk.machine("M2", "B", "mill", units=2),
          mk.machine("M3", "A", "mill", best_tolerance_mm=0.5)]
    orders = [mk.order("O1", [mk.step("a", "cut", options=[("M1", 60, 10)]),
                              mk.step("b", "mill", ["a"], options=[("M2", 60, 10), ("M3", 90, 5)])], release=10),
              mk.order("O2", [mk.step("a", "mill", quantity=30, tolerance_mm=0.05)], release=0)]
    p = mk.problem(ms, orders, horizon=3000, bookings=(Booking("M2", 0, 1000, "b1"),))
    plan = dispatch(p)
    assert validate_plan(p, plan) == []
    return p, plan


def _edit(plan, order_id, step_id, **changes):
    out = tuple(replace(a, **changes) if (a.order_id, a.step_id) == (order_id, step_id) else a
                for a in plan.assignments)
    return replace(plan, assignments=out)


def _kinds(p, plan):
    return {v.kind for v in validate_plan(p, plan)}


def test_window_and_horizon(shop):
    p, plan = shop
    a = plan.assignment_map()["O1", "a"]
    assert "window" in _kinds(p, _edit(plan, "O1", "a", start=470, end=530))
    assert "horizon" in _kinds(p, _edit(plan, "O1", "a", start=2990, end=3050))
    del a


def test_release(shop):
    p, plan = shop
    assert "release" in _kinds(p, _edit(plan, "O1", "a", start=0, end=60))


def test_precedence_and_transport(shop):
    p, plan = shop
    amap = plan.assignment_map()
    a, b = amap["O1", "a"], amap["O1", "b"]
    assert "precedence" in _kinds(p, _edit(plan, "O1", "b", start=a.end - 10, end=a.end + 50))
    if b.site_id != a.site_id:
        assert "transport" in _kinds(p, _edit(plan, "O1", "b", start=a.end + 5, end=a.end + 65))


def test_transport_gap_on_moved_step(shop, mk):
    p, plan = shop
    a = plan.assignment_map()["O1", "a"]
    bad = _edit(plan, "O1", "b", resource_id="M2", site_id="B", start=a.end + 5, end=a.end + 65, unit=1)
    assert "transport" in _kinds(p, bad)


def test_capacity_units_and_bookings(shop):
    p, plan = shop
    # three intervals on M2 (2 units) at once: booking + O1.b + O2.a
    bad = _edit(plan, "O1", "b", resource_id="M2", site_id="B", start=1500, end=1560, unit=0)
    bad = _edit(bad, "O2", "a", resource_id="M2", site_id="B", start=1500,
                end=1500 + (plan.assignment_map()["O2", "a"].end - plan.assignment_map()["O2", "a"].start), unit=0)
    assert "unit" in _kinds(p, bad)
    on_booking = _edit(plan, "O1", "b", resource_id="M2", site_id="B", start=900, end=960, unit=0)
    p2 = replace(p, bookings=p.bookings + (Booking("M2", 900, 960, "b2"),))
    assert "booking" in _kinds(p2, on_booking)


def test_capability_and_duration(shop):
    p, plan = shop
    o2 = plan.assignment_map()["O2", "a"]
    # M3's best tolerance 0.5 mm cannot hold 0.05 mm
    assert "capability" in _kinds(p, _edit(plan, "O2", "a", resource_id="M3", site_id="A"))
    assert "duration" in _kinds(p, _edit(plan, "O2", "a", end=o2.end + 1))
    assert "capability" in _kinds(p, _edit(plan, "O1", "a", resource_id="M3", site_id="A"))


def test_missing_duplicate_and_unknown(shop):
    p, plan = shop
    assert "missing" in _kinds(p, replace(plan, assignments=plan.assignments[1:]))
    assert "duplicate" in _kinds(p, replace(plan, assignments=plan.assignments + plan.assignments[:1]))
    assert "unknown" in _kinds(p, _edit(plan, "O1", "a", resource_id="NOPE"))


def test_frozen_moved(shop):
    p, plan = shop
    a = plan.assignment_map()["O1", "a"]
    p2 = replace(p, frozen=(FrozenStep("O1", "a", "M1", a.start, a.end),))
    assert "frozen" not in _kinds(p2, plan)
    assert "frozen" in _kinds(p2, _edit(plan, "O1", "a", start=a.start + 100, end=a.end + 100))


def test_promise_too_early(shop):
    p, plan = shop
    bad = replace(plan, promises=tuple(replace(x, completion=0) for x in plan.promises))
    assert "promise" in _kinds(p, bad)
