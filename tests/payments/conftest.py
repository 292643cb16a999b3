"""Payments fixtures: an in-memory Stripe-shaped server (MockTransport), localstripe on loopback, orders to pay."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

_refs = itertools.count(1)


@pytest.fixture
def fake_stripe(app):
    """The app's payments client talks to a FakeStripe (honours Idempotency-Key, has Connect transfers)."""
    from marketplace import payments
    from marketplace.devtools.fake_stripe import FakeStripe

    fake = FakeStripe()
    payments.init_app(app, transport=httpx.MockTransport(fake), sleep=lambda s: None, seed=1)
    return fake


@pytest.fixture
def localstripe(app, localstripe_server):
    from marketplace import payments

    app.config["STRIPE_API_BASE"] = localstripe_server.base_url
    client = payments.init_app(app, sleep=lambda s: None)
    yield localstripe_server
    client.close()


@pytest.fixture
def buyer(create_firm):
    return create_firm("buyer", name=f"Buyer {next(_refs)}")


@pytest.fixture
def create_paid_order(db, create_firm, create_factory, create_machine):
    """create_paid_order(buyer, total_fen, shares={factory_firm: cost_fen}, status="accepted") -> Order with one step
    and one booking per factory firm."""
    from marketplace.orders.models import Booking, Order, OrderStep

    machines = {}

    def create(buyer, total_fen=100_000, shares=None, status="accepted"):
        for firm in shares or {}:
            if firm.id not in machines:
                machines[firm.id] = create_machine(create_factory(firm))
        order = Order(reference=f"PAY-{next(_refs)}", cluster_id=buyer.cluster_id, buyer_firm_id=buyer.id,
                      title="Brackets", material_code="al6061", quantity=10, release_date=date(2026, 12, 1),
                      due_date=date(2026, 12, 20), delivery_latitude=22.8, delivery_longitude=113.8,
                      total_fen=total_fen, status=status)
        db.session.add(order)
        start = datetime(2026, 12, 2, 1, tzinfo=UTC)
        for i, (firm, cost) in enumerate((shares or {}).items()):
            step = OrderStep(order=order, sequence=i + 1, process_code="cnc_mill_3ax", run_minutes_per_unit=5)
            db.session.add(step)
            db.session.add(Booking(machine=machines[firm.id], step=step, starts_at=start,
                                   ends_at=start + timedelta(hours=2), cost_fen=cost))
        db.session.commit()
        return order

    return create


def deliver(order):
    """paid -> planned -> in_production -> shipped -> delivered through the state machine."""
    from marketplace.extensions import db
    from marketplace.orders.lifecycle import transition

    for status in ("planned", "in_production", "shipped", "delivered"):
        transition(order, status, None, "test")
    db.session.commit()


@pytest.fixture
def deliver_order():
    return deliver
