"""The kill harness's world: a small cluster to pay for, the simulated production step, and the final checks of
the books against the payments server (see marketplace/payments/chaos.py)."""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from functools import cache

import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import func, select

from capacity.models import Factory, Machine, Material, WeeklyWindow
from marketplace import create_app
from marketplace.accounts.models import ApiToken, Cluster, Firm, User
from marketplace.demo import catalogue
from marketplace.extensions import db
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import Booking, Order, OrderStep
from marketplace.outbox.models import OutboxMessage
from marketplace.payments import chaos_leases, ledger
from marketplace.payments.client import received_fen
from marketplace.payments.models import Payment
from marketplace.payments.reconcile import provider_state, reconcile

LIVE = ("succeeded", "requires_capture", "processing", "requires_action")


def _url(database: str) -> str:
    if database.startswith("postgresql://"):
        database = "postgresql+psycopg://" + database[len("postgresql://"):]
    return database


def _app(database: str, stripe_base: str):
    return create_app({"SQLALCHEMY_DATABASE_URI": _url(database), "SECRET_KEY": "chaos", "OUTBOX_WORKER": "off",
                       "RATELIMIT_ENABLED": False,
                       "STRIPE_API_BASE": stripe_base, "PAYMENTS_BACKOFF_S": 0.05})


def fresh_postgres_schema(database: str, name: str) -> str:
    """A new schema on the server of `database`, and the URL that uses it."""
    engine = sa.create_engine(_url(database))
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    engine.dispose()
    separator = "&" if "?" in database else "?"
    return f"{database}{separator}options=-csearch_path%3D{name}"


