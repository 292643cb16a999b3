"""Durable work on RQ with the real Redis (REDIS_URL mode): a committed plan request is enqueued and a worker runs it;
a worker killed mid-run leaves no half plan, its lease runs out and the next worker runs the plan again. Redis must
be reachable (in CI a missing Redis fails these tests, it does not skip them)."""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from marketplace.orders.models import Booking, Order, OrderStep
from marketplace.outbox.worker import queue
from marketplace.planning import runner
from marketplace.planning.models import PlanRun


@pytest.fixture
def redis_app(app, redis_url):
    app.config.update(REDIS_URL=redis_url, OUTBOX_WORKER="rq", OUTBOX_QUEUE=f"outbox-test-{uuid.uuid4().hex[:8]}",
                      OUTBOX_LEASE_S=3.0)
    yield app
    queue(app).delete(delete_jobs=True)


@pytest.fixture
def paid_order(db, factory_firm, create_factory, create_machine, create_firm):
    from capacity.models import WeeklyWindow

    site = create_factory(factory_firm)
    mill = create_machine(site, "cnc_mill_3ax", materials=("al6061",))
    for day in range(7):
        db.session.add(WeeklyWindow(machine=mill, weekday=day, start_minute=0, end_minute=1440))
    buyer = create_firm("buyer")
    order = Order(
        reference="RQ-1",
        cluster_id=buyer.cluster_id,
        buyer=buyer,
        title="Plate",
        status="paid",
        material_code="al6061",
        quantity=5,
        release_date=date(2026, 11, 23),
        due_date=date(2026, 12, 4),
        delivery_latitude=22.8,
        delivery_longitude=113.8,
    )
    order.steps.append(OrderStep(sequence=1, process_code="cnc_mill_3ax", run_minutes_per_unit=12, tolerance_mm=0.05))
    db.session.add(order)
    db.session.commit()
    return order


def worker(app, *args):
    env = dict(
        os.environ,
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=app.config["REDIS_URL"],
        OUTBOX_QUEUE=app.config["OUTBOX_QUEUE"],
        OUTBOX_LEASE_S="3",
        SECRET_KEY="test",
        SOLVER_WORKERS="1",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "planning", "worker", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def reload_run(db, run_id):
    db.session.rollback()
    return db.session.get(PlanRun, run_id)


def wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_worker_runs_the_queued_plan(redis_app, db, paid_order):
    run = runner.request_run(paid_order.buyer.cluster, time_limit_s=2)
    assert run.state == "queued" and queue(redis_app).count == 1  # enqueued after commit
    process = worker(redis_app, "--burst")
    output = process.communicate(timeout=120)[0].decode()
    assert process.returncode == 0, output
    run = reload_run(db, run.id)
    assert run.state == "done" and run.assignments == 1, (run.error, output)
    assert db.session.scalar(select(func.count(Booking.id))) == 1


def test_killed_worker_leaves_no_half_plan_and_the_job_is_retried(redis_app, db, paid_order):
    for n in range(60):  # enough competing orders that the solver uses its whole time limit
        order = Order(
            reference=f"RQ-X{n}",
            cluster_id=paid_order.cluster_id,
            buyer=paid_order.buyer,
            title="Lot",
            status="paid",
            material_code="al6061",
            quantity=3 + n % 7,
            release_date=date(2026, 11, 23),
            due_date=date(2026, 11, 24 + n % 5),
            weight=1 + n % 3,
            delivery_latitude=22.8 + n / 1000,
            delivery_longitude=113.8,
        )
        order.steps.append(
            OrderStep(sequence=1, process_code="cnc_mill_3ax", run_minutes_per_unit=17 + n % 11, tolerance_mm=0.05)
        )
        db.session.add(order)
    db.session.commit()
    run = runner.request_run(paid_order.buyer.cluster, time_limit_s=8)
    process = worker(redis_app)
    assert wait_for(lambda: reload_run(db, run.id).state == "running"), "the worker never started the job"
    time.sleep(1.0)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    process.stdout.close()
    assert reload_run(db, run.id).state == "running"  # the run never finished ...
    assert db.session.scalar(select(func.count(Booking.id))) == 0  # ... and stored nothing
    time.sleep(redis_app.config["OUTBOX_LEASE_S"] + 0.5)  # nobody renews the dead worker's lease
    process = worker(redis_app, "--burst")  # its sweep finds the row whose lease ran out and runs it again
    output = process.communicate(timeout=180)[0].decode()
    run = reload_run(db, run.id)
    assert run.state == "done" and run.attempts == 2, (run.error, output)
    assert db.session.scalar(select(func.count(Booking.id))) == run.assignments == 61
