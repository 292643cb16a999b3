"""A published request for bids (needs a quote of the part) and the factories' bids on it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Firm
from marketplace.db_types import UTCDateTime, utcnow
from marketplace.extensions import db
from marketplace.quotes.models import Quote

MAX_PRICE_FEN = 2_000_000_000  # ¥20 million: with the fee it still fits an order's total (32-bit fen)
MAX_LEAD_DAYS = 365


class BidRequest(db.Model):
    __tablename__ = "bid_requests"
    __table_args__ = (CheckConstraint("status in ('open', 'awarded', 'withdrawn')", name="status_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id"), nullable=False, index=True)
    buyer_firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id"), nullable=False, unique=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="open")
    awarded_bid_id: Mapped[int | None] = mapped_column(Integer)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    quote: Mapped[Quote] = relationship()
    buyer: Mapped[Firm] = relationship()
    bids: Mapped[list[Bid]] = relationship(back_populates="request", order_by="Bid.price_fen")
    questions: Mapped[list[BidQuestion]] = relationship(order_by="BidQuestion.id")

    def is_open(self, now: datetime) -> bool:
        return self.status == "open" and now < self.deadline_at


class Bid(db.Model):
    """A factory's bid: `price_fen` is what the factory is paid for the whole order (the buyer's price adds the
    platform fee, marketplace/fees.py); `lead_days` from the award to shipping. One per factory, revised until the
    deadline."""

    __tablename__ = "bids"
    __table_args__ = (
        UniqueConstraint("request_id", "firm_id"),
        CheckConstraint("price_fen > 0", name="price_positive"),
        CheckConstraint("lead_days >= 1", name="lead_positive"),
        CheckConstraint("status in ('active', 'withdrawn', 'won', 'lost')", name="status_known"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("bid_requests.id", ondelete="CASCADE"), nullable=False,
                                            index=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    price_fen: Mapped[int] = mapped_column(Integer, nullable=False)
    lead_days: Mapped[int] = mapped_column(Integer, nullable=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    request: Mapped[BidRequest] = relationship(back_populates="bids")
    firm: Mapped[Firm] = relationship()


class BidQuestion(db.Model):
    """A factory's question on a request and the buyer's answer (答疑): every factory that sees the request reads
    the questions and answers, never who asked."""

    __tablename__ = "bid_questions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("bid_requests.id", ondelete="CASCADE"), nullable=False,
                                            index=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    question: Mapped[str] = mapped_column(Text, nullable=False)
    answer: Mapped[str] = mapped_column(Text, nullable=False, default="")
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


__all__ = ["MAX_LEAD_DAYS", "MAX_PRICE_FEN", "Bid", "BidQuestion", "BidRequest"]
