"""Every figure against hand-computed values on the small world of conftest.py (read its docstring first)."""

from datetime import date

import pytest

from marketplace.dashboard.models import Coverage, FactoryDay, MachineDay, ProcessDay

RANGE = {"start": "2026-11-23", "end": "2026-11-29"}


def get(client, path, **args):
    response = client.get(f"/api/v1/dashboard/{path}", query_string=RANGE | args)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture
def operator_api(api_as, world):
    return api_as(world.operator)


def by_label(items):
    return {row["label"]: row for row in items}


def test_utilisation_by_machine(operator_api):
    rows = by_label(get(operator_api, "utilisation", group_by="machine")["items"])
    assert (rows["Mill A"]["offered_h"], rows["Mill A"]["booked_h"], rows["Mill A"]["outside_h"]) == (40.0, 7.0, 2.0)
    assert rows["Mill A"]["utilisation"] == 0.175
    assert (rows["Anodise B"]["offered_h"], rows["Anodise B"]["booked_h"], rows["Anodise B"]["outside_h"]) == (
        29.0, 6.0, 1.0)
    assert rows["Anodise B"]["utilisation"] == round(6 / 29, 4)
    assert (rows["Mill C"]["offered_h"], rows["Mill C"]["booked_h"], rows["Mill C"]["utilisation"]) == (10.0, 0.0, 0.0)


def test_utilisation_by_factory_process_day_and_week(operator_api):
    factories = by_label(get(operator_api, "utilisation", group_by="factory")["items"])
    assert (factories["North"]["offered_h"], factories["North"]["booked_h"]) == (69.0, 13.0)
    assert factories["North"]["utilisation"] == round(13 / 69, 4) and factories["North"]["firm"] == "Jinhui Precision"
    assert factories["South"]["utilisation"] == 0.0
    processes = {row["key"]: row for row in get(operator_api, "utilisation", group_by="process")["items"]}
    assert (processes["cnc_mill_3ax"]["offered_h"], processes["cnc_mill_3ax"]["booked_h"]) == (50.0, 7.0)
    assert (processes["anodise"]["offered_h"], processes["anodise"]["booked_h"]) == (29.0, 6.0)
    day_rows = get(operator_api, "utilisation", group_by="day")["items"]
    assert [row["key"] for row in day_rows] == [f"2026-11-{d}" for d in range(23, 30)]
    offered = [row["offered_h"] for row in day_rows]
    booked = [row["booked_h"] for row in day_rows]
    # Mon: A 20 + B 4; Tue: A 12 + B 4; Wed: B 3; Thu: B 4; Fri: B 4 + C 10; Sat: B 6; Sun: A 8 + B 4
    assert offered == [24.0, 16.0, 3.0, 4.0, 14.0, 6.0, 12.0]
    assert booked == [5.0, 1.0, 2.0, 4.0, 0.0, 0.0, 1.0]
    [week] = get(operator_api, "utilisation", group_by="week")["items"]
    assert (week["key"], week["offered_h"], week["booked_h"], week["utilisation"]) == (
        "2026-11-23", 79.0, 13.0, round(13 / 79, 4))


def test_a_range_that_cuts_a_window_and_a_booking(operator_api):
    """Tuesday alone: Monday's 20:00-06:00 window gives 6 h per unit, the Mon 21:00-Tue 01:00 booking 1 h."""
    rows = by_label(operator_api.get("/api/v1/dashboard/utilisation", query_string={
        "start": "2026-11-24", "end": "2026-11-24", "group_by": "machine"}).get_json()["items"])
    assert (rows["Mill A"]["offered_h"], rows["Mill A"]["booked_h"], rows["Mill A"]["outside_h"]) == (12.0, 1.0, 2.0)


