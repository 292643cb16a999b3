"""The outbox: work that follows a committed state change, one row per (event, handler); and the entity locks that
keep two runners off the same order at once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db_types import UTCDateTime, utcnow
from marketplace.extensions import db

STATES = ("pending", "running", "done", "parked")


class OutboxMessage(db.Model):
    """One delivery of one event to one handler. Written in the transaction of the change it follows.

    pending -> running (claimed with a lease) -> done; a failure goes back to pending with a backoff, and after
    OUTBOX_MAX_ATTEMPTS to parked (listed for the operator, who can retry it). A running row whose lease ran out
    (its process died) is claimed again: delivery is at least once, so handlers are idempotent.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        UniqueConstraint("handler", "dedupe_key"),
        Index("ix_outbox_messages_due", "state", "next_attempt_at"),
        Index("ix_outbox_messages_lock_key_state", "lock_key", "state"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topic: Mapped[str] = mapped_column(String(60), nullable=False)
    handler: Mapped[str] = mapped_column(String(80), nullable=False)
    payload: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    dedupe_key: Mapped[str | None] = mapped_column(String(160))
    lock_key: Mapped[str | None] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    worker: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    last_error: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxLock(db.Model):
    """`order:12` held by one runner until `expires_at` (renewed while its handler runs)."""

    __tablename__ = "outbox_locks"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    owner: Mapped[str] = mapped_column(String(80), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


__all__ = ["STATES", "OutboxLock", "OutboxMessage"]
