"""The double-entry ledger: every money movement is one transaction whose lines balance.

Accounts (the platform's books, in fen):

    psp_clearing               asset      money held at the payments provider (platform balance)
    voucher_receivable:<prog>  asset      subsidies a voucher programme owes for orders
    programme_funds            asset      programmes' reimbursements received by bank transfer (outside the provider)
    buyer:<firm>               liability  funds received for a buyer firm's orders, not yet settled to factories
    factory_payable:<firm>     liability  what the platform owes a factory firm
    payouts_pending            liability  payouts approved but waiting for manual settlement (no Connect)
    deposits_held              liability  lease deposits the platform holds until the lessor inspects the return
    platform_fees              revenue    the platform's fee
    refunds                    expense    refunds paid after the order was already settled to factories
    dispute_losses             expense    disputes lost after the order was already settled to factories

`post` is idempotent by business key: posting `order:12:capture` twice returns the first transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from marketplace.extensions import db, insert_on_conflict
from marketplace.payments.models import LedgerAccount, LedgerLine, LedgerTransaction

KINDS = {"psp_clearing": "asset", "voucher_receivable": "asset", "programme_funds": "asset", "buyer": "liability",
         "factory_payable": "liability", "payouts_pending": "liability", "deposits_held": "liability",
         "platform_fees": "revenue",
         "refunds": "expense", "dispute_losses": "expense"}


class UnbalancedTransaction(ValueError):
    pass


@dataclass(frozen=True)
class Line:
    account: str
    debit: int = 0
    credit: int = 0


def Dr(account: str, amount: int) -> Line:
    return Line(account, debit=amount)


def Cr(account: str, amount: int) -> Line:
    return Line(account, credit=amount)


def account(code: str) -> LedgerAccount:
    """The account with that code, created on first use (its kind follows the prefix). Race-free: an insert that
    finds the code taken by a concurrent transaction does nothing, and the row is read back."""
    row = db.session.scalar(select(LedgerAccount).where(LedgerAccount.code == code))
    if row is not None:
        return row
    prefix, _, suffix = code.partition(":")
    if prefix not in KINDS:
        raise ValueError(f"unknown ledger account {code!r}")
    firm_id = int(suffix) if prefix in ("buyer", "factory_payable") and suffix else None
    values = {"code": code, "kind": KINDS[prefix], "firm_id": firm_id}
    db.session.execute(insert_on_conflict(LedgerAccount).values(**values).on_conflict_do_nothing(
        index_elements=["code"]))
    return db.session.scalar(select(LedgerAccount).where(LedgerAccount.code == code))


def find(key: str) -> LedgerTransaction | None:
    return db.session.scalar(select(LedgerTransaction).where(LedgerTransaction.key == key))


def post(key: str, kind: str, lines: Iterable[Line], *, order=None, cluster_id: int | None = None,
         currency: str = "CNY", memo: str = "") -> LedgerTransaction:
    """Record one balanced transaction under `key` (or return the one already recorded). Zero lines are dropped."""
    existing = find(key)
    if existing is not None:
        return existing
    lines = [line for line in lines if line.debit or line.credit]
    for line in lines:
        if line.debit < 0 or line.credit < 0 or (line.debit and line.credit):
            raise UnbalancedTransaction(f"{key}: a line is either a positive debit or a positive credit: {line}")
    debits, credits = sum(line.debit for line in lines), sum(line.credit for line in lines)
    if debits != credits:
        raise UnbalancedTransaction(f"{key}: debits {debits} != credits {credits}")
    if not lines:
        raise UnbalancedTransaction(f"{key}: a transaction moves some money")
    txn = LedgerTransaction(key=key, kind=kind, order_id=getattr(order, "id", None),
                            cluster_id=cluster_id if cluster_id is not None else getattr(order, "cluster_id", None),
                            currency=currency, memo=memo[:300])
    for line in lines:
        txn.lines.append(LedgerLine(account=account(line.account), debit_fen=line.debit, credit_fen=line.credit))
    db.session.add(txn)
    db.session.flush()
    return txn


def balance(code: str) -> int:
    """Debits minus credits of one account (assets and expenses positive, liabilities and revenue negative)."""
    value = db.session.scalar(
        select(func.coalesce(func.sum(LedgerLine.debit_fen - LedgerLine.credit_fen), 0))
        .join(LedgerAccount, LedgerLine.account_id == LedgerAccount.id).where(LedgerAccount.code == code))
    return int(value or 0)


def order_balance(code: str, order_id: int) -> int:
    """Debits minus credits of one account over one order's transactions."""
    value = db.session.scalar(
        select(func.coalesce(func.sum(LedgerLine.debit_fen - LedgerLine.credit_fen), 0))
        .join(LedgerAccount, LedgerLine.account_id == LedgerAccount.id)
        .join(LedgerTransaction, LedgerLine.transaction_id == LedgerTransaction.id)
        .where(LedgerAccount.code == code, LedgerTransaction.order_id == order_id))
    return int(value or 0)


def balanced() -> bool:
    """Debits equal credits overall and within every transaction."""
    totals = db.session.execute(select(func.coalesce(func.sum(LedgerLine.debit_fen), 0),
                                       func.coalesce(func.sum(LedgerLine.credit_fen), 0))).one()
    if int(totals[0]) != int(totals[1]):
        return False
    lopsided = db.session.scalar(
        select(func.count()).select_from(
            select(LedgerLine.transaction_id).group_by(LedgerLine.transaction_id)
            .having(func.sum(LedgerLine.debit_fen) != func.sum(LedgerLine.credit_fen)).subquery()))
    return not lopsided