def test_heatmap_trend_and_under_used(operator_api):
    heat = get(operator_api, "heatmap")
    assert [f["label"] for f in heat["factories"]] == ["North", "South"]
    assert len(heat["days"]) == 7
    cells = {(heat["days"][c[0]], heat["factories"][c[1]]["label"]): c for c in heat["cells"]}
    assert cells[("2026-11-23", "North")][2] == round(5 / 24, 4)
    assert cells[("2026-11-27", "South")][2] == 0.0
    assert ("2026-11-23", "South") not in cells  # nothing offered, nothing booked
    trend = get(operator_api, "trend")
    overall = trend["series"][0]
    assert overall["key"] == "all" and overall["values"][0] == round(5 / 24, 4)
    assert {s["key"] for s in trend["series"][1:]} == {"cnc_mill_3ax", "anodise"}
    week = get(operator_api, "trend", interval="week")
    assert week["keys"] == ["2026-11-23"] and week["series"][0]["values"] == [round(13 / 79, 4)]
    spare = get(operator_api, "under-used", limit=2)["items"]
    assert [(row["label"], row["spare_h"]) for row in spare] == [("Mill A", 33.0), ("Anodise B", 23.0)]


def test_demand_supply_flags_shortages_with_advice(operator_api, world, create_order):
    create_order(world.buyer, steps=(("cnc_mill_3ax", 30, 6.0), ("anodise", 0, 1.0)))  # 1.5 h + 10 min
    create_order(world.buyer, steps=(("wire_edm", 60, 12.0),))  # 3 h, nobody offers wire EDM, equipment listed
    create_order(world.buyer, steps=(("heat_treat", 60, 0.6),))  # 1.1 h, nothing listed
    create_order(world.buyer, status="draft", steps=(("anodise", 0, 600.0),))  # not open: never counted
    create_order(world.buyer, due=date(2026, 11, 20), steps=(("anodise", 0, 600.0),))  # due before the range
    data = get(operator_api, "demand-supply")
    rows = {row["key"]: row for row in data["items"]}
    assert rows["cnc_mill_3ax"]["demand_h"] == 1.5 and rows["cnc_mill_3ax"]["offered_h"] == 50.0
    assert rows["cnc_mill_3ax"]["status"] == "ok" and rows["cnc_mill_3ax"]["advice"] is None
    assert rows["anodise"]["demand_h"] == 0.2
    edm = rows["wire_edm"]
    assert (edm["demand_h"], edm["offered_h"], edm["status"], edm["ratio"]) == (3.0, 0.0, "shortage", None)
    assert edm["advice"]["action"] == "lease" and [e["name"] for e in edm["advice"]["equipment"]] == ["Sodick AL400G"]
    assert edm["advice"]["gap_h"] == 3.0
    assert rows["heat_treat"]["advice"]["action"] == "recruit"
    top = get(operator_api, "over-demanded", limit=2)["items"]
    assert [row["key"] for row in top] == ["heat_treat", "wire_edm"]


def test_tight_when_demand_reaches_most_of_the_supply(operator_api, world, create_order):
    create_order(world.buyer, steps=(("anodise", 0, 140.0),), quantity=10)  # 1400 min = 23.3 h of 29 h
    row = {r["key"]: r for r in get(operator_api, "demand-supply")["items"]}["anodise"]
    assert row["status"] == "tight" and row["advice"]["action"] == "recruit" and row["advice"]["gap_h"] == 0.0


def _paid(db, order, captured: int, refunded: int = 0):
    from marketplace.payments.models import Payment

    db.session.add(Payment(order_id=order.id, cluster_id=order.cluster_id, payer_firm_id=order.buyer_firm_id,
                           amount_fen=captured, captured_fen=captured, refunded_fen=refunded,
                           capture_method="automatic", status="succeeded", idempotency_key=f"order:{order.id}:pay"))
    db.session.commit()


