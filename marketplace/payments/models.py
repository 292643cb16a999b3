"""Payments, refunds, payouts, idempotency records, webhook events and the double-entry ledger.

Money is integer fen in BigInteger columns (sums over a cluster exceed 2**31). Every row that stands for a request
to the payments API carries the Idempotency-Key it is sent with; the key is written and committed before the call.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db_types import UTCDateTime, currency_column, utcnow
from marketplace.extensions import db


class IdempotencyRecord(db.Model):
    """One business action sent to the payments API (`order:12:charge`, `order:12:refund:2`, ...).

    Written and committed *before* the first HTTP attempt, with the parameters; a retry after a crash finds it and
    sends the same key with the same parameters, so the payments API answers with the original result.
    """

    __tablename__ = "payment_idempotency"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    action: Mapped[str] = mapped_column(String(20), nullable=False)  # customer charge capture cancel refund payout
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"), index=True)
    params: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    state: Mapped[str] = mapped_column(String(12), nullable=False, default="started")  # started succeeded failed
    response_id: Mapped[str | None] = mapped_column(String(80))
    error: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)


class Payment(db.Model):
    """The buyer's payment for one order: one PaymentIntent (a declined attempt may be followed by another)."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("captured_fen >= 0 AND captured_fen <= amount_fen", name="captured_within_amount"),
        CheckConstraint("refunded_fen >= 0 AND refunded_fen <= captured_fen", name="refunded_within_captured"),
        CheckConstraint("capture_method in ('manual', 'automatic')", name="capture_method_known"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True, nullable=False)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id"), nullable=False, index=True)
    payer_firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), nullable=False, index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    captured_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    refunded_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    currency: Mapped[str] = currency_column()
    capture_method: Mapped[str] = mapped_column(String(10), nullable=False)
    # pending (key written, outcome unknown) requires_capture succeeded canceled failed
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="pending")
    attempt: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    idempotency_key: Mapped[str] = mapped_column(String(120), nullable=False)
    intent_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    customer_id: Mapped[str | None] = mapped_column(String(80))
    failure: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    # the provider's dispute of the charge, if any: needs_response under_review won lost ...
    dispute_id: Mapped[str | None] = mapped_column(String(80))
    dispute_status: Mapped[str] = mapped_column(String(30), nullable=False, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    refunds: Mapped[list[Refund]] = relationship(back_populates="payment", order_by="Refund.number")

    @property
    def dispute_open(self) -> bool:
        return bool(self.dispute_id) and self.dispute_status not in ("won", "lost", "warning_closed")

    @property
    def next_refund_number(self) -> int:
        return max((r.number for r in self.refunds), default=0) + 1

    @property
    def refundable_fen(self) -> int:
        """Captured minus refunded minus refunds whose outcome is not known yet."""
        pending = sum(r.amount_fen for r in self.refunds if r.status == "pending")
        return self.captured_fen - self.refunded_fen - pending


class Refund(db.Model):
    __tablename__ = "payment_refunds"
    __table_args__ = (
        UniqueConstraint("payment_id", "number"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), nullable=False, index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    amount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    currency: Mapped[str] = currency_column()
    reason: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    # pending (sent or about to be, outcome unknown) succeeded failed canceled; provider's pending is followed up
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="pending")
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    refund_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    source: Mapped[str] = mapped_column(String(10), nullable=False, default="app", server_default="app")  # app provider
    failure: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    payment: Mapped[Payment] = relationship(back_populates="refunds")


class Payout(db.Model):
    """What one factory firm is paid for one order: its bookings' share, platform fee deducted."""

    __tablename__ = "payouts"
    __table_args__ = (
        UniqueConstraint("order_id", "firm_id"),
        CheckConstraint("gross_fen >= 0 AND fee_fen >= 0 AND amount_fen = gross_fen - fee_fen", name="net_of_fee"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), nullable=False, index=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), nullable=False, index=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id"), nullable=False, index=True)
    gross_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    fee_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    amount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    currency: Mapped[str] = currency_column()
    # pending (key written) paid pending_manual_settlement settled_manually failed
    status: Mapped[str] = mapped_column(String(30), nullable=False, default="pending")
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    transfer_id: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)


class RefundRequest(db.Model):
    """A buyer asks for money back (all or part, with a reason); the operator or a factory of the order decides."""

    __tablename__ = "refund_requests"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), nullable=False, index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    reason: Mapped[str] = mapped_column(String(300), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="requested")  # requested approved declined
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_note: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReconcileRun(db.Model):
    """One comparison of the provider's payments, refunds and transfers with the database and the ledger."""

    __tablename__ = "reconcile_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ok: Mapped[bool] = mapped_column(db.Boolean, nullable=False, default=False)
    differences: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    repaired: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    error: Mapped[str] = mapped_column(String(300), nullable=False, default="")


class WebhookEvent(db.Model):
    """Each delivered event id once: a replay finds its row and changes nothing."""

    __tablename__ = "payment_webhook_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    type: Mapped[str] = mapped_column(String(80), nullable=False)
    object_id: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    outcome: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class LedgerAccount(db.Model):
    """`psp_clearing`, `buyer:12`, `voucher_receivable:3`, `platform_fees`, `factory_payable:7`, `payouts_pending`,
    `refunds`. Normal side: assets and expenses grow on the debit side, liabilities and revenue on the credit side."""

    __tablename__ = "ledger_accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)  # asset liability revenue expense
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firms.id"), index=True)


class LedgerTransaction(db.Model):
    """One money movement; its lines balance. `key` is the business key, so a retry never posts twice."""

    __tablename__ = "ledger_transactions"
    __table_args__ = (Index("ix_ledger_transactions_cluster_kind", "cluster_id", "kind", "created_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    # buyer_charge voucher_subsidy order_settlement payout manual_settlement refund
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"), index=True)
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("clusters.id"))
    currency: Mapped[str] = currency_column()
    memo: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    lines: Mapped[list[LedgerLine]] = relationship(back_populates="transaction", cascade="all, delete-orphan",
                                                   order_by="LedgerLine.id")


class LedgerLine(db.Model):
    __tablename__ = "ledger_lines"
    __table_args__ = (
        CheckConstraint("debit_fen >= 0 AND credit_fen >= 0 AND (debit_fen = 0) <> (credit_fen = 0)",
                        name="one_side_positive"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("ledger_transactions.id", ondelete="CASCADE"),
                                                nullable=False, index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"), nullable=False, index=True)
    debit_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    credit_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)

    transaction: Mapped[LedgerTransaction] = relationship(back_populates="lines")
    account: Mapped[LedgerAccount] = relationship()


__all__ = ["IdempotencyRecord", "LedgerAccount", "LedgerLine", "LedgerTransaction", "Payment", "Payout",
           "ReconcileRun", "Refund", "RefundRequest", "WebhookEvent"]
