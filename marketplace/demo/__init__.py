"""A deterministic demo cluster: Chang'an Town (Dongguan), a hardware, mould and electronics cluster.

`load(seed)` runs its steps in order; each step is idempotent on its own keys, so running the command twice
changes nothing. The cluster, its firms, capacity and voucher programme are set up with the app's clock at the
start of the demo's history (SETUP_DAYS ago); the history of the past 90 days is replayed through the real services
(`history.py`); the open orders, their first plan, leases and the calibration jobs are written now.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from marketplace.db_types import clock_at, utcnow
from marketplace.demo import capacity as capacity_step
from marketplace.demo import catalogue, firms, history, money, orders, quote_history
from marketplace.extensions import db

DEMO_PASSWORD = "demo-pass-2026"
CLUSTER_SLUG = "changan-dongguan"


@dataclass
class DemoContext:
    rng: random.Random
    password_hash: str
    cluster: object = None
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role, email, firm)
    created: bool = False
    today: date = field(default_factory=date.today)
    plan_seconds: float = 10.0
    notes: list[str] = field(default_factory=list)


SETUP_DAYS = history.DAYS + 10
SETUP = (  # with the clock at the start of the history: firms joined before they traded
    catalogue.seed,
    firms.seed_cluster,
    firms.seed_firms,
    capacity_step.seed_factories,
    capacity_step.seed_equipment,
    money.seed_vouchers,
)
STEPS = (
    history.seed_history,
    orders.seed_open_orders,
    orders.seed_plan,
    quote_history.seed_completed_jobs,
    money.seed_leases,
    money.seed_programme_plan,
)


def load(seed: int = 2026, plan_seconds: float = 10.0) -> DemoContext:
    from werkzeug.security import generate_password_hash


    context = DemoContext(rng=random.Random(seed), password_hash=generate_password_hash(DEMO_PASSWORD, "scrypt"),
                          plan_seconds=plan_seconds)
    db.session.info["notify"] = False  # the back-filled history tells nobody (outbox.emit_notice)
    try:
        with clock_at(utcnow() - timedelta(days=SETUP_DAYS)):
            for step in SETUP:
                step(context)
                db.session.flush()
            db.session.commit()
        for step in STEPS:
            step(context)
            db.session.flush()
        db.session.commit()
    finally:
        db.session.info.pop("notify", None)
    return context