def test_programme_kpis(db, operator_api, world, create_order, create_firm, h):
    create_firm("buyer", name="Elsewhere", cluster=None)  # same cluster: counted
    _paid(db, create_order(world.buyer, status="paid", total_fen=100_000, promised=h.local(27, 10)), 100_000)  # 3 d
    _paid(db, create_order(world.buyer, status="completed", total_fen=50_000, promised=h.local(25, 10)), 50_000)
    create_order(world.buyer, status="quoted", total_fen=70_000)
    _paid(db, create_order(world.buyer, status="cancelled", total_fen=90_000), 90_000, 90_000)  # refunded in full
    create_order(world.buyer, status="draft")
    _paid(db, create_order(world.buyer, status="paid", total_fen=999_999, created=h.local(1, 10, month=11)),
          999_999)  # before the range
    kpis = {k["key"]: k for k in get(operator_api, "kpis")["items"]}
    assert kpis["firms"]["value"] == {"total": 5, "buyer": 2, "factory": 1, "lessor": 1, "operator": 1}
    assert kpis["order_funnel"]["value"]["stages"] == {"posted": 4, "quoted": 3, "accepted": 2, "completed": 1}
    assert kpis["order_funnel"]["value"]["by_status"] == {"paid": 1, "completed": 1, "quoted": 1, "cancelled": 1,
                                                          "draft": 1}
    assert kpis["gmv_fen"]["value"] == 150_000  # captured − refunded, orders created in the range
    assert kpis["average_lead_time_days"]["value"] == 2.0
    for key in ("voucher_budget", "platform_fees_fen"):
        assert kpis[key] == kpis[key] | {"value": None, "available": False}


def test_materialised_rows_follow_commits(db, operator_api, world, h):
    """After the first view, calendar and booking changes show up at once (refreshed on commit)."""
    from capacity.models import WeeklyWindow

    get(operator_api, "kpis")
    assert db.session.get(Coverage, world.cluster.id) is not None
    h.booking(db, world.mill_c, h.local(27, 9), h.local(27, 12))  # 3 h on Mill C
    db.session.commit()
    rows = by_label(get(operator_api, "utilisation", group_by="machine")["items"])
    assert rows["Mill C"]["booked_h"] == 3.0
    world.mill_c.units = 3
    db.session.commit()
    assert by_label(get(operator_api, "utilisation", group_by="machine")["items"])["Mill C"]["offered_h"] == 30.0
    for w in list(world.anodise_b.weekly_windows):
        if w.weekday == 3:  # Thursday
            db.session.delete(w)
    db.session.commit()
    rows = by_label(get(operator_api, "utilisation", group_by="machine")["items"])
    assert (rows["Anodise B"]["offered_h"], rows["Anodise B"]["booked_h"], rows["Anodise B"]["outside_h"]) == (
        25.0, 2.0, 5.0)
    moved = db.session.scalars(db.select(WeeklyWindow).where(WeeklyWindow.machine_id == world.mill_c.id)).one()
    moved.weekday = 5  # Friday -> Saturday: same hours
    db.session.commit()
    day_rows = {row["key"]: row for row in get(operator_api, "utilisation", group_by="day")["items"]}
    assert day_rows["2026-11-28"]["offered_h"] == 6.0 + 30.0
    db.session.delete(world.mill_a)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(MachineDay).where(
        MachineDay.machine_id == world.mill_a.id)) == 0


def test_an_uncovered_range_is_materialised_on_first_view(operator_api, world, db):
    get(operator_api, "kpis")
    coverage = db.session.get(Coverage, world.cluster.id)
    assert (coverage.first_day, coverage.last_day) == (date(2026, 11, 23), date(2026, 11, 29))
    rows = operator_api.get("/api/v1/dashboard/utilisation", query_string={
        "start": "2026-11-30", "end": "2026-12-06", "group_by": "machine"}).get_json()["items"]
    assert by_label(rows)["Mill A"]["offered_h"] == 2 * (6 + 4 + 6 + 4)  # Mon 30 gets Sunday 29's tail
    db.session.refresh(coverage)
    assert (coverage.first_day, coverage.last_day) == (date(2026, 11, 23), date(2026, 12, 6))


