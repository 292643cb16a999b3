"""A document attached to an order (or to one of its steps): its bytes are a blob named by SHA-256."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Firm, User
from marketplace.db_types import UTCDateTime, utcnow
from marketplace.extensions import db

KINDS = ("drawing", "cad", "spec", "inspection_report", "certificate", "attachment")


class Document(db.Model):
    __tablename__ = "documents"
    __table_args__ = (CheckConstraint("size_bytes >= 0", name="size_nonnegative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)  # random: URLs are not guessable
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
    order_step_id: Mapped[int | None] = mapped_column(ForeignKey("order_steps.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24), nullable=False)
    filename: Mapped[str] = mapped_column(String(200), nullable=False)
    content_type: Mapped[str] = mapped_column(String(80), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    uploader_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    uploader_firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    uploader: Mapped[User] = relationship()
    uploader_firm: Mapped[Firm] = relationship()


__all__ = ["KINDS", "Document"]
