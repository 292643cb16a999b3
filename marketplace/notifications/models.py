"""A user's notifications (kind + parameters, worded when shown or sent) and the kinds they want by e-mail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.db_types import UTCDateTime, utcnow
from marketplace.extensions import db


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("user_id", "source_key"), Index("ix_notifications_user_read", "user_id",
                                                                        "read_at"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    params: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    link: Mapped[str] = mapped_column(String(200), nullable=False, default="")  # a path inside the app
    source_key: Mapped[str] = mapped_column(String(80), nullable=False)  # one notification per user and cause
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class NotificationPreference(db.Model):
    """A kind the user does (or does not) want by e-mail; without a row, e-mail is on."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    email: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


__all__ = ["Notification", "NotificationPreference"]
