"""A lease's whole life with its money, through the outbox and a Stripe-shaped server: request, approval, the
deposit and first rent charged, handover, instalments charged when due (and retried when declined), return,
inspection with part of the deposit kept, refunds; the ledger balanced and agreeing with the provider throughout."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from capacity import lease_lifecycle
from capacity.lease_models import Lease
from capacity.leasing import lease
from capacity.models import EquipmentAvailability, InstalmentPlan
from marketplace.db_types import clock_at, utcnow
from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.i18n import local_zone
from marketplace.leasing import money
from marketplace.notifications.models import Notification
from marketplace.payments import ledger, reconcile
from marketplace.payments.lease_handlers import sweep_leases
from marketplace.payments.lease_models import LeaseCharge, LeaseRefund

DEPOSIT, DAILY = 2_000_000, 50_000


def today():
    return utcnow().astimezone(local_zone()).date()


@pytest.fixture
def parties(db, create_firm, create_user, create_equipment, create_factory):
    owner = create_firm("lessor", name="Dongguan Leasing")
    lessee = create_firm("factory", name="Chang'an Works")
    create_user(owner), create_user(lessee)
    site = create_factory(lessee)
    item = create_equipment(owner, name="Haas UMC-750", min_days=3, daily_rate_fen=DAILY, deposit_fen=DEPOSIT,
                            delivered_to_lessee=True)
    db.session.add_all([EquipmentAvailability(equipment=item, start_date=today(),
                                              end_date=today() + timedelta(days=300)),
                        InstalmentPlan(equipment=item, months=3, annual_rate_bp=600)])
    db.session.commit()
    return owner, lessee, site, item


def request(parties, days=92, months=None, start_in=5):
    owner, lessee, site, item = parties
    start = today() + timedelta(days=start_in)
    record = lease(item, lessee, start, start + timedelta(days=days - 1), site=site, instalment_months=months,
                   today=today())
    db.session.commit()
    return record


def at(day):
    return clock_at(datetime.combine(day, time(10), tzinfo=local_zone()).astimezone(UTC))


def provider_agrees():
    """Reconciliation, as it runs every hour: nothing differs once a declined attempt's intent is voided."""
    run = reconcile.reconcile(repair=True)
    assert run.ok, run.differences
    assert all(r["kind"] == "voided_orphan" for r in run.repaired) and ledger.balanced()


