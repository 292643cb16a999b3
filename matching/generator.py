"""Seeded generator of realistic shared-manufacturing cluster instances.

One town ~20 km across, ``sites`` factories, ``machines`` machines of 6 processes with weekly idle windows (weekday
nights, weekends, some weekday afternoons), existing bookings inside those windows, a few leasable machines, and
orders of ~4 steps (chains, some with two parallel first steps) with due dates of varying tightness.
"""

from __future__ import annotations

import math
import random

from .model import Booking, Equipment, Machine, ObjectiveWeights, Order, Problem, Site, Step, TransportConfig

DAY = 1440
WEEK = 7 * DAY

PROCESSES = ("laser_cutting", "sheet_bending", "welding", "cnc_milling", "cnc_turning", "surface_finish")
ROUTES = (
    ("laser_cutting", "sheet_bending", "welding", "surface_finish"),
    ("cnc_turning", "cnc_milling", "cnc_milling", "surface_finish"),
    ("laser_cutting", "cnc_milling", "welding", "surface_finish"),
    ("cnc_milling", "cnc_turning", "welding", "surface_finish"),
)
MATERIALS = ("al6061", "q235", "ss304", "brass")
TOLERANCES = (0.01, 0.02, 0.05, 0.1)


def _windows(rng: random.Random, horizon: int) -> tuple[tuple[int, int], ...]:
    """Weekly pattern: weekday nights 20:00-08:00, the weekend, some afternoons 13:00-18:00; merged."""
    raw = []
    night_start = rng.choice((18, 19, 20, 21)) * 60
    night_end = rng.choice((6, 7, 8)) * 60
    afternoon = rng.random() < 0.5
    for day in range(horizon // DAY + 1):
        base = day * DAY
        weekday = day % 7  # epoch is a Monday 00:00
        if weekday >= 5:
            raw.append((base, base + DAY))
            continue
        raw.append((base, base + night_end))
        raw.append((base + night_start, base + DAY))
        if afternoon and rng.random() < 0.6:
            raw.append((base + 13 * 60, base + 18 * 60))
    raw.sort()
    merged: list[list[int]] = []
    for s, e in raw:
        e = min(e, horizon)
        if s >= e:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return tuple((s, e) for s, e in merged)


def generate_cluster(
    orders: int = 1000,
    seed: int = 1,
    sites: int = 40,
    machines: int = 200,
    equipment: int = 10,
    horizon_days: int = 21,
) -> Problem:
    rng = random.Random(seed)
    horizon = horizon_days * DAY
    lat0, lon0 = 31.23, 121.47
    km_lat = 1 / 110.574
    km_lon = 1 / (111.320 * math.cos(math.radians(lat0)))
    site_objs = tuple(
        Site(f"S{i:02d}", round(lat0 + rng.uniform(-10, 10) * km_lat, 6),
             round(lon0 + rng.uniform(-10, 10) * km_lon, 6))
        for i in range(sites)
    )
    mach = []
    weights = (0.18, 0.14, 0.14, 0.22, 0.14, 0.18)
    for i in range(machines):
        proc = PROCESSES[i % len(PROCESSES)] if i < 2 * len(PROCESSES) else rng.choices(PROCESSES, weights)[0]
        big = rng.random() < 0.4
        env = (rng.choice((600, 1000, 1500, 2500)) if big else rng.choice((300, 500, 800)),) * 2 + (
            rng.choice((300, 500, 800)),)
        mats = frozenset(m for m in MATERIALS if rng.random() < 0.7) or frozenset({MATERIALS[i % 4]})
        tol = rng.choice((0.005, 0.01, 0.02, 0.05))
        fast = rng.uniform(0.7, 1.6)
        rate = int(rng.uniform(60, 320) * 100 * (0.6 + 0.4 * fast))  # faster machines tend to cost more
        mach.append(Machine(
            id=f"M{i:03d}", site_id=site_objs[rng.randrange(sites)].id, process=proc,
            units=rng.choices((1, 2, 3), (0.75, 0.18, 0.07))[0], materials=mats, max_envelope=env,
            best_tolerance_mm=tol, hourly_rate_fen=rate, setup_minutes=rng.choice((10, 15, 20, 30, 45)),
            speed_factor=round(fast, 2), idle_windows=_windows(rng, horizon),
        ))
    bookings = []
    for m in mach:
        for _ in range(rng.randint(1, 4)):
            ws, we = rng.choice(m.idle_windows)
            length = rng.randint(120, 480)
            if we - ws <= length:
                continue
            s = rng.randint(ws, we - length)
            if all(s + length <= b.start or s >= b.end for b in bookings if b.machine_id == m.id):
                bookings.append(Booking(m.id, s, s + length, f"ext-{m.id}-{s}"))
    equip = tuple(
        Equipment(
            id=f"E{i:02d}", site_id=site_objs[rng.randrange(sites)].id, process=rng.choice(PROCESSES),
            daily_lease_fen=rng.randint(200, 800) * 100, materials=frozenset(MATERIALS), max_envelope=(2500, 2500, 800),
            best_tolerance_mm=0.01, hourly_rate_fen=rng.randint(20, 60) * 100, setup_minutes=30, speed_factor=1.2,
            availability=((rng.randint(0, 3) * DAY, horizon),),
        )
        for i in range(equipment)
    )
    order_objs = []
    for k in range(orders):
        route = rng.choice(ROUTES)
        mat = rng.choice(MATERIALS)
        qty = rng.choice((5, 10, 20, 50, 100, 200))
        env = (rng.choice((100, 200, 400, 700)), rng.choice((100, 200, 400)), rng.choice((50, 100, 250)))
        steps = []
        parallel = rng.random() < 0.2
        work = 0.0
        for n, proc in enumerate(route):
            per_unit = rng.uniform(0.5, 6.0) * (60 / qty) ** 0.5  # bigger batches: less time per unit
            preds: tuple[str, ...] = ()
            if n == 1 and not parallel:
                preds = ("s0",)
            elif n == 2:
                preds = ("s0", "s1") if parallel else ("s1",)
            elif n == 3:
                preds = ("s2",)
            tol = rng.choice(TOLERANCES) if proc != "surface_finish" else 0.1
            steps.append(Step(id=f"s{n}", process=proc, quantity=qty, material=mat, envelope=env, tolerance_mm=tol,
                              run_minutes_per_unit=round(per_unit, 3), predecessors=preds))
            work += 30 + per_unit * qty
        release = rng.randint(0, 7 * DAY)
        tight = rng.choices((1.2, 2.0, 4.0, 8.0), (0.15, 0.35, 0.35, 0.15))[0]
        due = release + int(work * tight) + DAY // 2
        order_objs.append(Order(id=f"O{k:04d}", release=release, due=due,
                                delivery_site_id=site_objs[rng.randrange(sites)].id, steps=tuple(steps),
                                weight=rng.choices((1, 2, 5), (0.7, 0.2, 0.1))[0]))
    return Problem(
        sites=site_objs, machines=tuple(mach), orders=tuple(order_objs), horizon=horizon, equipment=equip,
        bookings=tuple(bookings), transport=TransportConfig(speed_kmh=30.0, rate_fen_per_km=400, handling_minutes=30,
                                                            fixed_fen=3000),
        weights=ObjectiveWeights(),
    )
