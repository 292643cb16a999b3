"""Charge, capture, cancel, refund, payout and voucher subsidy against the Stripe-shaped fake (MockTransport)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from marketplace.errors import FieldError
from marketplace.fees import split
from marketplace.orders.shares import firm_totals, order_shares
from marketplace.payments import ledger, services, settlement
from marketplace.payments.models import Payment


def test_manual_charge_then_partial_capture_posts_only_what_was_captured(fake_stripe, buyer, create_paid_order):
    order = create_paid_order(buyer, 100_000)
    payment = services.charge_order(order, 100_000, payer_firm=buyer, capture="manual")
    assert payment.status == "requires_capture" and order.status == "paid"
    assert ledger.balance("psp_clearing") == 0  # an authorisation moves no money
    intent = fake_stripe.objects[payment.intent_id]
    assert intent["currency"] == "cny" and intent["capture_method"] == "manual"
    assert intent["metadata"]["order"] == str(order.id)

    with pytest.raises(FieldError, match="authorised"):
        services.capture_order(order, 100_001)
    services.capture_order(order, 90_000)
    assert payment.status == "succeeded" and payment.captured_fen == 90_000
    assert ledger.balance("psp_clearing") == 90_000 and ledger.balance(f"buyer:{buyer.id}") == -90_000
    assert services.capture_order(order) is payment  # a second capture is a no-op
    assert ledger.balance("psp_clearing") == 90_000
    keys = [k for _, path, k in fake_stripe.requests if path.endswith("/capture")]
    assert keys == [f"smp:order:{order.id}:capture"]  # behind the deployment prefix
    assert ledger.balanced()


def test_automatic_charge_is_held_then_refunds_are_guarded(fake_stripe, buyer, create_paid_order):
    order = create_paid_order(buyer, 50_000)
    payment = services.charge_order(order, 50_000, payer_firm=buyer, capture="automatic")
    assert payment.status == "succeeded" and payment.captured_fen == 50_000
    assert ledger.balance("psp_clearing") == 50_000
    assert services.charge_order(order, 50_000, payer_firm=buyer, capture="automatic") is payment
    assert len(fake_stripe.of("payment_intent")) == 1

    first = services.refund_order(order, 20_000, "one part scrapped")
    assert first.status == "succeeded" and first.idempotency_key == f"order:{order.id}:refund:1"
    with pytest.raises(FieldError, match="At most 30000"):
        services.refund_order(order, 30_001, "too much")
    with pytest.raises(FieldError, match="captured payment cannot be cancelled"):
        services.cancel_order_payment(order)
    services.refund_order(order, 30_000, "rest")
    assert payment.refunded_fen == 50_000 and order.status == "refunded"
    assert ledger.balance("psp_clearing") == 0 and fake_stripe.balance() == 0
    with pytest.raises(FieldError):
        services.refund_order(order, 1, "nothing left")
    assert ledger.balanced()


def test_cancelled_authorisation_is_never_captured_or_refunded(fake_stripe, buyer, create_paid_order):
    order = create_paid_order(buyer, 10_000)
    services.charge_order(order, 10_000, payer_firm=buyer, capture="manual")
    payment = services.cancel_order_payment(order)
    assert payment.status == "canceled" and fake_stripe.objects[payment.intent_id]["status"] == "canceled"
    assert services.cancel_order_payment(order) is payment
    with pytest.raises(FieldError, match="cancelled payment cannot be captured"):
        services.capture_order(order)
    with pytest.raises(FieldError, match="Nothing has been captured"):
        services.refund_order(order, 100, "x")
    assert ledger.balance("psp_clearing") == 0


def test_decline_is_a_field_error_and_a_new_attempt_gets_a_new_key(app, fake_stripe, buyer, create_paid_order):
    order = create_paid_order(buyer, 10_000)
    app.config["STRIPE_TEST_PAYMENT_METHOD"] = "pm_card_visa_chargeDeclined"
    with pytest.raises(services.PaymentDeclined, match="declined"):
        services.charge_order(order, 10_000, payer_firm=buyer, capture="automatic")
    assert order.status == "accepted"
    app.config["STRIPE_TEST_PAYMENT_METHOD"] = "pm_card_visa"
    payment = services.charge_order(order, 10_000, payer_firm=buyer, capture="automatic")
    assert payment.status == "succeeded" and payment.idempotency_key == f"order:{order.id}:charge:2"


def test_guards_on_inputs(fake_stripe, buyer, create_firm, create_paid_order):
    order = create_paid_order(buyer, 10_000)
    with pytest.raises(FieldError, match="capture"):
        services.charge_order(order, 10_000, payer_firm=buyer, capture="later")
    with pytest.raises(FieldError, match="amount_fen"):
        services.charge_order(order, 0, payer_firm=buyer, capture="manual")
    with pytest.raises(FieldError, match="payer_firm"):
        services.charge_order(order, 10_000, payer_firm=create_firm("buyer"), capture="manual")
    draft = create_paid_order(buyer, 10_000, status="draft")
    with pytest.raises(FieldError, match="status"):
        services.charge_order(draft, 10_000, payer_firm=buyer, capture="manual")
    with pytest.raises(FieldError, match="no payment"):
        services.capture_order(draft)


def test_payout_keeps_the_fee_inside_the_price_and_splits_the_rest_by_booking_cost(
        fake_stripe, buyer, create_firm, create_paid_order, deliver_order):
    connected, plain = create_firm("factory", name="Connected"), create_firm("factory", name="Plain")
    connected.stripe_account_id = "acct_connected"
    order = create_paid_order(buyer, 100_000, shares={connected: 30_000, plain: 10_000})
    services.record_voucher_subsidy(order, 7, 20_000)
    services.charge_order(order, 80_000, payer_firm=buyer, capture="automatic")
    with pytest.raises(FieldError, match="delivered"):
        settlement.payout_order(order)
    deliver_order(order)
    payouts = settlement.payout_order(order)
    by_firm = {p.firm_id: p for p in payouts}
    # 5 % inside the price: fee = 100 000 - round(100 000 / 1.05) = 4 762; the rest (95 238) split 3 : 1
    assert (by_firm[connected.id].amount_fen, by_firm[connected.id].fee_fen) == (71_429, 3_572)
    assert (by_firm[plain.id].amount_fen, by_firm[plain.id].fee_fen) == (23_809, 1_190)
    assert sum(p.amount_fen + p.fee_fen for p in payouts) == 100_000
    assert {s.firm_id: s.net_fen for s in firm_totals(order_shares(order)).values()} == {
        connected.id: 71_429, plain.id: 23_809}  # what the schedule showed ("You receive") is what was paid
    assert by_firm[connected.id].status == "paid" and by_firm[connected.id].transfer_id.startswith("tr_")
    assert by_firm[plain.id].status == "pending_manual_settlement"
    assert ledger.balance("platform_fees") == -4_762
    assert ledger.balance("voucher_receivable:7") == 20_000
    assert ledger.balance(f"buyer:{buyer.id}") == 0
    assert ledger.balance("payouts_pending") == -23_809
    assert ledger.balance("psp_clearing") == 80_000 - 71_429 == fake_stripe.balance()
    assert settlement.payout_order(order) == payouts  # idempotent per (order, firm)
    assert len(fake_stripe.of("transfer")) == 1

    payables = settlement.firm_payables(plain)
    assert payables["owed_fen"] == 23_809 and [p.id for p in payables["payouts"]] == [by_firm[plain.id].id]
    settlement.settle_manual_payout(by_firm[plain.id], "ICBC 2026-12-21 #42")
    assert settlement.firm_payables(plain)["owed_fen"] == 0
    assert [p.status for p in settlement.firm_payouts(plain)] == ["settled_manually"]
    fees = settlement.platform_fees(buyer.cluster, datetime(2026, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
    assert fees == {"total_fen": 4_762, "by_order": [{"order_id": order.id, "fee_fen": 4_762}]}
    assert ledger.balanced()


def test_refund_after_payout_is_a_platform_expense(fake_stripe, buyer, create_firm, create_paid_order, deliver_order):
    factory = create_firm("factory")
    order = create_paid_order(buyer, 10_000, shares={factory: 1})
    services.charge_order(order, 10_000, payer_firm=buyer, capture="automatic")
    deliver_order(order)
    settlement.payout_order(order)
    services.refund_order(order, 1_000, "dispute settled")
    assert ledger.balance("refunds") == 1_000 and ledger.balance(f"buyer:{buyer.id}") == 0
    assert ledger.balanced()


def test_a_crash_after_the_key_is_written_resends_the_same_key(app, fake_stripe, buyer, create_paid_order):
    """The request reached the server but the answer was lost and the process died: the retry replays."""
    import httpx

    from marketplace import payments

    order = create_paid_order(buyer, 10_000)

    class Crash(Exception):
        pass

    def crash_after_forwarding(request):
        fake_stripe(request)
        if request.url.path == "/v1/payment_intents":
            raise Crash()
        return fake_stripe(request)

    payments.init_app(app, transport=httpx.MockTransport(crash_after_forwarding), sleep=lambda s: None)
    with pytest.raises(Crash):
        services.charge_order(order, 10_000, payer_firm=buyer, capture="automatic")
    from marketplace.extensions import db

    db.session.rollback()
    assert db.session.get(Payment, 1).status == "pending"
    payments.init_app(app, transport=httpx.MockTransport(fake_stripe), sleep=lambda s: None)
    payment = services.charge_order(order, 10_000, payer_firm=buyer, capture="automatic")
    assert payment.status == "succeeded" and len(fake_stripe.of("payment_intent")) == 1
    assert ledger.balance("psp_clearing") == 10_000


def test_ledger_refuses_unbalanced_transactions(app, db):
    with pytest.raises(ledger.UnbalancedTransaction):
        ledger.post("t:1", "test", [ledger.Dr("psp_clearing", 10), ledger.Cr("platform_fees", 9)])
    with pytest.raises(ledger.UnbalancedTransaction):
        ledger.post("t:2", "test", [ledger.Line("psp_clearing", debit=5, credit=5)])
    first = ledger.post("t:3", "test", [ledger.Dr("psp_clearing", 10), ledger.Cr("platform_fees", 10)])
    assert ledger.post("t:3", "test", [ledger.Dr("psp_clearing", 99), ledger.Cr("platform_fees", 99)]) is first
    assert ledger.balance("psp_clearing") == 10 and ledger.balanced()


def test_capture_method_rule(app, buyer, create_paid_order):
    order = create_paid_order(buyer)
    order.promised_at = datetime(2026, 12, 6, tzinfo=UTC)
    from datetime import date

    assert services.capture_method_for(order, date(2026, 12, 1)) == "manual"
    assert services.capture_method_for(order, date(2026, 11, 30)) == "automatic"


def test_split_is_exact():
    assert split(100, {1: 1, 2: 1, 3: 1}) == {1: 34, 2: 33, 3: 33}
    assert sum(split(99_999, {1: 7, 2: 13, 3: 1}).values()) == 99_999
