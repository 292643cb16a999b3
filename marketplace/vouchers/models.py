"""Service voucher programmes (服务券): a cluster operator's budget, the vouchers it issues to SMEs, redemptions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Firm
from marketplace.db_types import UTCDateTime, currency_column, utcnow
from marketplace.extensions import db


class VoucherProgramme(db.Model):
    __tablename__ = "voucher_programmes"
    __table_args__ = (
        UniqueConstraint("cluster_id", "name"),
        CheckConstraint("budget_fen > 0", name="budget_positive"),
        CheckConstraint("spent_fen >= 0 AND spent_fen <= budget_fen", name="never_overspent"),
        CheckConstraint("per_firm_cap_fen > 0", name="cap_positive"),
        CheckConstraint("kind in ('percent', 'fixed')", name="kind_known"),
        CheckConstraint("valid_until >= valid_from", name="valid_range"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    budget_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    spent_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    per_firm_cap_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)          # percent of the price, or a fixed value
    percent_bp: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # 3000 = 30 %
    value_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    eligible_processes: Mapped[list] = mapped_column(JSON, nullable=False, default=list)  # empty = every process
    max_employees: Mapped[int | None] = mapped_column(Integer)  # firms of at most this headcount; None = any size
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    valid_until: Mapped[date] = mapped_column(Date, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    currency: Mapped[str] = currency_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    vouchers: Mapped[list[Voucher]] = relationship(back_populates="programme", order_by="Voucher.id")

    @property
    def remaining_fen(self) -> int:
        return self.budget_fen - self.spent_fen


class Voucher(db.Model):
    """One SME's entitlement under a programme, up to `cap_fen` over any number of orders."""

    __tablename__ = "vouchers"
    __table_args__ = (
        UniqueConstraint("programme_id", "firm_id"),
        CheckConstraint("used_fen >= 0 AND used_fen <= cap_fen", name="never_over_cap"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("voucher_programmes.id"), nullable=False, index=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), nullable=False, index=True)
    code: Mapped[str] = mapped_column(String(24), unique=True, nullable=False)
    cap_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    used_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="issued")  # issued | void
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    programme: Mapped[VoucherProgramme] = relationship(back_populates="vouchers")
    firm: Mapped[Firm] = relationship()

    @property
    def available_fen(self) -> int:
        return self.cap_fen - self.used_fen


class VoucherRedemption(db.Model):
    __tablename__ = "voucher_redemptions"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    voucher_id: Mapped[int] = mapped_column(ForeignKey("vouchers.id"), nullable=False, index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), nullable=False, unique=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    reversed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    voucher: Mapped[Voucher] = relationship()


class VoucherApplication(db.Model):
    """An SME asks a programme for a voucher, saying what for; the operator approves (a voucher is issued for the
    amount asked, up to the per-firm cap) or rejects with a note. One open or approved application per firm."""

    __tablename__ = "voucher_applications"
    __table_args__ = (
        CheckConstraint("requested_fen > 0", name="requested_positive"),
        CheckConstraint("status in ('applied', 'approved', 'rejected')", name="status_known"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("voucher_programmes.id"), nullable=False, index=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), nullable=False, index=True)
    purpose: Mapped[str] = mapped_column(String(500), nullable=False)
    requested_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="applied")
    decision_note: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    voucher_id: Mapped[int | None] = mapped_column(ForeignKey("vouchers.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    programme: Mapped[VoucherProgramme] = relationship()
    firm: Mapped[Firm] = relationship()
    voucher: Mapped[Voucher | None] = relationship()


class ProgrammeReimbursement(db.Model):
    """The programme (the government's side) paid the platform back for subsidies drawn (兑付): an amount received by
    bank transfer under `reference`. Booked Dr programme_funds, Cr voucher_receivable:<programme> in the ledger."""

    __tablename__ = "programme_reimbursements"
    __table_args__ = (
        UniqueConstraint("programme_id", "reference"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("voucher_programmes.id"), nullable=False, index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    reference: Mapped[str] = mapped_column(String(80), nullable=False)
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