def build_world(database: str, stripe_base: str, orders: int, rng, leases: int = 0) -> tuple[list[dict], list[dict]]:
    """Migrate, seed the catalogue, and create a factory, buyers with API tokens and `orders` accepted orders
    (half promised within days: authorised then captured on delivery; half later: charged at once), and `leases`
    items of a lessor, each with a lessee of its own (chaos_leases)."""
    app = _app(database, stripe_base)
    out = []
    with app.app_context():
        upgrade()
        catalogue.seed()
        cluster = Cluster(slug="chaos", name="Chaos cluster", timezone="Asia/Shanghai")
        factory = Firm(cluster=cluster, name="Mill Co", is_factory=True)
        db.session.add_all([cluster, factory])
        db.session.flush()
        site = Factory(firm=factory, cluster_id=cluster.id, name="Plant", latitude=22.81, longitude=113.8)
        machine = Machine(factory=site, name="Mill", process_code="cnc_mill_3ax", units=4, envelope_x_mm=800,
                          envelope_y_mm=500, envelope_z_mm=500, best_tolerance_mm=0.01, hourly_rate_fen=12000,
                          setup_minutes=30, speed_factor=1.0, materials=[db.session.get(Material, "al6061")])
        db.session.add_all([site, machine])
        for day in range(7):
            db.session.add(WeeklyWindow(machine=machine, weekday=day, start_minute=0, end_minute=1440))
        buyers = []
        for n in range(max(1, orders // 3)):
            firm = Firm(cluster=cluster, name=f"Buyer {n}", is_buyer=True)
            user = User(firm=firm, email=f"buyer{n}@chaos.test", name="Buyer", role="owner")
            user.set_password("chaos-pass-2026")
            token, secret = ApiToken.issue(user, "chaos")
            db.session.add_all([firm, user, token])
            buyers.append((firm, secret))
        now = datetime.now(UTC)
        for n in range(orders):
            firm, secret = buyers[n % len(buyers)]
            promised = now + timedelta(days=2 if n % 2 else 20)
            order = Order(reference=f"CH-{n:05d}", cluster_id=cluster.id, buyer=firm, title="Bracket", status="quoted",
                          material_code="al6061", quantity=5, release_date=date.today(), due_date=promised.date(),
                          delivery_latitude=22.8, delivery_longitude=113.8, promised_at=promised,
                          total_fen=rng.randint(1_000, 200_000))
            step = OrderStep(order=order, sequence=1, process_code="cnc_mill_3ax", run_minutes_per_unit=6)
            begin = now + timedelta(hours=1 + n)
            db.session.add_all([order, step, Booking(machine=machine, step=step, starts_at=begin, status="accepted",
                                                     ends_at=begin + timedelta(hours=1), unit=n % 4,
                                                     cost_fen=12000)])
            db.session.flush()
            transition(order, "accepted", None, "chaos world")
            out.append({"id": order.id, "token": secret})
        lease_jobs = chaos_leases.build_leases(cluster, leases)
        db.session.commit()
        db.engine.dispose()
    return out, lease_jobs


@cache
def _engine(database: str):
    return sa.create_engine(_url(database))


def shipped(database: str, order_id: int) -> None:
    """Production, simulated: the paid order's steps are done and it ships (the factory's own requests are not
    what this harness tests)."""
    with _engine(database).begin() as conn:
        done = conn.execute(sa.text("UPDATE orders SET status = 'shipped', version = version + 1 WHERE id = :id "
                                    "AND status IN ('paid', 'planned')"), {"id": order_id})
        if done.rowcount:
            conn.execute(sa.text("UPDATE order_steps SET status = 'done' WHERE order_id = :id"), {"id": order_id})


def _expected(kind: str, order, payment) -> bool:
    if kind in ("deliver", "double_pay"):
        return order.status == "completed" and payment is not None and payment.status == "succeeded"
    if kind == "cancel_paid" and order.status == "cancelled" and payment is not None:
        return payment.status == "canceled" or (payment.status == "succeeded"
                                                 and payment.refunded_fen == payment.captured_fen)
    if kind in ("cancel_unpaid", "cancel_paid"):
        return order.status == "cancelled" and (payment is None or payment.status in ("canceled", "failed")
                                                or payment.refunded_fen == payment.captured_fen)
    return False


def check(database: str, stripe_base: str, plan: dict[int, str], server, timeout_s: float = 120,
          lease_plan: dict[int, str] | None = None) -> dict:
    """Let the background work finish (the app keeps running), then count the damage."""
    lease_plan = lease_plan or {}
    app = _app(database, stripe_base)
    with app.app_context():
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            server.ensure_up()
            busy = db.session.scalar(select(func.count(OutboxMessage.id)).where(
                OutboxMessage.state.in_(("pending", "running")),
                OutboxMessage.next_attempt_at < datetime.now(UTC) + timedelta(seconds=30),
                OutboxMessage.handler != "outbox.periodic"))
            orders = {o.id: o for o in db.session.scalars(select(Order).where(Order.id.in_(plan)))}
            payments = {p.order_id: p for p in db.session.scalars(select(Payment))}
            done = all(_expected(kind, orders[oid], payments.get(oid)) for oid, kind in plan.items())
            leases = chaos_leases.leases_by_script(lease_plan)
            done = done and all(chaos_leases.expected(kind, leases[i]) for i, kind in lease_plan.items())
            db.session.rollback()
            if done and not busy:
                break
            time.sleep(0.5)
        state = provider_state()  # what reconciliation reads: this deployment's intents and their refunds
        intents, refunds = state["intents"], state["refunds"]
        live = Counter((i.get("metadata") or {}).get("order") for i in intents if i.get("status") in LIVE
                       and (i.get("metadata") or {}).get("order"))
        orders = {o.id: o for o in db.session.scalars(select(Order).where(Order.id.in_(plan)))}
        payments = {p.order_id: p for p in db.session.scalars(select(Payment))}
        by_intent = {i["id"]: i for i in intents}
        inconsistent = 0 if ledger.balanced() else 1
        double_refunds = 0
        for oid, payment in payments.items():
            intent = by_intent.get(payment.intent_id)
            refunded = sum(int(r["amount"]) for r in refunds[payment.intent_id] if r.get("status") == "succeeded")
            received = received_fen(intent) if intent and intent["status"] == "succeeded" else 0
            keys = Counter((r.get("metadata") or {}).get("refund_key") for r in refunds[payment.intent_id])
            if refunded > received or any(n > 1 for k, n in keys.items() if k):
                double_refunds += 1
            if intent is None or payment.captured_fen != received or payment.refunded_fen != refunded:
                inconsistent += 1
            order = orders.get(oid)
            if order is not None and order.status in ("paid", "planned") and payment.status not in (
                    "requires_capture", "succeeded"):
                inconsistent += 1
        stuck = sum(1 for oid, kind in plan.items() if not _expected(kind, orders[oid], payments.get(oid)))
        leased = chaos_leases.damage(lease_plan, state)
        run = reconcile(repair=False)
        db.engine.dispose()
        return leased | {"inconsistent": inconsistent, "double_captures": sum(1 for n in live.values() if n > 1),
                "double_refunds": double_refunds, "stuck_orders": stuck,
                "reconcile_diffs": len(run.differences) + (1 if run.error else 0),
                "payments": len(payments), "provider_intents": len(intents),
                "parked": db.session.scalar(select(func.count(OutboxMessage.id))
                                            .where(OutboxMessage.state == "parked"))}
