"""Money of leases: charge the lessee (deposit and first rent at approval, later instalments when due), refund a
cancelled lease, and at the close refund the deposit less what the lessor kept. Called by outbox handlers only.

The same resumable steps as orders' money (payments/services.py): the charge or refund row and its idempotency
record are committed before the call; a resend first looks the object up at the provider by its metadata; the
outcome, the lease's new status and the ledger posting are one commit. Ledger:

    start / instalment   Dr psp_clearing            Cr factory_payable:<lessor> (rent)  Cr deposits_held (deposit)
    cancellation refund  Dr factory_payable:<lessor> (rent)  Dr deposits_held (deposit)  Cr psp_clearing
    deposit refund       Dr deposits_held           Cr psp_clearing
    deposit kept         Dr deposits_held           Cr factory_payable:<lessor>

Rent goes to the lessor in full (no platform fee on leases); instalment interest is the lessor's, who offers the plan.
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select

from capacity import lease_lifecycle
from capacity.lease_models import CHARGED_STATES, Lease, LeaseInstalment
from marketplace.accounts.models import Firm
from marketplace.db_types import utcnow
from marketplace.extensions import db
from marketplace.payments import ledger
from marketplace.payments.client import PaymentError, received_fen
from marketplace.payments.lease_models import START, LeaseCharge, LeaseRefund
from marketplace.payments.ledger import Cr, Dr
from marketplace.payments.records import finish, record
from marketplace.payments.services import REFUND_FINAL, client, ensure_customer, metadata, refund_at_provider


def charges_of(lease_id: int) -> list[LeaseCharge]:
    return list(db.session.scalars(select(LeaseCharge).where(LeaseCharge.lease_id == lease_id)
                                   .order_by(LeaseCharge.number)))


def refunds_of(lease_id: int) -> list[LeaseRefund]:
    return list(db.session.scalars(select(LeaseRefund).where(LeaseRefund.lease_id == lease_id)
                                   .order_by(LeaseRefund.id)))


def start_amounts(lease: Lease) -> tuple[int, int]:
    """(amount, deposit) of the start charge: the deposit with the whole rent, or with the first instalment."""
    first = lease.instalments[0].amount_fen if lease.instalments else lease.rent_fen
    return first + lease.deposit_fen, lease.deposit_fen


def _charge_row(lease: Lease, number: int, amount: int, deposit: int, attempt: int) -> LeaseCharge:
    charge = db.session.scalar(select(LeaseCharge).where(LeaseCharge.lease_id == lease.id,
                                                         LeaseCharge.number == number).with_for_update())
    key = f"lease:{lease.id}:charge:{number}" + (f":{attempt}" if attempt > 1 else "")
    if charge is None:
        charge = LeaseCharge(lease_id=lease.id, number=number, amount_fen=amount, deposit_fen=deposit,
                             currency=lease.currency, attempt=attempt, idempotency_key=key)
        db.session.add(charge)
        db.session.commit()
    elif charge.status == "failed" and attempt > charge.attempt:  # a new try after a decline
        charge.attempt, charge.idempotency_key, charge.status, charge.failure = attempt, key, "pending", ""
        charge.intent_id = None
        db.session.commit()
    return charge


def charge_start(lease: Lease, attempt: int) -> LeaseCharge | None:
    """The approved lease's deposit and first rent (key `lease:<id>:charge:0`, `:<n>` for the n-th try)."""
    if lease.status not in ("approved", "paid", "payment_failed", "cancelled"):
        return None
    if lease.status == "cancelled" and not charges_of(lease.id):
        return None  # cancelled before its charge was made: nothing to send
    amount, deposit = start_amounts(lease)
    charge = _charge_row(lease, START, amount, deposit, attempt)
    if charge.status == "pending":
        send_charge(lease, charge)
    return charge


