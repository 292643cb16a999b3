"""`flask payments reconcile`: the provider's payments, refunds and transfers against the database and the ledger.

What it can prove it repairs (a refund or capture made at the provider is brought into the books by `sync`; an
authorisation no order holds is voided; a second capture of an order whose payment is another intent is refunded);
everything else is reported. The result is stored (ReconcileRun) for the operator's page; the CLI exits non-zero
while anything differs.
"""

from __future__ import annotations

from collections import defaultdict

from flask import current_app
from sqlalchemy import func, select

from marketplace.db_types import utcnow
from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.payments import ledger
from marketplace.payments.client import PaymentError, received_fen
from marketplace.payments.lease_models import LeaseCharge
from marketplace.payments.models import (
    LedgerAccount,
    LedgerLine,
    LedgerTransaction,
    Payment,
    Payout,
    ReconcileRun,
    Refund,
)
from marketplace.payments.services import client, metadata, sync

VOIDABLE = ("requires_payment_method", "requires_confirmation", "requires_action", "requires_capture")


def _list_or_empty(path: str) -> list[dict]:
    """A list endpoint the server may lack (localstripe has no Connect or disputes: 404) reads as empty."""
    try:
        return client().list_all(path)
    except PaymentError as exc:
        if exc.status != 404:
            raise
        return []


def provider_state() -> dict:
    """This deployment's PaymentIntents, their refunds (by intent), transfers and disputes at the provider."""
    prefix = current_app.config["PAYMENTS_KEY_PREFIX"]
    intents = [i for i in client().list_all("/v1/payment_intents")
               if (i.get("metadata") or {}).get("deployment") == prefix]
    refunds = defaultdict(list)
    charge_to_intent = {i.get("latest_charge") if isinstance(i.get("latest_charge"), str)
                        else (i.get("latest_charge") or {}).get("id"): i["id"] for i in intents}
    ours = {i["id"] for i in intents}
    for refund in client().list_all("/v1/refunds"):
        intent = refund.get("payment_intent") or charge_to_intent.get(refund.get("charge"))
        if intent in ours:
            refunds[intent].append(refund)
    transfers = [t for t in _list_or_empty("/v1/transfers") if (t.get("metadata") or {}).get("deployment") == prefix]
    disputes = [d for d in _list_or_empty("/v1/disputes") if d.get("payment_intent") in ours]
    return {"intents": intents, "refunds": refunds, "transfers": transfers, "disputes": disputes}


def _ledger_sum(code: str, kind: str | None = None, order_id: int | None = None) -> int:
    stmt = (select(func.coalesce(func.sum(LedgerLine.debit_fen - LedgerLine.credit_fen), 0))
            .join(LedgerAccount, LedgerLine.account_id == LedgerAccount.id)
            .join(LedgerTransaction, LedgerLine.transaction_id == LedgerTransaction.id)
            .where(LedgerAccount.code == code))
    if kind:
        stmt = stmt.where(LedgerTransaction.kind == kind)
    if order_id is not None:
        stmt = stmt.where(LedgerTransaction.order_id == order_id)
    return int(db.session.scalar(stmt) or 0)


