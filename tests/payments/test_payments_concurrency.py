"""40 Pay presses of one order at once, over HTTP against a threaded server: one PaymentIntent, no 5xx, one
planning run. CI runs it on SQLite and on PostgreSQL (where the order row lock does the work)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import func, select

from marketplace.outbox.models import OutboxMessage
from marketplace.planning.models import PlanRun


def test_forty_parallel_payments_make_one_intent(live_api, db, buyer, create_user, token_for, create_firm,
                                                 create_paid_order, fake_stripe):
    factory = create_firm("factory")
    order = create_paid_order(buyer, 50_000, shares={factory: 20_000})
    token = token_for(create_user(buyer))
    url = f"{live_api}/api/v1/orders/{order.id}/pay"

    def pay(_):
        return httpx.post(url, json={}, timeout=30,
                          headers={"Authorization": f"Bearer {token}"}).status_code

    with ThreadPoolExecutor(max_workers=40) as pool:
        codes = list(pool.map(pay, range(40)))
    assert all(code < 500 for code in codes), codes
    assert codes.count(202) >= 1
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the app's own runner thread charges and plans
        db.session.rollback()
        busy = db.session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.state.in_(("pending", "running")), OutboxMessage.handler != "outbox.periodic"))
        if not busy and db.session.get(type(order), order.id).status in ("paid", "planned"):
            break
        time.sleep(0.2)
    intents = [i for i in fake_stripe.of("payment_intent") if i["metadata"]["order"] == str(order.id)]
    assert len(intents) == 1
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.handler == "payments.charge")) == 1  # forty presses queued one charge
    assert db.session.scalar(select(func.count(PlanRun.id))) == 1
