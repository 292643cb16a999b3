"""Fault injection: 1,000 seeded random payment operations over many orders, with network failures, 5xx, 429
and crashes injected before and after the request reaches the server. Afterwards: the ledger balances, no order was
charged twice at the provider, refunds never exceed captures, and the books agree with the provider."""

from __future__ import annotations

import random
import time
from collections import Counter

import httpx

from marketplace import payments
from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.payments import ledger, services, settlement
from marketplace.payments.client import PaymentError
from marketplace.payments.models import Payment, Payout, Refund

OPERATIONS = 1_000
ORDERS = 80


class Crash(Exception):
    """The process died while the request was in flight (not retried by the client)."""


class FlakyTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, rng: random.Random, p_fault: float = 0.3, p_crash: float = 0.02):
        self.inner, self.rng, self.p_fault, self.p_crash = inner, rng, p_fault, p_crash
        self.injected: Counter = Counter()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        roll = self.rng.random()
        if roll < self.p_crash:
            self.injected["crash_after"] += 1
            self.inner.handle_request(request)
            raise Crash()
        roll = self.rng.random()
        if roll < self.p_fault * 0.25:
            self.injected["connect_error_before"] += 1
            raise httpx.ConnectError("injected", request=request)
        if roll < self.p_fault * 0.40:
            self.injected["503_before"] += 1
            return httpx.Response(503, json={"error": {"type": "api_error", "message": "injected"}})
        if roll < self.p_fault * 0.55:
            self.injected["429_before"] += 1
            return httpx.Response(429, headers={"Retry-After": "0"}, json={"error": {"type": "rate_limit_error"}})
        response = self.inner.handle_request(request)
        if roll < self.p_fault * 0.85:
            self.injected["read_timeout_after"] += 1
            raise httpx.ReadTimeout("injected", request=request)
        if roll < self.p_fault:
            self.injected["500_after"] += 1
            return httpx.Response(500, json={"error": {"type": "api_error", "message": "injected"}})
        return response


def test_payments_survive_1000_faulty_operations(app, buyer, create_firm, create_paid_order, deliver_order):
    from marketplace.devtools.fake_stripe import FakeStripe

    rng = random.Random(20261125)
    fake = FakeStripe()
    flaky = FlakyTransport(httpx.MockTransport(fake), random.Random(7))
    app.config["PAYMENTS_MAX_ATTEMPTS"] = 4
    payments.init_app(app, transport=flaky, sleep=lambda s: None, seed=11)

    factories = [create_firm("factory") for _ in range(4)]
    for firm in factories[:2]:
        firm.stripe_account_id = f"acct_{firm.id}"
    db.session.commit()
    orders = []
    for _ in range(ORDERS):
        shares = {f: rng.randint(1_000, 50_000) for f in rng.sample(factories, rng.randint(1, 3))}
        orders.append(create_paid_order(buyer, rng.randint(1_000, 500_000), shares=shares))
    terms = {o.id: (o.total_fen, rng.choice(["manual", "automatic"])) for o in orders}
    in_flight: dict[int, tuple] = {}  # order id -> the call that failed without an outcome, to repeat as it was
    outcomes: Counter = Counter()
    started = time.perf_counter()

    def run(op: str, order, *args):
        try:
            if op == "charge":
                services.charge_order(order, *args, payer_firm=buyer, capture=terms[order.id][1])
            elif op == "capture":
                services.capture_order(order, *args)
            elif op == "cancel":
                services.cancel_order_payment(order)
            elif op == "refund":
                services.refund_order(order, *args, "fault test")
            elif op == "payout":
                if order.status == "paid":
                    deliver_order(order)
                settlement.payout_order(order)
            in_flight.pop(order.id, None)
            outcomes[f"{op}:ok"] += 1
        except FieldError:
            db.session.rollback()
            in_flight.pop(order.id, None)
            outcomes[f"{op}:refused"] += 1
        except (PaymentError, Crash) as exc:
            db.session.rollback()
            in_flight[order.id] = (op, args)
            outcomes[f"{op}:{'crash' if isinstance(exc, Crash) else 'gave_up'}"] += 1

    for _ in range(OPERATIONS):
        order = rng.choice(orders)
        if order.id in in_flight and rng.random() < 0.7:
            op, args = in_flight[order.id]  # the caller retries what failed
        else:
            op = rng.choice(["charge", "charge", "capture", "refund", "refund", "cancel", "payout"])
            total = terms[order.id][0]
            args = {"charge": (total,), "capture": (rng.choice([None, rng.randint(1, total)]),),
                    "refund": (rng.randint(1, max(1, total // 2)),), "cancel": (), "payout": ()}[op]
        run(op, order, *args)

    # Heal: the provider is reachable again; every call left without an outcome is repeated as it was.
    payments.init_app(app, transport=httpx.MockTransport(fake), sleep=lambda s: None)
    for order_id, (op, args) in list(in_flight.items()):
        run(op, next(o for o in orders if o.id == order_id), *args)
    unknown = sorted({rec.order_id for rec in services.started_records(older_than_s=-1)})
    pending_before_heal = len(unknown)
    for order in [o for o in orders if o.id in unknown]:  # what the periodic sweep does (PaymentSyncRequested)
        services.sync(order)
    for order_id in sorted({p.order_id for p in db.session.query(Payout).filter(Payout.status == "pending")}):
        settlement.payout_order(next(o for o in orders if o.id == order_id))  # the settle handler's retry
    elapsed = time.perf_counter() - started
    print(f"\n{OPERATIONS} operations in {elapsed:.1f} s; injected {dict(flaky.injected)}; "
          f"requests reaching the server {len(fake.requests)}; outcomes {dict(sorted(outcomes.items()))}; "
          f"orders resumed by recovery: {pending_before_heal}")

    assert ledger.balanced()
    intents_per_order = Counter(i["metadata"]["order"] for i in fake.of("payment_intent")
                                if i["status"] != "requires_payment_method")
    doubled = [o for o, n in intents_per_order.items() if n > 1]
    for order_id in doubled:
        print("DOUBLE", order_id, [(i["id"], i["status"], i["metadata"]) for i in fake.of("payment_intent")
                                   if i["metadata"]["order"] == order_id],
              [(p.status, p.attempt, p.intent_id) for p in db.session.query(Payment).filter_by(order_id=int(order_id))])
    assert max(intents_per_order.values()) == 1, "an order was charged twice at the provider"
    assert Counter(k for _, path, k in fake.requests if path == "/v1/payment_intents" and k)  # keys were sent
    for payment in db.session.query(Payment):
        intent = fake.objects[payment.intent_id]
        assert payment.status != "pending"
        assert payment.captured_fen == intent["amount_received"]
        assert payment.refunded_fen == fake.refunded[intent["id"]] <= payment.captured_fen
        succeeded = sum(r.amount_fen for r in payment.refunds if r.status == "succeeded")
        assert succeeded == payment.refunded_fen
    assert db.session.query(Refund).filter(Refund.status == "pending").count() == 0
    assert db.session.query(Payout).filter(Payout.status == "pending").count() == 0
    transfers = Counter((t["metadata"]["order"], t["metadata"]["firm"]) for t in fake.of("transfer"))
    assert not transfers or max(transfers.values()) == 1, "a factory was paid twice for an order"
    assert ledger.balance("psp_clearing") == fake.balance()  # the books agree with the provider
    assert sum(flaky.injected.values()) > 100 and flaky.injected["crash_after"] > 3
    assert outcomes["payout:ok"] > 0 and outcomes["refund:ok"] > 0
    assert elapsed < 60
