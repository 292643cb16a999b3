"""A small hand-checked world for the dashboard (Asia/Shanghai, UTC+8, no daylight saving).

Range used by the tests: Monday 2026-11-23 .. Sunday 2026-11-29 (local days).

North site
  Mill A   cnc_mill_3ax, 2 units, idle Sun and Mon 20:00-06:00 (crossing midnight)
           per unit in range: Mon 6 h (from Sunday's window) + 4 h, Tue 6 h, Sun 4 h = 20 h; x 2 units = 40 h
           bookings: Sun 22:00-Mon 02:00 (crosses the range start: 2 h count), Mon 21:00-Tue 01:00 (4 h),
                     Sun 29 23:00-Mon 30 03:00 (crosses the range end: 1 h counts), Tue 10:00-12:00 (outside: 0 h)
           booked 7 h inside, 2 h outside -> 7 / 40 = 17.5 %
  Anodise B  anodise, 1 unit, idle every day 08:00-12:00 = 28 h, blackout Wed 09:00-10:00 (-1 h), one-off open
           Sat 14:00-16:00 (+2 h) = 29 h; bookings Wed 08:00-11:00 (2 h inside, 1 h in the blackout) and
           Thu 08:00-12:00 (4 h): booked 6 h -> 6 / 29
South site
  Mill C   cnc_mill_3ax, 1 unit, idle Fri 08:00-18:00 = 10 h, no bookings
North: 13 / 69; South: 0 / 10; cnc_mill_3ax: 7 / 50; anodise 6 / 29; whole cluster 13 / 79.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

TZ = ZoneInfo("Asia/Shanghai")
FIRST, LAST = date(2026, 11, 23), date(2026, 11, 29)
RANGE = {"start": FIRST.isoformat(), "end": LAST.isoformat()}


def local(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


@dataclass
class World:
    cluster: object
    operator: object
    factory_user: object
    buyer_user: object
    north: object
    south: object
    mill_a: object
    anodise_b: object
    mill_c: object
    buyer: object
    lessor: object


def window(db, machine, weekday, start, end):
    from capacity.models import WeeklyWindow

    db.session.add(WeeklyWindow(machine=machine, weekday=weekday, start_minute=start * 60, end_minute=end * 60))


def booking(db, machine, starts, ends, unit=0, status="planned"):
    from marketplace.orders.models import Booking

    b = Booking(machine=machine, unit=unit, starts_at=starts, ends_at=ends, status=status)
    db.session.add(b)
    return b


@pytest.fixture
def world(db, dummy_cluster, create_firm, create_user, create_factory, create_machine, create_equipment) -> World:
    from capacity.models import CalendarException

    operator_firm = create_firm("operator", name="Chang'an Programme Office")
    factory_firm = create_firm("factory", name="Jinhui Precision")
    buyer = create_firm("buyer", name="Blue Drone")
    lessor = create_firm("lessor", name="Sodick Leasing")
    north = create_factory(factory_firm, name="North")
    south = create_factory(factory_firm, name="South")
    mill_a = create_machine(north, "cnc_mill_3ax", name="Mill A", units=2)
    anodise_b = create_machine(north, "anodise", name="Anodise B", materials=("al6061",))
    mill_c = create_machine(south, "cnc_mill_3ax", name="Mill C")
    for weekday in (0, 6):
        window(db, mill_a, weekday, 20, 6)
    for weekday in range(7):
        window(db, anodise_b, weekday, 8, 12)
    window(db, mill_c, 4, 8, 18)
    db.session.add(CalendarException(machine=anodise_b, kind="blackout", starts_at=local(25, 9), ends_at=local(25, 10)))
    db.session.add(CalendarException(machine=anodise_b, kind="open", starts_at=local(28, 14), ends_at=local(28, 16)))
    booking(db, mill_a, local(22, 22), local(23, 2), unit=0)
    booking(db, mill_a, local(23, 21), local(24, 1), unit=1, status="accepted")
    booking(db, mill_a, local(29, 23), local(30, 3), unit=1)
    booking(db, mill_a, local(24, 10), local(24, 12), unit=0, status="done")
    booking(db, anodise_b, local(25, 8), local(25, 11))
    booking(db, anodise_b, local(26, 8), local(26, 12))
    db.session.commit()
    create_equipment(lessor, name="Sodick AL400G", process="wire_edm")
    return World(dummy_cluster, create_user(operator_firm), create_user(factory_firm), create_user(buyer), north,
                 south, mill_a, anodise_b, mill_c, buyer, lessor)


@pytest.fixture
def create_order(db):
    from sqlalchemy import func, select

    from marketplace.orders.models import Order, OrderStep

    def create(buyer, status="paid", steps=(("cnc_mill_3ax", 30, 6.0),), quantity=10, total_fen=None,
               created=None, release=date(2026, 11, 20), due=date(2026, 11, 28), promised=None):
        order = Order(reference=f"D-{db.session.scalar(select(func.count(Order.id))) + 1}", cluster_id=buyer.cluster_id,
                      buyer=buyer, title="Bracket", status=status, material_code="al6061", quantity=quantity,
                      release_date=release, due_date=due, delivery_latitude=22.82, delivery_longitude=113.81,
                      total_fen=total_fen, created_at=created or local(24, 10), promised_at=promised)
        for n, (process, setup, run) in enumerate(steps, start=1):
            order.steps.append(OrderStep(sequence=n, process_code=process, setup_minutes=setup,
                                         run_minutes_per_unit=run))
        db.session.add(order)
        db.session.commit()
        return order

    return create


def days(start: date, n: int) -> list[str]:
    return [(start + timedelta(days=i)).isoformat() for i in range(n)]


class Helpers:
    RANGE = RANGE
    local = staticmethod(local)
    window = staticmethod(window)
    booking = staticmethod(booking)


@pytest.fixture
def h() -> type[Helpers]:
    """The helpers above, for test modules (they cannot import conftest under importlib import mode)."""
    return Helpers