def test_whole_lease_on_instalments_with_part_of_the_deposit_kept(app, parties, fake_stripe, drain):
    owner, lessee, site, item = parties
    record = request(parties, months=3)
    rent = 92 * DAILY
    first, second, third = (line.amount_fen for line in record.instalments)
    assert record.status == "requested" and first + second + third == record.total_payable_fen > rent
    drain()
    lessor_inbox = db.session.scalars(select(Notification.kind).join(Notification.user)
                                      .where(Notification.user.has(firm_id=owner.id))).all()
    assert "lease_requested" in lessor_inbox

    with pytest.raises(FieldError):  # the lessee cannot approve its own request
        lease_lifecycle.approve(record, lessee, today())
    lease_lifecycle.approve(record, owner, today())
    db.session.commit()
    with pytest.raises(FieldError):  # a second press moves nothing
        lease_lifecycle.approve(record, owner, today())
    drain()
    drain()  # a second delivery of the same event charges nothing more
    db.session.refresh(record)
    assert record.status == "paid"
    start = db.session.scalar(select(LeaseCharge).where(LeaseCharge.lease_id == record.id))
    assert (start.status, start.amount_fen, start.deposit_fen) == ("succeeded", DEPOSIT + first, DEPOSIT)
    assert len(fake_stripe.of("payment_intent")) == 1
    assert ledger.balance("deposits_held") == -DEPOSIT
    assert ledger.balance(f"factory_payable:{owner.id}") == -first
    assert record.instalments[0].paid_at is not None and record.instalments[1].paid_at is None
    provider_agrees()

    lease_lifecycle.hand_over(record, owner, today(), "Spindle 1,204 h; no damage; 2 vices, 1 probe")
    db.session.commit()
    assert record.status == "active" and "1,204 h" in record.handover_note

    # The second instalment falls due: the sweep charges it once, however often it runs.
    due = record.instalments[1].due_date
    with at(due):
        sweep_leases()
        drain()
        sweep_leases()
        drain()
    db.session.refresh(record)
    assert record.instalments[1].paid_at is not None and record.instalments[2].paid_at is None
    assert len(fake_stripe.of("payment_intent")) == 2
    assert ledger.balance(f"factory_payable:{owner.id}") == -(first + second)

    # The third is declined: overdue and told to both sides, then paid the next day with a working card.
    app.config["STRIPE_TEST_PAYMENT_METHOD"], good = "pm_card_chargeDeclined", app.config["STRIPE_TEST_PAYMENT_METHOD"]
    due = record.instalments[2].due_date
    with at(due):
        sweep_leases()
        drain()
    third_charge = db.session.scalar(select(LeaseCharge).where(LeaseCharge.lease_id == record.id,
                                                               LeaseCharge.number == 3))
    assert third_charge.status == "failed" and record.instalments[2].paid_at is None
    with at(due + timedelta(days=2)):
        from marketplace.notifications.lease_handlers import instalment_reminders
        instalment_reminders()
        app.config["STRIPE_TEST_PAYMENT_METHOD"] = good
        sweep_leases()
        drain()
    overdue = db.session.scalars(select(Notification).where(Notification.kind == "instalment_overdue")).all()
    assert {n.user.firm_id for n in overdue} == {owner.id, lessee.id}
    db.session.refresh(third_charge)
    assert (third_charge.status, third_charge.attempt) == ("succeeded", 2)
    db.session.refresh(record)
    assert all(line.paid_at for line in record.instalments)
    assert ledger.balance(f"factory_payable:{owner.id}") == -record.total_payable_fen

    # Return, inspection: ¥1,500 kept for a broken probe, the rest of the deposit refunded.
    lease_lifecycle.give_back(record, lessee, today(), "Cleaned; probe tip broken")
    db.session.commit()
    with pytest.raises(FieldError) as error:
        lease_lifecycle.inspect(record, owner, today(), 150_000, "")
    assert error.value.field == "reason"
    with pytest.raises(FieldError) as error:
        lease_lifecycle.inspect(record, owner, today(), DEPOSIT + 1, "too much")
    assert error.value.field == "kept_fen"
    lease_lifecycle.inspect(record, owner, today(), 150_000, "Probe tip replaced")
    db.session.commit()
    drain()
    refund = db.session.scalar(select(LeaseRefund).where(LeaseRefund.lease_id == record.id))
    assert (refund.status, refund.amount_fen) == ("succeeded", DEPOSIT - 150_000)
    assert ledger.balance("deposits_held") == 0
    assert ledger.balance(f"factory_payable:{owner.id}") == -(record.total_payable_fen + 150_000)
    figures = money.lessor_summary(owner, today())
    assert (figures["received_fen"], figures["kept_fen"], figures["deposits_held_fen"],
            figures["receivable_fen"]) == (record.total_payable_fen, 150_000, 0, 0)
    lessee_inbox = {n.kind for n in db.session.scalars(select(Notification).where(
        Notification.user.has(firm_id=lessee.id)))}
    assert {"lease_approved", "lease_handed_over", "lease_closed", "instalment_overdue"} <= lessee_inbox
    provider_agrees()