def charge_instalment(lease: Lease, line: LeaseInstalment, today: date) -> LeaseCharge:
    """A later instalment that is due; a declined one is tried again once a day (it stays overdue meanwhile)."""
    charge = db.session.scalar(select(LeaseCharge).where(LeaseCharge.lease_id == lease.id,
                                                         LeaseCharge.number == line.number))
    attempt = 1 if charge is None else charge.attempt + (
        charge.status == "failed" and charge.updated_at.date() < today)
    charge = _charge_row(lease, line.number, line.amount_fen, 0, attempt)
    if charge.status == "pending":
        send_charge(lease, charge)
    return charge


def send_charge(lease: Lease, charge: LeaseCharge) -> None:
    customer = ensure_customer(db.session.get(Firm, lease.lessee_firm_id))
    params = {"amount": charge.amount_fen, "currency": charge.currency.lower(), "customer": customer,
              "payment_method": current_app.config["STRIPE_TEST_PAYMENT_METHOD"], "payment_method_types": ["card"],
              "capture_method": "automatic", "confirm": True,
              "metadata": metadata(lease=lease.id, lease_reference=lease.reference,
                                   charge_key=charge.idempotency_key)}
    rec, new = record(charge.idempotency_key, "charge", None, params)
    intent = None
    if not new:  # sent before with an unknown outcome: never a second intent for the same try
        found = client().find_by_metadata("/v1/payment_intents", {"charge_key": charge.idempotency_key},
                                          {"customer": customer})
        intent = found[0] if found else None
    if intent is None and charge.number == START and lease.status == "cancelled":
        charge.status, charge.failure = "failed", "lease cancelled before the charge was sent"
        finish(rec, "failed", error="lease cancelled")
        db.session.commit()
        return
    if intent is None:
        try:
            intent = client().create_payment_intent(rec.params, idempotency_key=rec.key)
        except PaymentError as exc:
            if exc.retryable:
                raise  # outcome unknown: the charge stays pending; the next delivery or the sweep finds out
            finish(rec, "failed", error=exc.message)
            _declined(lease, charge, exc.message)
            db.session.commit()
            return
    finish(rec, "succeeded", intent["id"])
    apply_intent(lease, charge, intent)
    db.session.commit()


def apply_intent(lease: Lease, charge: LeaseCharge, intent: dict) -> None:
    charge.intent_id = intent["id"]
    status = intent.get("status")
    if status == "succeeded" and charge.status != "succeeded":
        charge.status = "succeeded"
        received = min(received_fen(intent) or charge.amount_fen, charge.amount_fen)
        rent = received - charge.deposit_fen
        ledger.post(charge.idempotency_key, "lease_charge",
                    [Dr("psp_clearing", received), Cr(f"factory_payable:{lease.equipment.owner_firm_id}", rent),
                     Cr("deposits_held", charge.deposit_fen)],
                    cluster_id=lease.equipment.cluster_id, currency=charge.currency,
                    memo=f"lease {lease.reference} {intent['id']}")
        _mark_instalments_paid(lease, charge)
        if charge.number == START:
            lease_lifecycle.mark_paid(lease)
    elif status in ("requires_payment_method", "canceled") and charge.status == "pending":
        error = intent.get("last_payment_error") or {}
        _declined(lease, charge, error.get("message") or "declined")


def _declined(lease: Lease, charge: LeaseCharge, message: str) -> None:
    charge.status, charge.failure = "failed", message[:300]
    if charge.number == START:
        lease_lifecycle.mark_unpaid(lease)


def _mark_instalments_paid(lease: Lease, charge: LeaseCharge) -> None:
    number = 1 if charge.number == START else charge.number
    for line in lease.instalments:
        if line.number == number and line.paid_at is None:
            line.paid_at = utcnow()


def due_instalments(lease: Lease, today: date) -> list[LeaseInstalment]:
    if lease.status not in CHARGED_STATES:
        return []
    return [line for line in lease.instalments if line.number > 1 and line.paid_at is None and line.due_date <= today]


