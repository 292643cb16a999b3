"""Factories for tiny matching problems (pure data, no app fixtures)."""

from types import SimpleNamespace

import pytest

from matching.model import Machine, ObjectiveWeights, Order, Problem, Site, Step, StepOption, TransportConfig

# two sites ~11.1 km apart along a meridian; transport: 30 km/h -> 23 min + 30 handling = 53 min
SITES = (Site("A", 31.0, 121.0), Site("B", 31.1, 121.0))
TRANSPORT = TransportConfig(speed_kmh=30.0, rate_fen_per_km=100, handling_minutes=30, fixed_fen=1000)


def machine(mid, site="A", process="mill", windows=((0, 10_000),), **kw):
    kw.setdefault("materials", frozenset({"al"}))
    kw.setdefault("max_envelope", (500, 500, 500))
    kw.setdefault("best_tolerance_mm", 0.01)
    kw.setdefault("hourly_rate_fen", 6000)
    return Machine(mid, site, process, idle_windows=tuple(windows), **kw)


def step(sid, process="mill", preds=(), options=None, **kw):
    kw.setdefault("material", "al")
    kw.setdefault("envelope", (100, 100, 100))
    kw.setdefault("tolerance_mm", 0.1)
    if options is not None:
        kw["options"] = tuple(StepOption(r, d, c) for r, d, c in options)
    else:
        kw.setdefault("run_minutes_per_unit", 1.0)
    return Step(sid, process, predecessors=tuple(preds), **kw)


def order(oid, steps, release=0, due=5000, site="A", weight=1):
    return Order(oid, release, due, site, tuple(steps), weight)


def problem(machines, orders, horizon=10_000, **kw):
    kw.setdefault("transport", TRANSPORT)
    kw.setdefault("weights", ObjectiveWeights())
    return Problem(SITES, tuple(machines), tuple(orders), horizon, **kw)


@pytest.fixture
def mk():
    """Factories: mk.machine(id, ...), mk.step(id, ...), mk.order(id, steps, ...), mk.problem(machines, orders, ...)."""
    return SimpleNamespace(machine=machine, step=step, order=order, problem=problem)


@pytest.fixture
def dummy_problem():
    """Two chained orders on a small two-site shop, with a booking; every step has a cheap and a fast machine."""
    from matching.model import Booking

    ms = [
        machine("M1", "A", "mill", hourly_rate_fen=6000),
        machine("M2", "B", "mill", hourly_rate_fen=12000, speed_factor=2.0, units=2),
        machine("T1", "A", "turn", windows=((0, 600), (900, 10_000))),
        machine("T2", "B", "turn", hourly_rate_fen=9000),
    ]
    orders = [
        order("O1", [step("a", "turn", quantity=60), step("b", "mill", ["a"], quantity=60)], due=400, site="B"),
        order("O2", [step("a", "mill", quantity=30), step("b", "turn", ["a"], quantity=90)], release=50, due=900),
        order("O3", [step("a", "mill", quantity=40), step("b", "mill", quantity=40),
                     step("c", "turn", ["a", "b"], quantity=20)], due=3000, weight=2),
    ]
    return problem(ms, orders, bookings=(Booking("M1", 0, 45, "maintenance"),))