def test_declined_card_then_pay_again(app, parties, fake_stripe, drain):
    owner, lessee, _, _ = parties
    record = request(parties, days=10)
    good, app.config["STRIPE_TEST_PAYMENT_METHOD"] = app.config["STRIPE_TEST_PAYMENT_METHOD"], "pm_card_chargeDeclined"
    lease_lifecycle.approve(record, owner, today())
    db.session.commit()
    drain()
    db.session.refresh(record)
    assert record.status == "payment_failed" and lease_lifecycle.actions(record, lessee, today()) == (
        "pay_again", "cancel")
    assert lease_lifecycle.actions(record, owner, today()) == ()
    app.config["STRIPE_TEST_PAYMENT_METHOD"] = good
    lease_lifecycle.pay_again(record, lessee, today())
    db.session.commit()
    drain()
    db.session.refresh(record)
    charge = db.session.scalar(select(LeaseCharge).where(LeaseCharge.lease_id == record.id))
    assert (record.status, charge.status, charge.attempt, charge.amount_fen) == (
        "paid", "succeeded", 2, DEPOSIT + 10 * DAILY)
    assert charge.idempotency_key.endswith(":2")
    provider_agrees()


def test_cancelled_after_payment_refunds_everything(parties, fake_stripe, drain):
    owner, lessee, _, _ = parties
    record = request(parties, days=10)
    lease_lifecycle.approve(record, owner, today())
    db.session.commit()
    drain()
    lease_lifecycle.cancel(db.session.get(Lease, record.id), lessee, today())
    db.session.commit()
    drain()
    refunds = db.session.scalars(select(LeaseRefund).where(LeaseRefund.lease_id == record.id)).all()
    assert [(r.status, r.amount_fen) for r in refunds] == [("succeeded", DEPOSIT + 10 * DAILY)]
    assert ledger.balance("deposits_held") == 0 and ledger.balance(f"factory_payable:{owner.id}") == 0
    provider_agrees()
    # a cancelled lease frees its dates
    again = request(parties, days=10)
    assert again.status == "requested"


def test_cancelled_before_the_charge_is_sent_charges_nothing(parties, fake_stripe, drain):
    owner, lessee, _, _ = parties
    record = request(parties, days=10)
    lease_lifecycle.approve(record, owner, today())
    db.session.commit()
    lease_lifecycle.cancel(record, lessee, today())  # before the runner delivered the approval
    db.session.commit()
    drain()
    assert fake_stripe.of("payment_intent") == [] and ledger.balance("psp_clearing") == 0


def test_instalment_plan_must_fit_the_term(parties):
    with pytest.raises(FieldError) as error:
        request(parties, days=7, months=3)
    assert error.value.field == "instalment_months"
    assert request(parties, days=70, months=3).instalment_months == 3  # the third payment within the term


def test_lease_api_moves_and_refuses(parties, api_as, create_user, create_firm, fake_stripe, drain):
    owner, lessee, _, _ = parties
    record = request(parties, days=10)
    as_owner, as_lessee = api_as(owner.users[0]), api_as(lessee.users[0])
    intruder = api_as(create_user(create_firm("factory")))
    assert intruder.post(f"/api/v1/leases/{record.id}/approve").status_code == 404
    assert as_lessee.get(f"/api/v1/leases/{record.id}").get_json()["actions"] == ["cancel"]
    assert as_owner.get(f"/api/v1/leases/{record.id}").get_json()["actions"] == ["approve", "decline"]
    refused = as_lessee.post(f"/api/v1/leases/{record.id}/approve")
    assert refused.status_code == 422 and "status" in refused.get_json()["errors"]
    assert as_owner.post(f"/api/v1/leases/{record.id}/decline", json={}).status_code == 422
    body = as_owner.post(f"/api/v1/leases/{record.id}/approve").get_json()
    assert body["status"] == "approved"
    drain()
    assert as_owner.post(f"/api/v1/leases/{record.id}/hand-over", json={"note": ""}).status_code == 422
    handed = as_owner.post(f"/api/v1/leases/{record.id}/hand-over", json={"note": "Good as new"}).get_json()
    assert (handed["status"], handed["handover_note"]) == ("active", "Good as new")
    assert as_lessee.post(f"/api/v1/leases/{record.id}/return", json={"note": "Back"}).get_json()["status"] == (
        "returned")
    closed = as_owner.post(f"/api/v1/leases/{record.id}/inspect", json={"kept_fen": 0}).get_json()
    assert closed["status"] == "closed"
    drain()
    assert ledger.balance("deposits_held") == 0


