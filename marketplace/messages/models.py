"""Messages of an order's thread and how far each user has read it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Firm, User
from marketplace.db_types import UTCDateTime, utcnow
from marketplace.documents.models import Document
from marketplace.extensions import db

MAX_BODY = 4000


class Message(db.Model):
    __tablename__ = "messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
    author_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    author_firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    author: Mapped[User] = relationship()
    author_firm: Mapped[Firm] = relationship()
    document: Mapped[Document | None] = relationship()


class ThreadRead(db.Model):
    """The newest message of the order's thread that the user has seen (unread = newer ones by others)."""

    __tablename__ = "thread_reads"
    __table_args__ = (UniqueConstraint("user_id", "order_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
    last_read_message_id: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


__all__ = ["MAX_BODY", "Message", "ThreadRead"]
