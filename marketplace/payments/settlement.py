"""Settling a delivered order: split what is held for it between the factories, take the platform fee, pay each
factory by a Connect transfer (or record it for manual settlement); and the reads of payables and payouts."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import Firm
from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.fees import fee_bp
from marketplace.orders.models import Order
from marketplace.orders.shares import firm_totals, order_shares
from marketplace.outbox import Retry
from marketplace.payments import ledger
from marketplace.payments.client import PaymentError
from marketplace.payments.ledger import Cr, Dr
from marketplace.payments.models import LedgerAccount, LedgerLine, LedgerTransaction, Payout
from marketplace.payments.records import finish, record
from marketplace.payments.services import client, metadata, payment_of, send_charge, send_refund


def payout_order(order: Order) -> list[Payout]:
    """Settle a delivered order: the funds held for it (captured - refunded + voucher subsidies) are split between
    the factory firms that did its steps (``orders.shares``: the platform fee inside the price is kept, the rest is
    split by the bookings' cost, nothing more is deducted from a factory). Each firm is paid by a Connect transfer
    (`order:<id>:payout:<firm>`); without a connected account, or when the API has no transfers (404), the payout
    is recorded as "pending_manual_settlement". Idempotent per (order, firm). Held while a dispute is open (raises
    Retry)."""
    if order.status not in ("delivered", "completed", "disputed"):
        raise FieldError("status", _("Factories are paid once the order is delivered."))
    payment = payment_of(order, lock=True)
    if payment is not None:
        if payment.status == "pending":
            send_charge(order, payment)
        for pending in [r for r in payment.refunds if r.status == "pending" and not r.refund_id]:
            send_refund(order, payment, pending)
        if payment.status == "requires_capture":
            raise FieldError("payment", _("Capture the payment before paying the factories."))
        if payment.dispute_open or any(r.status == "pending" for r in payment.refunds):
            raise Retry("payouts wait until the dispute or the pending refund is settled", delay_s=300)
    if ledger.find(f"order:{order.id}:settlement") is None:
        _settle(order)
    payouts = db.session.scalars(select(Payout).where(Payout.order_id == order.id).order_by(Payout.firm_id)).all()
    for payout in payouts:
        if payout.status == "pending":
            _send_payout(order, payout)
    return payouts


def _settle(order: Order) -> None:
    held = -ledger.order_balance(f"buyer:{order.buyer_firm_id}", order.id)
    if held <= 0:
        raise FieldError("payment", _("No money is held for this order."))
    firms = firm_totals(order_shares(order, held))
    if not firms:
        raise FieldError("bookings", _("No factory booking to pay for this order."))
    lines = [Dr(f"buyer:{order.buyer_firm_id}", held)]
    for firm_id, share in firms.items():
        lines.append(Cr(f"factory_payable:{firm_id}", share.net_fen))
        db.session.add(Payout(order_id=order.id, firm_id=firm_id, cluster_id=order.cluster_id,
                              gross_fen=share.gross_fen, fee_fen=share.fee_fen, amount_fen=share.net_fen,
                              currency=order.currency, idempotency_key=f"order:{order.id}:payout:{firm_id}"))
    lines.append(Cr("platform_fees", sum(s.fee_fen for s in firms.values())))
    ledger.post(f"order:{order.id}:settlement", "order_settlement", lines, order=order, currency=order.currency,
                memo=f"fee {fee_bp()} bp inside the price")
    try:
        db.session.commit()
    except IntegrityError:  # settled concurrently
        db.session.rollback()


def _send_payout(order: Order, payout: Payout) -> None:
    firm = db.session.get(Firm, payout.firm_id)
    manual_reason = None
    if payout.amount_fen == 0:
        payout.status = "paid"
        db.session.commit()
        return
    if not firm.stripe_account_id:
        manual_reason = "the factory has no connected account"
    else:
        rec, new = record(payout.idempotency_key, "payout", order.id,
                          {"amount": payout.amount_fen, "destination": firm.stripe_account_id})
        group = f"{current_app.config['PAYMENTS_KEY_PREFIX']}:order:{order.id}"
        try:
            found = [] if new else client().find_by_metadata(
                "/v1/transfers", {"payout_key": payout.idempotency_key}, {"transfer_group": group})
            transfer = found[0] if found else client().create_transfer(
                amount=payout.amount_fen, currency=payout.currency.lower(), destination=firm.stripe_account_id,
                transfer_group=group, idempotency_key=payout.idempotency_key,
                metadata=metadata(order=order.id, firm=firm.id, payout_key=payout.idempotency_key))
        except PaymentError as exc:
            if exc.retryable:
                raise
            finish(rec, "failed", error=exc.message)
            if exc.status != 404:
                payout.status, payout.note = "failed", exc.message[:300]
                db.session.commit()
                return
            manual_reason = "the payments API has no Connect transfers"
        else:
            finish(rec, "succeeded", transfer["id"])
            payout.status, payout.transfer_id = "paid", transfer["id"]
            ledger.post(payout.idempotency_key, "payout",
                        [Dr(f"factory_payable:{firm.id}", payout.amount_fen), Cr("psp_clearing", payout.amount_fen)],
                        order=order, currency=payout.currency, memo=transfer["id"])
    if manual_reason:
        payout.status, payout.note = "pending_manual_settlement", manual_reason
        ledger.post(payout.idempotency_key, "payout",
                    [Dr(f"factory_payable:{firm.id}", payout.amount_fen), Cr("payouts_pending", payout.amount_fen)],
                    order=order, currency=payout.currency, memo=manual_reason)
    db.session.commit()


def settle_manual_payout(payout: Payout, reference: str) -> Payout:
    """The operator paid a pending payout outside the API (bank transfer `reference`)."""
    if payout.status == "settled_manually":
        return payout
    if payout.status != "pending_manual_settlement":
        raise FieldError("status", _("A payout in status %(status)s is not waiting for manual settlement.",
                                     status=payout.status))
    payout.status, payout.note = "settled_manually", f"settled: {reference}"[:300]
    ledger.post(f"payout:{payout.id}:manual_settlement", "manual_settlement",
                [Dr("payouts_pending", payout.amount_fen), Cr("psp_clearing", payout.amount_fen)],
                cluster_id=payout.cluster_id, currency=payout.currency, memo=reference)
    db.session.commit()
    return payout


# -- reads ---------------------------------------------------------------------------------------------------------
def firm_payables(firm) -> dict:
    """What the platform owes a factory firm: the ledger balance and the payouts not yet paid to it."""
    open_payouts = db.session.scalars(
        select(Payout).where(Payout.firm_id == firm.id, Payout.status.in_(("pending", "pending_manual_settlement",
                                                                            "failed")))
        .order_by(Payout.id)).all()
    return {"owed_fen": -ledger.balance(f"factory_payable:{firm.id}") + sum(
        p.amount_fen for p in open_payouts if p.status == "pending_manual_settlement"),
            "payouts": open_payouts}


def firm_payouts(firm) -> list[Payout]:
    return list(db.session.scalars(select(Payout).where(Payout.firm_id == firm.id).order_by(Payout.id.desc())))


def platform_fees(cluster, start: datetime, end: datetime) -> dict:
    """Platform fees posted for a cluster's orders in [start, end): the total and per order."""
    rows = db.session.execute(
        select(LedgerTransaction.order_id, func.sum(LedgerLine.credit_fen - LedgerLine.debit_fen))
        .join(LedgerLine, LedgerLine.transaction_id == LedgerTransaction.id)
        .join(LedgerAccount, LedgerLine.account_id == LedgerAccount.id)
        .where(LedgerAccount.code == "platform_fees", LedgerTransaction.cluster_id == cluster.id,
               LedgerTransaction.created_at >= start, LedgerTransaction.created_at < end)
        .group_by(LedgerTransaction.order_id).order_by(LedgerTransaction.order_id)).all()
    by_order = [{"order_id": order_id, "fee_fen": int(fee)} for order_id, fee in rows]
    return {"total_fen": sum(r["fee_fen"] for r in by_order), "by_order": by_order}