def rollups_match(db) -> bool:
    """The factory-day and process-day rows are exactly the machine days summed (no stale, missing or extra row)."""
    minutes = (db.func.sum(MachineDay.offered_minutes), db.func.sum(MachineDay.booked_minutes),
               db.func.sum(MachineDay.booked_outside))
    ok = True
    for model, key in ((FactoryDay, "factory_id"), (ProcessDay, "process_code")):
        expected = set(db.session.execute(db.select(MachineDay.cluster_id, getattr(MachineDay, key), MachineDay.day,
                                                    *minutes).group_by(MachineDay.cluster_id,
                                                                       getattr(MachineDay, key), MachineDay.day)))
        found = set(db.session.execute(db.select(model.cluster_id, getattr(model, key), model.day,
                                                 model.offered_minutes, model.booked_minutes, model.booked_outside)))
        ok = ok and expected == found and bool(found)
    return ok


def test_factory_and_process_days_follow_every_change(db, operator_api, world, h):
    from capacity.models import WeeklyWindow

    get(operator_api, "kpis")
    assert rollups_match(db)
    h.booking(db, world.mill_c, h.local(27, 9), h.local(27, 12))
    db.session.commit()
    assert rollups_match(db)
    world.mill_c.units = 3
    db.session.commit()
    assert rollups_match(db)
    for w in list(world.anodise_b.weekly_windows):
        if w.weekday == 3:
            db.session.delete(w)
    db.session.commit()
    assert rollups_match(db)
    world.mill_c.factory = world.north  # moves factory: South's days must lose it
    db.session.commit()
    assert rollups_match(db)
    heat = get(operator_api, "heatmap")
    assert [f["label"] for f in heat["factories"]] == ["North"]
    db.session.delete(world.mill_a)
    db.session.commit()
    assert rollups_match(db)
    assert by_label(get(operator_api, "utilisation", group_by="factory")["items"])["North"]["offered_h"] == 25 + 30
    moved = db.session.scalars(db.select(WeeklyWindow).where(WeeklyWindow.machine_id == world.mill_c.id)).one()
    moved.weekday = 5
    db.session.commit()
    assert rollups_match(db)
    assert operator_api.get("/api/v1/dashboard/trend", query_string={"start": "2026-11-16", "end": "2026-11-29"}
                            ).status_code == 200  # widens the coverage
    assert rollups_match(db)


def test_quote_to_order_counts_orders_from_quotes_issued_in_the_range(app, db, world, create_order, h):
    """3 quotes issued in the range, one became an order; an order without a quote and a quote from before the
    range do not count: 1/3, never more than 100 %."""
    from marketplace.dashboard import kpis
    from marketplace.dashboard.queries import Range
    from marketplace.quotes.models import Quote

    def quote(n, created):
        q = Quote(reference=f"Q-{n}", cluster_id=world.cluster.id, buyer_firm_id=world.buyer.id,
                  user_id=world.buyer_user.id, created_at=created, valid_until=created, currency="CNY",
                  material_code="al6061", quantity=1, quantities=[1], route=["cnc_mill_3ax"], route_proposed=True,
                  feasible=True, lead_time_tier="standard", unit_price_fen=100, total_fen=100, inputs={},
                  geometry={}, breaks=[], tiers=[], work_content=[], warnings=[], assumptions=[],
                  plan_epoch=created)
        db.session.add(q)
        return q

    quotes = [quote(n, h.local(24, 9)) for n in range(3)] + [quote(9, h.local(10, 9))]
    db.session.commit()
    for q in (quotes[0], quotes[3]):
        create_order(world.buyer, status="accepted").quote_id = q.id
    create_order(world.buyer, status="paid")  # no quote
    db.session.commit()
    from datetime import date

    r = Range(world.cluster.id, date(2026, 11, 23), date(2026, 11, 29))
    assert kpis.quote_to_order(db.session, r, "Asia/Shanghai")["value"] == round(1 / 3, 4)