# -- refunds -------------------------------------------------------------------------------------------------------
def refund_cancelled(lease: Lease) -> list[LeaseRefund]:
    """A cancelled lease gets back everything it paid (it is cancelled before its start)."""
    refunds = []
    for charge in charges_of(lease.id):
        if charge.status == "pending":
            send_charge(lease, charge)  # find out first: a charge in flight may have gone through
        if charge.status == "succeeded":
            refunds.append(_refund(lease, charge, f"lease:{lease.id}:refund:cancel:{charge.number}",
                                   charge.amount_fen - charge.refunded_fen, charge.deposit_fen, "lease cancelled"))
    return [r for r in refunds if r is not None]


def settle_deposit(lease: Lease) -> LeaseRefund | None:
    """The closed lease: the lessor keeps `kept_fen` of the deposit (booked to it), the rest goes back."""
    start = db.session.scalar(select(LeaseCharge).where(LeaseCharge.lease_id == lease.id,
                                                        LeaseCharge.number == START, LeaseCharge.status == "succeeded"))
    if start is None or not lease.deposit_fen:
        return None
    if lease.kept_fen:
        ledger.post(f"lease:{lease.id}:deposit_kept", "deposit_kept",
                    [Dr("deposits_held", lease.kept_fen),
                     Cr(f"factory_payable:{lease.equipment.owner_firm_id}", lease.kept_fen)],
                    cluster_id=lease.equipment.cluster_id, currency=lease.currency, memo=lease.kept_reason)
        db.session.commit()
    back = lease.deposit_fen - lease.kept_fen
    return _refund(lease, start, f"lease:{lease.id}:refund:deposit", back, back, "deposit returned") if back else None


def _refund(lease: Lease, charge: LeaseCharge, key: str, amount: int, deposit: int, reason: str):
    refund = db.session.scalar(select(LeaseRefund).where(LeaseRefund.idempotency_key == key))
    if refund is None:
        if amount <= 0:
            return None
        refund = LeaseRefund(lease_id=lease.id, charge_id=charge.id, amount_fen=amount,
                             deposit_fen=min(deposit, amount), currency=charge.currency, reason=reason,
                             idempotency_key=key)
        db.session.add(refund)
        db.session.commit()
    if refund.status == "pending":
        send_refund(lease, refund)
    return refund


def send_refund(lease: Lease, refund: LeaseRefund) -> None:
    try:
        response = refund_at_provider(refund.idempotency_key, refund.charge.intent_id, refund.amount_fen,
                                      lease=lease.id)
    except PaymentError as exc:
        if exc.retryable:
            raise
        refund.status = "failed"
        db.session.commit()
        return
    refund.refund_id = response["id"]
    apply_refund(lease, refund, response)
    db.session.commit()


def apply_refund(lease: Lease, refund: LeaseRefund, obj: dict) -> None:
    status = REFUND_FINAL.get(obj.get("status"), "pending")
    if refund.status != "pending" or status == "pending":
        return
    refund.status = status
    if status == "failed":
        return
    refund.charge.refunded_fen += refund.amount_fen
    rent = refund.amount_fen - refund.deposit_fen
    ledger.post(refund.idempotency_key, "lease_refund",
                [Dr(f"factory_payable:{lease.equipment.owner_firm_id}", rent), Dr("deposits_held", refund.deposit_fen),
                 Cr("psp_clearing", refund.amount_fen)],
                cluster_id=lease.equipment.cluster_id, currency=refund.currency, memo=refund.reason)


def follow_up(lease: Lease, today: date) -> None:
    """What the sweep asks for one lease: finish charges and refunds left in flight, charge due instalments."""
    for charge in charges_of(lease.id):
        if charge.status == "pending":
            send_charge(lease, charge)
    for refund in refunds_of(lease.id):
        if refund.status == "pending":
            send_refund(lease, refund)
    for line in due_instalments(lease, today):
        charge_instalment(lease, line, today)