def differences(state: dict) -> list[dict]:
    diffs: list[dict] = []
    payments = {p.intent_id: p for p in db.session.scalars(select(Payment).where(Payment.intent_id.is_not(None)))}
    lease_charges = {c.intent_id: c for c in db.session.scalars(
        select(LeaseCharge).where(LeaseCharge.intent_id.is_not(None)))}
    for intent in state["intents"]:
        payment = payments.get(intent["id"])
        succeeded = sum(int(r["amount"]) for r in state["refunds"][intent["id"]] if r.get("status") == "succeeded")
        received = received_fen(intent) if intent.get("status") == "succeeded" else 0
        if payment is None and intent["id"] in lease_charges:
            diffs += _lease_charge_differences(lease_charges[intent["id"]], received, succeeded)
            continue
        if payment is None:
            if intent.get("status") in VOIDABLE or received > succeeded:
                diffs.append({"kind": "orphan_intent", "intent": intent["id"], "status": intent.get("status"),
                              "order": (intent.get("metadata") or {}).get("order"), "fen": received - succeeded})
            continue
        if payment.captured_fen != received:
            diffs.append({"kind": "captured", "order": payment.order_id, "db": payment.captured_fen,
                          "provider": received})
        if payment.refunded_fen != succeeded:
            diffs.append({"kind": "refunded", "order": payment.order_id, "db": payment.refunded_fen,
                          "provider": succeeded})
    for payment in payments.values():
        order_id = payment.order_id
        charged = -_ledger_sum(f"buyer:{payment.payer_firm_id}", "buyer_charge", order_id)
        if charged != payment.captured_fen:
            diffs.append({"kind": "ledger_charge", "order": order_id, "ledger": charged, "db": payment.captured_fen})
        refunded = _ledger_sum("psp_clearing", "refund", order_id) * -1
        if refunded != payment.refunded_fen:
            diffs.append({"kind": "ledger_refund", "order": order_id, "ledger": refunded, "db": payment.refunded_fen})
    paid_transfers = {p.transfer_id: p for p in db.session.scalars(
        select(Payout).where(Payout.transfer_id.is_not(None)))}
    for transfer in state["transfers"]:
        payout = paid_transfers.get(transfer["id"])
        if payout is None or payout.amount_fen != int(transfer["amount"]):
            diffs.append({"kind": "transfer", "transfer": transfer["id"], "fen": int(transfer["amount"]),
                          "db": payout.amount_fen if payout else None})
    provider_balance = (sum(received_fen(i) for i in state["intents"] if i.get("status") == "succeeded")
                        - sum(int(r["amount"]) for rs in state["refunds"].values() for r in rs
                              if r.get("status") == "succeeded")
                        - sum(int(t["amount"]) for t in state["transfers"])
                        - sum(int(d["amount"]) for d in state["disputes"] if d.get("status") == "lost"))
    books = ledger.balance("psp_clearing") + _ledger_sum("psp_clearing", "manual_settlement") * -1
    orphans = sum(d["fen"] for d in diffs if d["kind"] == "orphan_intent")
    if provider_balance - orphans != books:
        diffs.append({"kind": "balance", "provider": provider_balance, "ledger": books, "orphans": orphans})
    if not ledger.balanced():
        diffs.append({"kind": "ledger_unbalanced"})
    return diffs


def _lease_charge_differences(charge: LeaseCharge, received: int, refunded: int) -> list[dict]:
    captured = charge.amount_fen if charge.status == "succeeded" else 0
    diffs = []
    if captured != received:
        diffs.append({"kind": "lease_captured", "lease": charge.lease_id, "db": captured, "provider": received})
    if charge.refunded_fen != refunded:
        diffs.append({"kind": "lease_refunded", "lease": charge.lease_id, "db": charge.refunded_fen,
                      "provider": refunded})
    return diffs


def _repair(diffs: list[dict]) -> list[dict]:
    repaired = []
    for order_id in sorted({d["order"] for d in diffs if d["kind"] in ("captured", "refunded")}):
        order = db.session.get(Order, order_id)
        if order is not None:
            sync(order)
            repaired.append({"kind": "synced", "order": order_id})
    for diff in (d for d in diffs if d["kind"] == "orphan_intent"):
        if diff["status"] in VOIDABLE:
            client().cancel_payment_intent(diff["intent"], idempotency_key=f"orphan:{diff['intent']}:cancel")
            repaired.append({"kind": "voided_orphan", "intent": diff["intent"]})
        elif diff["fen"] > 0 and _order_paid_by_other_intent(diff):
            client().create_refund(payment_intent=diff["intent"], amount=diff["fen"],
                                   metadata=metadata(reason="second capture of an order"),
                                   idempotency_key=f"orphan:{diff['intent']}:refund")
            repaired.append({"kind": "refunded_orphan", "intent": diff["intent"], "fen": diff["fen"]})
    return repaired


def _order_paid_by_other_intent(diff: dict) -> bool:
    try:
        order_id = int(diff.get("order") or 0)
    except ValueError:
        return False
    payment = db.session.scalar(select(Payment).where(Payment.order_id == order_id))
    return payment is not None and payment.intent_id not in (None, diff["intent"])


def reconcile(repair: bool = True) -> ReconcileRun:
    run = ReconcileRun(started_at=utcnow())
    db.session.add(run)
    db.session.commit()
    try:
        diffs = differences(provider_state())
        if diffs and repair:
            run.repaired = _repair(diffs)
            db.session.commit()
            diffs = differences(provider_state())
        run.differences, run.ok = diffs, not diffs
    except PaymentError as exc:
        run.error, run.ok = exc.message[:300], False
    run.finished_at = utcnow()
    db.session.commit()
    return run


def last_run() -> ReconcileRun | None:
    return db.session.scalar(select(ReconcileRun).where(ReconcileRun.finished_at.is_not(None))
                             .order_by(ReconcileRun.id.desc()).limit(1))


def pending_refunds() -> int:
    return db.session.scalar(select(func.count(Refund.id)).where(Refund.status == "pending")) or 0
