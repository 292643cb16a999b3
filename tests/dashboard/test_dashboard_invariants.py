"""Every figure satisfies its invariants (marketplace/dashboard/invariants.py) on randomised worlds — machines with
idle windows, bookings inside and outside them, orders in every state with their dates, quotes and the orders placed
from them — and on the demo cluster."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.dashboard import services
from marketplace.dashboard.invariants import violations

TZ = ZoneInfo("Asia/Shanghai")
FIRST, LAST = date(2026, 11, 23), date(2026, 11, 29)
STATES = ("draft", "quoted", "accepted", "paid", "planned", "in_production", "shipped", "delivered", "completed",
          "cancelled", "refunded")

bookings = st.lists(st.tuples(st.integers(0, 1), st.integers(-2 * 24, 9 * 24), st.integers(1, 30)), max_size=12)
orders = st.lists(st.tuples(st.sampled_from(STATES), st.integers(-20, 8), st.integers(0, 20), st.booleans()),
                  max_size=12)


@settings(max_examples=15, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(windows=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 23), st.integers(1, 24)), max_size=6),
       booked=bookings, placed=orders, quotes=st.integers(0, 6))
def test_figures_hold_their_invariants_on_random_worlds(db, create_cluster, create_firm, create_user,
                                                       create_factory, create_machine, windows, booked, placed,
                                                       quotes):
    from capacity.models import WeeklyWindow
    from marketplace.orders.models import Booking, Order
    from marketplace.quotes.models import Quote

    cluster = create_cluster()
    factory, buyer = create_firm("factory", cluster=cluster), create_firm("buyer", cluster=cluster)
    user = create_user(buyer)
    machines = [create_machine(create_factory(factory), "cnc_mill_3ax", units=2) for _ in range(2)]
    for weekday, hour, length in windows:
        db.session.add(WeeklyWindow(machine=machines[0], weekday=weekday, start_minute=hour * 60,
                                    end_minute=min(24 * 60, (hour + length) * 60)))
    monday = datetime.combine(FIRST, datetime.min.time(), tzinfo=TZ)
    for unit, start_h, hours in booked:
        db.session.add(Booking(machine=machines[unit % 2], unit=unit, starts_at=monday + timedelta(hours=start_h),
                               ends_at=monday + timedelta(hours=start_h + hours), status="planned"))
    issued = []
    for n in range(quotes):
        created = monday + timedelta(days=n % 7, hours=9)
        q = Quote(reference=f"QQ-{cluster.id}-{n}", cluster_id=cluster.id, buyer_firm_id=buyer.id, user_id=user.id,
                  created_at=created, valid_until=created + timedelta(days=14), currency="CNY",
                  material_code="al6061", quantity=1, quantities=[1], route=["cnc_mill_3ax"], route_proposed=True,
                  feasible=True, lead_time_tier="standard", unit_price_fen=100, total_fen=100, inputs={},
                  geometry={}, breaks=[], tiers=[], work_content=[], warnings=[], assumptions=[], plan_epoch=created)
        db.session.add(q)
        issued.append(q)
    db.session.flush()
    for n, (status, created_day, lead_days, from_quote) in enumerate(placed):
        created = monday + timedelta(days=created_day, hours=10)
        quote = issued.pop() if from_quote and issued else None
        db.session.add(Order(
            reference=f"OO-{cluster.id}-{n}", cluster_id=cluster.id, buyer=buyer, title="Part", status=status,
            material_code="al6061", quantity=1, release_date=created.date(),
            due_date=(created + timedelta(days=10)).date(), delivery_latitude=22.8, delivery_longitude=113.8,
            total_fen=10_000, created_at=created, promised_at=created + timedelta(days=lead_days),
            delivered_at=created + timedelta(days=lead_days) if status in ("delivered", "completed") else None,
            quote_id=quote.id if quote else None))
    db.session.commit()
    figures, _ = services.page(db.session, cluster, FIRST, LAST, "en", group_by="machine")
    db.session.commit()
    assert violations(figures) == []


def test_the_demo_clusters_figures_hold_their_invariants(db, paid_demo):
    """The whole demo, paid orders and their history included, over 7, 30 and 90 days and every grouping."""
    from marketplace.orders.models import Order

    assert db.session.query(Order).filter(Order.delivered_at.is_not(None)).count() > 0
    cluster = paid_demo.cluster
    today = datetime.now(ZoneInfo(cluster.timezone)).date()
    for days in (7, 30, 90):
        for group_by in ("factory", "machine", "process", "day"):
            figures, _ = services.page(db.session, cluster, today - timedelta(days=days - 1), today, "zh_Hans_CN",
                                       group_by=group_by)
            db.session.commit()
            assert violations(figures) == [], (days, group_by)
