"""Benchmark: ``python -m marketplace.orders.bench [--n 30]``.

Pay, decline and re-plan requests through the real WSGI app (app factory + test client, bearer tokens, JSON, the
database writes of each request and its outbox rows) on a temporary SQLite database holding the demo cluster. The
solver and the provider calls run after the request, so the runner is off while requests are timed; then the local
repair that a decline queues is timed by itself (the step is placed again within it). The last line is one
``key=value`` summary.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import time
from pathlib import Path

from flask import g
from flask_migrate import upgrade
from sqlalchemy import select

from marketplace import create_app
from marketplace.accounts.models import ApiToken, User
from marketplace.demo import load
from marketplace.extensions import db
from marketplace.orders.models import Booking, Order, OrderStep
from marketplace.outbox.models import OutboxMessage
from marketplace.planning.runner import repair_declined_step


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def _client(app, user: User):
    token, secret = ApiToken.issue(user, "bench")
    db.session.add(token)
    db.session.commit()
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def _timed(call) -> float:
    started = time.perf_counter()
    response = call()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code >= 300:
        raise RuntimeError(f"{response.status_code}: {response.get_data(as_text=True)[:300]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m marketplace.orders.bench", description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=30, help="requests of each kind")
    ap.add_argument("--seed", type=int, default=2026, help="demo cluster seed")
    ap.add_argument("--plan-seconds", type=float, default=5.0, help="solver time for the demo's first plan")
    args = ap.parse_args(argv)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.sqlite'}", "SECRET_KEY": "bench",
                          "RATELIMIT_ENABLED": False, "OUTBOX_WORKER": "off", "STRIPE_API_BASE": "http://127.0.0.1:9"})

        @app.before_request
        def _fresh_globals():  # one app context stays open here, as in the tests: forget the last request's user
            for name in list(vars(g)):
                delattr(g, name)
        with app.app_context():
            upgrade()
            context = load(args.seed, args.plan_seconds)
            cluster_id = context.cluster.id
            open_orders = db.session.scalars(select(Order).where(Order.cluster_id == cluster_id,
                                                                 Order.status.in_(("paid", "planned")))
                                             .order_by(Order.id)).all()
            for order in open_orders[:args.n]:  # the same orders, as if still waiting for payment
                order.status = "accepted"
            db.session.commit()
            to_pay = [(o.id, o.buyer_firm_id) for o in open_orders[:args.n]]
            buyers = {firm_id: _client(app, db.session.scalar(select(User).where(User.firm_id == firm_id)))
                      for firm_id in {f for _, f in to_pay}}
            pay_ms = [_timed(lambda o=o, f=f: buyers[f].post(f"/api/v1/orders/{o}/pay", json={}))
                      for o, f in to_pay]

            planned = db.session.scalars(select(Booking).join(OrderStep, Booking.order_step_id == OrderStep.id)
                                         .join(Order, OrderStep.order_id == Order.id)
                                         .where(Booking.status == "planned", Booking.machine_id.is_not(None),
                                                Order.status.in_(("paid", "planned")))
                                         .order_by(Booking.id)).all()[:args.n]
            declines = [(b.id, b.factory.firm_id, b.order_step_id) for b in planned]
            factories = {firm_id: _client(app, db.session.scalar(select(User).where(User.firm_id == firm_id)))
                         for firm_id in {f for _, f, _ in declines}}
            decline_ms = [_timed(lambda b=b, f=f: factories[f].post(f"/api/v1/bookings/{b}/decline",
                                                                   json={"reason": "bench"}))
                          for b, f, _ in declines]

            operator = _client(app, db.session.scalar(select(User).where(User.email == "operator@demo.smp.cn")))
            replan_ms = [_timed(lambda: operator.post("/api/v1/plan-runs", json={"reason": "bench"}))
                         for _ in range(args.n)]
            queued = db.session.query(OutboxMessage).count()

            repair_ms, repaired = [], 0
            for _, _, step_id in declines[: min(10, len(declines))]:
                started = time.perf_counter()
                repaired += repair_declined_step(step_id) > 0
                repair_ms.append((time.perf_counter() - started) * 1000)
            db.session.remove()
    print(f"pay: p50 {statistics.median(pay_ms):.1f} ms, p95 {_p95(pay_ms):.1f} ms over {len(pay_ms)}")
    print(f"decline: p50 {statistics.median(decline_ms):.1f} ms, p95 {_p95(decline_ms):.1f} ms over "
          f"{len(decline_ms)}")
    print(f"re-plan: p50 {statistics.median(replan_ms):.1f} ms, p95 {_p95(replan_ms):.1f} ms over {len(replan_ms)}")
    print(f"outbox rows written by the requests: {queued}")
    print(f"local repair after a decline (the handler, not the request): p50 {statistics.median(repair_ms):.0f} ms, "
          f"p95 {_p95(repair_ms):.0f} ms, {repaired} of {len(repair_ms)} steps placed again")
    print(f"p95_ms_pay={_p95(pay_ms):.1f} p95_ms_decline={_p95(decline_ms):.1f} p95_ms_replan={_p95(replan_ms):.1f} "
          f"p95_ms_repair={_p95(repair_ms):.0f} repaired={repaired}/{len(repair_ms)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
