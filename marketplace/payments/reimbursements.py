"""Reimbursement of a voucher programme (兑付): what the programme owes the platform for the subsidies its vouchers
paid towards orders, what it paid back (recorded by the operator with the bank reference), and the settlement
report per order that goes with the claim.

The programme's debt is the ledger's `voucher_receivable:<programme>` balance (subsidies posted when orders were
paid, less reversals of cancelled ones); a reimbursement is Dr programme_funds, Cr voucher_receivable, never more
than the balance, each reference once per programme.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from marketplace.accounts.models import Firm
from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.i18n import yuan
from marketplace.orders.models import Order
from marketplace.payments import ledger
from marketplace.payments.ledger import Cr, Dr
from marketplace.payments.models import LedgerAccount, LedgerLine, LedgerTransaction
from marketplace.vouchers.models import (
    ProgrammeReimbursement,
    Voucher,
    VoucherProgramme,
    VoucherRedemption,
)


def _posted(programme: VoucherProgramme, kind: str) -> int:
    """Debits minus credits of the programme's receivable over transactions of one kind."""
    value = db.session.scalar(
        select(func.coalesce(func.sum(LedgerLine.debit_fen - LedgerLine.credit_fen), 0))
        .join(LedgerAccount, LedgerLine.account_id == LedgerAccount.id)
        .join(LedgerTransaction, LedgerLine.transaction_id == LedgerTransaction.id)
        .where(LedgerAccount.code == f"voucher_receivable:{programme.id}", LedgerTransaction.kind == kind))
    return int(value or 0)


def summary(programme: VoucherProgramme) -> dict:
    """Subsidies claimed from the programme (posted minus reversed), reimbursed, and still owed."""
    claimed = _posted(programme, "voucher_subsidy") + _posted(programme, "voucher_reversal")
    reimbursed = -_posted(programme, "reimbursement")
    received = list(db.session.scalars(select(ProgrammeReimbursement).where(
        ProgrammeReimbursement.programme_id == programme.id).order_by(ProgrammeReimbursement.received_on,
                                                                      ProgrammeReimbursement.id)))
    return {"claimed_fen": claimed, "reimbursed_fen": reimbursed,
            "outstanding_fen": ledger.balance(f"voucher_receivable:{programme.id}"), "reimbursements": received}


def record(programme: VoucherProgramme, amount_fen: int, reference: str, received_on: date, user,
           today: date) -> ProgrammeReimbursement:
    reference = " ".join((reference or "").split())
    if not reference:
        raise FieldError("reference", _("Give the bank transfer's reference."))
    if len(reference) > 80:
        raise FieldError("reference", _("At most %(n)d characters.", n=80))
    if received_on > today:
        raise FieldError("received_on", _("A reimbursement cannot be received in the future."))
    # The programme's row lock first: two operators recording at once never reimburse more than is owed.
    db.session.execute(update(VoucherProgramme).where(VoucherProgramme.id == programme.id)
                       .values(active=VoucherProgramme.active).execution_options(synchronize_session=False))
    owed = ledger.balance(f"voucher_receivable:{programme.id}")
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or not 0 < amount_fen <= owed:
        raise FieldError("amount_fen", _("Between ¥0.01 and the %(owed)s the programme still owes.", owed=yuan(owed)))
    if db.session.scalar(select(ProgrammeReimbursement.id).where(ProgrammeReimbursement.programme_id == programme.id,
                                                                 ProgrammeReimbursement.reference == reference)):
        raise FieldError("reference", _("This reference is recorded already."))
    row = ProgrammeReimbursement(programme_id=programme.id, amount_fen=amount_fen, reference=reference,
                                 received_on=received_on, recorded_by_id=user.id)
    db.session.add(row)
    db.session.flush()
    ledger.post(f"programme:{programme.id}:reimbursement:{row.id}", "reimbursement",
                [Dr("programme_funds", amount_fen), Cr(f"voucher_receivable:{programme.id}", amount_fen)],
                cluster_id=programme.cluster_id, currency=programme.currency, memo=reference)
    return row


def settlement_rows(programme: VoucherProgramme) -> list[dict]:
    """One row per order the programme's vouchers paid towards (reversed ones included, marked): the claim's detail."""
    rows = db.session.execute(
        select(Order.reference, Order.title, Order.status, Firm.name, Voucher.code, VoucherRedemption.amount_fen,
               VoucherRedemption.created_at, VoucherRedemption.reversed_at)
        .join(Voucher, VoucherRedemption.voucher_id == Voucher.id)
        .join(Order, VoucherRedemption.order_id == Order.id).join(Firm, Order.buyer_firm_id == Firm.id)
        .where(Voucher.programme_id == programme.id).order_by(VoucherRedemption.created_at, Order.reference)).all()
    return [{"order": r.reference, "title": r.title, "status": r.status, "buyer": r.name, "voucher": r.code,
             "subsidy_fen": 0 if r.reversed_at else r.amount_fen, "redeemed_at": r.created_at,
             "reversed": r.reversed_at is not None} for r in rows]
