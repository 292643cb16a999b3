"""Money of leases: each charge of the lessee (the start: deposit and first rent; then each later instalment) and
each refund (a cancellation, the deposit at the close). Keys name the business action (`lease:5:charge:0`,
`lease:5:charge:3`, `lease:5:refund:deposit`), written and committed before the call, as for orders."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db_types import UTCDateTime, currency_column, utcnow
from marketplace.extensions import db

START = 0  # the number of the start charge; instalments keep their own numbers (2, 3, ...)


class LeaseCharge(db.Model):
    __tablename__ = "lease_charges"
    __table_args__ = (
        UniqueConstraint("lease_id", "number"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("deposit_fen >= 0 AND deposit_fen <= amount_fen", name="deposit_within_amount"),
        CheckConstraint("refunded_fen >= 0 AND refunded_fen <= amount_fen", name="refunded_within_amount"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lease_id: Mapped[int] = mapped_column(ForeignKey("leases.id"), nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)  # START, or the instalment's number
    amount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    deposit_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)  # the part that is the deposit
    refunded_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    currency: Mapped[str] = currency_column()
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="pending")  # pending succeeded failed
    attempt: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    idempotency_key: Mapped[str] = mapped_column(String(120), nullable=False)
    intent_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    failure: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    @property
    def rent_fen(self) -> int:
        return self.amount_fen - self.deposit_fen


class LeaseRefund(db.Model):
    __tablename__ = "lease_refunds"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lease_id: Mapped[int] = mapped_column(ForeignKey("leases.id"), nullable=False, index=True)
    charge_id: Mapped[int] = mapped_column(ForeignKey("lease_charges.id"), nullable=False, index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    deposit_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)  # the part that is the deposit
    currency: Mapped[str] = currency_column()
    reason: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="pending")  # pending succeeded failed
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    refund_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    charge: Mapped[LeaseCharge] = relationship()
