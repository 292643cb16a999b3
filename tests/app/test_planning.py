"""Planning end to end on the real database and the real solver: load, solve, validate, store bookings."""

import itertools
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from capacity.models import CalendarException, WeeklyWindow
from marketplace.i18n import local_zone
from marketplace.orders.models import Booking, Order, OrderStep
from marketplace.planning import runner
from marketplace.planning.adapter import current_plan, load_problem
from marketplace.planning.models import PlanRun
from matching.validate import validate_plan

NOW = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)  # Monday 09:30 in Shanghai


@pytest.fixture
def plant(db, factory_firm, create_factory, create_machine):
    """A mill and an anodising line at one site, idle every day 08:00-20:00 local."""
    site = create_factory(factory_firm, name="Plant")
    mill = create_machine(site, "cnc_mill_3ax", name="Mill", materials=("al6061",))
    anodise = create_machine(site, "anodise", name="Anodise", materials=("al6061",), hourly_rate_fen=9000)
    for machine in (mill, anodise):
        for day in range(7):
            db.session.add(WeeklyWindow(machine=machine, weekday=day, start_minute=8 * 60, end_minute=20 * 60))
    db.session.commit()
    return site, mill, anodise


@pytest.fixture
def create_order(db, create_firm):
    buyer = create_firm("buyer", name="Buyer")

    def create(status="paid", quantity=10, due=date(2026, 11, 27), steps=(("cnc_mill_3ax", 6.0), ("anodise", 1.0))):
        order = Order(
            reference=f"T-{db.session.scalar(select(func.count(Order.id))) + 1}",
            cluster_id=buyer.cluster_id,
            buyer=buyer,
            title="Bracket",
            status=status,
            material_code="al6061",
            quantity=quantity,
            release_date=date(2026, 11, 23),
            due_date=due,
            delivery_latitude=22.82,
            delivery_longitude=113.81,
        )
        for n, (process, run) in enumerate(steps, start=1):
            order.steps.append(
                OrderStep(
                    sequence=n,
                    process_code=process,
                    run_minutes_per_unit=run,
                    envelope_x_mm=100,
                    envelope_y_mm=60,
                    envelope_z_mm=20,
                    tolerance_mm=0.05,
                )
            )
        db.session.add(order)
        db.session.commit()
        return order

    return create


def bookings(db):
    return db.session.scalars(select(Booking).order_by(Booking.starts_at)).all()


def plan_now(cluster, **kwargs):
    """Request a run (it is queued and the request returns), then let the runner execute it, as after commit."""
    from marketplace.extensions import db
    from marketplace.outbox.runner import drain

    run = runner.request_run(cluster, **kwargs)
    assert run.state == "queued"
    drain()
    db.session.refresh(run)
    return run


def test_plan_is_stored_as_valid_bookings(app, db, plant, create_order):
    order = create_order()
    run = plan_now(order.buyer.cluster, time_limit_s=5)
    assert run.state == "done", run.error
    assert run.solver_status in ("OPTIMAL", "FEASIBLE") and run.assignments == 2 and run.unplaced == []
    mill_booking, anodise_booking = bookings(db)
    assert (mill_booking.machine.name, anodise_booking.machine.name) == ("Mill", "Anodise")
    assert anodise_booking.starts_at >= mill_booking.ends_at  # precedence
    assert (mill_booking.ends_at - mill_booking.starts_at) == timedelta(minutes=30 + 60)  # setup 30 + 10 x 6 min
    local = mill_booking.starts_at.astimezone(timezone(timedelta(hours=8)))
    assert 8 <= local.hour < 20  # inside the idle window
    db.session.refresh(order)
    assert order.status == "planned" and order.promised_at >= anodise_booking.ends_at
    loaded = load_problem(order.buyer.cluster, datetime(2026, 11, 21, tzinfo=UTC))
    stored = current_plan(loaded)
    assert len(stored.assignments) == 2
    assert [v for v in validate_plan(loaded.problem, stored) if v.kind != "promise"] == []


