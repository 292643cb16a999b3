"""The demo's past 90 days happened in time: replayed through the real services with the app's clock set to each
moment, every timestamp, state and figure of its orders is plausible — and nothing was edited afterwards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select


def test_the_demo_history_happened_in_time(db, paid_demo):
    from marketplace.accounts.models import Firm
    from marketplace.orders.checkout import amount_due
    from marketplace.orders.models import Booking, Order, Rating
    from marketplace.payments.models import Payment, Payout
    from marketplace.quotes.models import Quote

    now = datetime.now(UTC) + timedelta(minutes=5)
    start = now - timedelta(days=101)
    orders = db.session.scalars(select(Order).where(Order.quote_id.is_not(None))).all()
    statuses = {o.status for o in orders}
    assert len(orders) >= 15 and {"completed", "accepted", "cancelled"} <= statuses, statuses
    assert min(o.created_at for o in orders) < now - timedelta(days=45)  # the history spans the months
    joined = {f.id: f.created_at for f in db.session.scalars(select(Firm))}
    assert all(start <= t <= now - timedelta(days=95) for t in joined.values())  # firms joined before they traded
    for order in orders:
        quote = db.session.get(Quote, order.quote_id)
        assert quote.created_at <= order.created_at <= now and order.total_fen > 0
        assert order.created_at >= joined[order.buyer_firm_id]
        events = sorted(order.events, key=lambda e: e.id)
        assert [e.created_at for e in events] == sorted(e.created_at for e in events), order.reference
        assert all(order.created_at <= e.created_at <= now for e in events)
        times = {e.to_status: e.created_at for e in events}
        payment = db.session.scalar(select(Payment).where(Payment.order_id == order.id))
        if "paid" in times:
            assert payment is not None and payment.created_at <= times["paid"]
        steps = sorted(order.steps, key=lambda s: s.sequence)
        for step in steps:
            if step.started_at:
                assert times["planned"] <= step.started_at < (step.finished_at or now)
        for before, after in zip(steps, steps[1:]):
            if after.started_at:
                assert before.finished_at <= after.started_at, order.reference  # one after the other, never together
        if order.status in ("in_production", "shipped", "delivered", "completed"):
            assert steps[0].started_at is not None
        if order.status == "completed":
            assert steps[-1].finished_at <= times["shipped"] <= order.delivered_at <= times["completed"]
            payouts = db.session.scalars(select(Payout).where(Payout.order_id == order.id)).all()
            assert payouts and all(order.delivered_at <= p.created_at <= now for p in payouts)
            subsidy, _ = amount_due(order)  # a service voucher paid part of it
            assert sum(p.gross_fen for p in payouts) == payment.captured_fen - payment.refunded_fen + subsidy
            for rating in db.session.scalars(select(Rating).where(Rating.order_id == order.id)):
                assert order.delivered_at <= rating.created_at <= now
        for booking in db.session.scalars(select(Booking).where(Booking.order_step_id.in_([s.id for s in steps]))):
            # reserved from the quote's slot: the planner's grid starts at the hour of the quote, never earlier
            assert booking.starts_at >= quote.created_at.replace(minute=0, second=0, microsecond=0)


def test_the_demo_leases_went_through_their_lessors(db, paid_demo):
    """One request waits for its lessor, one was declined with a reason, the others were approved and paid at the
    local payments server (deposit and first rent), with the ledger holding exactly their deposits."""
    from capacity.lease_models import Lease
    from marketplace.payments import ledger
    from marketplace.payments.lease_models import LeaseCharge

    leases = db.session.scalars(select(Lease).order_by(Lease.id)).all()
    assert [lease.status for lease in leases] == ["requested", "paid", "paid", "declined"]
    assert leases[3].decision_note
    charges = db.session.scalars(select(LeaseCharge).order_by(LeaseCharge.lease_id)).all()
    assert [(c.lease_id, c.status) for c in charges] == [(leases[1].id, "succeeded"), (leases[2].id, "succeeded")]
    assert -ledger.balance("deposits_held") == leases[1].deposit_fen + leases[2].deposit_fen
    assert any(lease.instalment_months for lease in leases[1:3]) or all(not lease.equipment.instalment_plans
                                                                         for lease in leases[1:3])