def test_lease_money_against_localstripe(parties, localstripe, drain):
    """The same calls against a real localstripe on loopback: charge, deposit refund less the part kept."""
    owner, lessee, _, _ = parties
    record = request(parties, days=10)
    lease_lifecycle.approve(record, owner, today())
    db.session.commit()
    drain()
    db.session.refresh(record)
    assert record.status == "paid"
    lease_lifecycle.hand_over(record, owner, today(), "ok")
    lease_lifecycle.give_back(record, lessee, today(), "")
    lease_lifecycle.inspect(record, owner, today(), 30_000, "Coolant tank dirty")
    db.session.commit()
    drain()
    refund = db.session.scalar(select(LeaseRefund).where(LeaseRefund.lease_id == record.id))
    assert (refund.status, refund.amount_fen) == ("succeeded", DEPOSIT - 30_000)
    assert ledger.balance(f"factory_payable:{owner.id}") == -(10 * DAILY + 30_000)
    assert ledger.balance("deposits_held") == 0
    differences = [d for d in reconcile.differences(reconcile.provider_state()) if d.get("lease") == record.id]
    assert differences == []


def test_lessor_approving_while_lessee_cancels_moves_the_lease_once(app, parties, fake_stripe, drain):
    """Four presses at once (two approvals, a decline, the lessee's cancel): one wins, one event, one outcome."""
    from marketplace.outbox.models import OutboxMessage
    from tests.app.test_vouchers_and_leases import run_concurrently

    owner, lessee, _, _ = parties
    record = request(parties, days=10)
    lease_id, owner_id, lessee_id = record.id, owner.id, lessee.id

    def press(move, firm_id, *args):
        def job():
            from marketplace.accounts.models import Firm
            return move(db.session.get(Lease, lease_id), db.session.get(Firm, firm_id), today(), *args).status
        return job

    results = run_concurrently(app, [press(lease_lifecycle.approve, owner_id), press(lease_lifecycle.approve, owner_id),
                                     press(lease_lifecycle.decline, owner_id, "busy"),
                                     press(lease_lifecycle.cancel, lessee_id)])
    db.session.rollback()
    won = [r for r in results if isinstance(r, str)]
    assert all(isinstance(r, Exception) for r in results if not isinstance(r, str)), results
    # From "requested" exactly one press moves the lease; the only press that may follow it is the lessee's cancel
    # of an approved lease (a legal second move on the state it then saw), never a second approval or a decline.
    assert len(won) == 1 or sorted(won) == ["approved", "cancelled"], results
    final = db.session.get(Lease, lease_id).status
    assert final == ("cancelled" if "cancelled" in won else won[0])
    moves = db.session.scalars(select(OutboxMessage.dedupe_key).where(
        OutboxMessage.handler == "payments.lease_money", OutboxMessage.dedupe_key != f"lease:{lease_id}:requested"))
    assert len(list(moves)) == len(won)
    drain()
    charged = [i for i in fake_stripe.of("payment_intent") if i["status"] == "succeeded"]
    refunded = sum(r["amount"] for r in fake_stripe.of("refund"))
    if won == ["approved"]:
        assert len(charged) == 1 and refunded == 0
    else:  # declined, cancelled before approval, or approved then cancelled: nothing kept from the lessee
        assert len(charged) <= 1 and refunded == sum(i["amount"] for i in charged)
        assert ledger.balance("deposits_held") == 0 and ledger.balance(f"factory_payable:{owner_id}") == 0