def test_replanning_replaces_bookings_and_keeps_accepted_ones(app, db, plant, create_order):
    order = create_order()
    plan_now(order.buyer.cluster, time_limit_s=3)
    first = bookings(db)
    first[0].status = "accepted"
    db.session.commit()
    accepted = (first[0].machine_id, first[0].starts_at, first[0].ends_at)
    create_order(quantity=4)
    run = plan_now(order.buyer.cluster, time_limit_s=3)
    assert run.state == "done", run.error
    rows = bookings(db)
    assert len(rows) == 4
    assert accepted in {(b.machine_id, b.starts_at, b.ends_at) for b in rows if b.status == "accepted"}
    for machine_id in {b.machine_id for b in rows}:  # no overlap on a one-unit machine
        spans = sorted((b.starts_at, b.ends_at) for b in rows if b.machine_id == machine_id)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_storing_the_stored_plan_again_changes_nothing(app, db, plant, create_order):
    """Confirming the stored plan (the demo's morning) keeps one booking per step, the accepted ones untouched."""
    from marketplace.planning.adapter import store_plan

    order = create_order()
    plan_now(order.buyer.cluster, time_limit_s=3)
    first = bookings(db)
    first[0].status = "accepted"
    db.session.commit()
    before = [(b.order_step_id, b.machine_id, b.starts_at, b.ends_at) for b in bookings(db)]
    for _ in range(2):
        loaded = load_problem(order.buyer.cluster, datetime(2026, 11, 21, tzinfo=UTC))
        store_plan(loaded, current_plan(loaded), None)
        db.session.commit()
    assert [(b.order_step_id, b.machine_id, b.starts_at, b.ends_at) for b in bookings(db)] == before


def test_a_blacked_out_machine_leaves_the_step_unplaced_with_reasons(app, db, plant, create_order):
    _site, mill, _ = plant
    start = datetime(2026, 11, 20, tzinfo=UTC)
    db.session.add(
        CalendarException(machine=mill, kind="blackout", starts_at=start, ends_at=start + timedelta(days=60))
    )
    db.session.commit()
    order = create_order()
    run = plan_now(order.buyer.cluster, time_limit_s=3)
    assert run.state == "done" and run.assignments == 0
    assert {u["step"] for u in run.unplaced} == {f"s{s.id}" for s in order.steps}
    assert all(u["reasons"] for u in run.unplaced)
    assert bookings(db) == []


def test_outside_bookings_are_planned_around(app, db, plant, create_order):
    _, mill, _ = plant
    order = create_order()
    busy_until = datetime(2026, 11, 25, 12, tzinfo=UTC)
    db.session.add(Booking(machine_id=mill.id, starts_at=datetime(2026, 11, 20, tzinfo=UTC), ends_at=busy_until,
                           status="accepted", note="work from outside the platform"))
    db.session.commit()
    run = plan_now(order.buyer.cluster, time_limit_s=3)
    assert run.state == "done" and run.assignments == 2
    planned = [b for b in bookings(db) if b.order_step_id is not None]
    assert planned[0].machine_id == mill.id and planned[0].starts_at >= busy_until


def test_a_failed_store_leaves_the_previous_plan(app, db, plant, create_order, monkeypatch):
    order = create_order()
    plan_now(order.buyer.cluster, time_limit_s=3)
    before = [(b.id, b.starts_at) for b in bookings(db)]
    create_order(quantity=3)

    def explode(*args, **kwargs):
        db.session.add(Booking(machine_id=plant[1].id, starts_at=NOW, ends_at=NOW + timedelta(hours=1)))
        db.session.flush()
        raise RuntimeError("disk full")

    monkeypatch.setattr(runner, "store_plan", explode)
    run = plan_now(order.buyer.cluster, time_limit_s=3)
    assert run.state == "queued" and "disk full" in run.error  # will be retried
    assert [(b.id, b.starts_at) for b in bookings(db)] == before


def test_planning_command(app, db, plant, create_order):
    create_order()
    result = app.test_cli_runner().invoke(args=["planning", "run", "--time-limit", "2"])
    assert result.exit_code == 0 and "assignments=2" in result.output
    assert db.session.scalar(select(func.count(PlanRun.id))) == 1


@pytest.fixture
def operator_api(api_as, create_firm, create_user):
    return api_as(create_user(create_firm("operator", name="Operator")))


def test_operator_triggers_runs_and_reads_history(operator_api, api_as, factory_user, db, plant, create_order,
                                                  drain):
    create_order()
    r = operator_api.post("/api/v1/plan-runs", json={"reason": "new orders", "time_limit_s": 3})
    assert r.status_code == 202 and r.json["state"] == "queued", r.json       # answered before the solver runs
    again = operator_api.post("/api/v1/plan-runs", json={"reason": "impatient", "time_limit_s": 3})
    assert again.json["id"] == r.json["id"]                                  # a queued run is not doubled
    drain()
    r = operator_api.get(f"/api/v1/plan-runs/{r.json['id']}")
    assert r.json["state"] == "done" and r.json["assignments"] == 2, r.json
    history = operator_api.get("/api/v1/plan-runs").json
    assert history["total"] == 1 and history["items"][0]["reason"] == "new orders"
    assert operator_api.get(f"/api/v1/plan-runs/{r.json['id']}").json["solver_status"] in ("OPTIMAL", "FEASIBLE")
    assert operator_api.post("/api/v1/plan-runs", json={"time_limit_s": 0}).status_code == 422
    factory = api_as(factory_user)
    assert factory.post("/api/v1/plan-runs", json={}).status_code == 403
    assert factory.get(f"/api/v1/plan-runs/{r.json['id']}").status_code == 404


def test_factory_schedule_accept_and_decline(operator_api, api_as, factory_user, db, plant, create_machine, drain):
    _, mill, _ = plant
    second_mill = create_machine(plant[0], "cnc_mill_3ax", name="Mill 2", materials=("al6061",))
    for day in range(7):
        db.session.add(WeeklyWindow(machine=second_mill, weekday=day, start_minute=8 * 60, end_minute=20 * 60))
    db.session.commit()
    factory = api_as(factory_user)
    order_id = create_order_for(db, plant)
    operator_api.post("/api/v1/plan-runs", json={"time_limit_s": 3})
    drain()
    window = {"start": "2026-11-01T00:00:00+08:00", "end": "2027-01-31T00:00:00+08:00"}
    rows = factory.get("/api/v1/schedule", query_string=window).json
    assert len(rows) == 2 and rows[0]["order_reference"] == f"T-{order_id}"
    mill_row = next(r for r in rows if r["process_code"] == "cnc_mill_3ax")
    declined_machine = mill_row["machine_id"]
    r = factory.post(f"/api/v1/bookings/{mill_row['id']}/decline", json={"reason": "spindle down"})
    assert r.status_code == 202 and r.json["state"] == "queued"
    from marketplace.outbox.runner import run_due
    run_due(limit=1)  # the first thing the runner does: the local repair, before the full run
    rows = factory.get("/api/v1/schedule", query_string=window).json
    repaired = next(r for r in rows if r["process_code"] == "cnc_mill_3ax")
    assert repaired["machine_id"] != declined_machine                   # re-placed at once, elsewhere
    drain()
    rows = factory.get("/api/v1/schedule", query_string=window).json
    new_mill_row = next(r for r in rows if r["process_code"] == "cnc_mill_3ax")
    assert new_mill_row["machine_id"] != declined_machine               # re-planned elsewhere
    r = factory.post(f"/api/v1/bookings/{new_mill_row['id']}/accept")
    assert r.status_code == 200 and r.json["status"] == "accepted"
    assert factory.post(f"/api/v1/bookings/{new_mill_row['id']}/decline", json={}).status_code == 422
    assert "end" in factory.get("/api/v1/schedule", query_string={"start": window["end"], "end": window["start"]}
                                ).json["errors"]


def create_order_for(db, plant):
    from marketplace.accounts.models import Firm

    buyer = Firm(cluster_id=plant[0].cluster_id, name="Buyer 2", is_buyer=True)
    order = Order(reference="T-1", cluster_id=plant[0].cluster_id, buyer=buyer, title="Bracket", status="paid",
                  material_code="al6061", quantity=10, release_date=date(2026, 11, 23), due_date=date(2026, 11, 27),
                  delivery_latitude=22.82, delivery_longitude=113.81)
    order.steps.append(OrderStep(sequence=1, process_code="cnc_mill_3ax", run_minutes_per_unit=6, tolerance_mm=0.05))
    order.steps.append(OrderStep(sequence=2, process_code="anodise", run_minutes_per_unit=1, tolerance_mm=0.05))
    db.session.add_all([buyer, order])
    db.session.commit()
    return order.id


def test_planning_and_schedule_pages(app, db, plant, create_order, create_firm, create_user, factory_user, drain):
    order = create_order()
    operator = create_user(create_firm("operator", name="Op"))
    client = app.test_client()
    client.post("/sign-in", data={"email": operator.email, "password": "correct horse battery"})
    assert client.post("/planning", data={"reason": "morning"}).status_code == 302
    drain()
    html = client.get("/planning", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "morning" in html and ("optimal" in html or "feasible (time limit)" in html)
    booking = bookings(db)[0]
    week = booking.starts_at.date().isoformat()
    factory = app.test_client()
    factory.post("/language/en")
    factory.post("/sign-in", data={"email": factory_user.email, "password": "correct horse battery"})
    html = factory.get(f"/schedule?week={week}").get_data(as_text=True)
    assert html.count('data-testid="booking"') == 2 and order.reference in html
    assert factory.post(f"/schedule/bookings/{booking.id}/accept").status_code == 302
    db.session.refresh(booking)
    assert booking.status == "accepted"
    assert client.get("/schedule").status_code == 403                     # operators have no schedule
    other = app.test_client()
    other.post("/sign-in", data={"email": create_user(create_firm("factory")).email,
                                 "password": "correct horse battery"})
    assert other.post(f"/schedule/bookings/{booking.id}/decline").status_code == 404


def test_a_leased_item_works_at_the_lessees_site(app, db, create_firm, create_factory, create_equipment, create_order):
    from capacity.leasing import lease
    from capacity.models import EquipmentAvailability

    owner = create_firm("lessor", "factory", name="Lessor")
    owner_site = create_factory(owner, name="Lessor yard")
    item = create_equipment(owner, process="cnc_mill_3ax", site_factory_id=owner_site.id, delivered_to_lessee=True,
                            min_days=1, daily_rate_fen=100_000, best_tolerance_mm=0.01)
    db.session.add(EquipmentAvailability(equipment=item, start_date=date(2026, 11, 1), end_date=date(2027, 1, 31)))
    lessee = create_firm("factory", name="Lessee")
    lessee_site = create_factory(lessee, name="Lessee plant", lat=22.83, lon=113.79)
    db.session.commit()
    record = lease(item, lessee, date(2026, 11, 23), date(2026, 12, 5), site=lessee_site)
    db.session.commit()
    order = create_order(steps=(("cnc_mill_3ax", 6.0),))              # no machine anywhere, only the leased item
    run = plan_now(order.buyer.cluster, time_limit_s=3)
    # Only requested: the item is held for the lessee, so it is nobody's resource in those days (not even as a
    # listing to lease); the order waits for capacity after the lease's last day.
    assert run.state == "done"
    assert all(b.starts_at.astimezone(local_zone()).date() > record.end_date for b in bookings(db)), run.unplaced
    record.status = "paid"  # as the payments handler leaves it once the deposit and first rent are in
    db.session.commit()
    run = plan_now(order.buyer.cluster, time_limit_s=3)
    assert run.state == "done" and run.assignments == 1, (run.error, run.unplaced)
    booking = bookings(db)[0]
    assert booking.equipment_id == item.id and booking.site_factory_id == lessee_site.id
    assert booking.cost_fen < 100_000                                   # the rent is paid: no lease charge per step
