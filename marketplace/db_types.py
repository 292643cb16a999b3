"""Column types shared by every model: UTC timestamps and money."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from sqlalchemy import DateTime, String
from sqlalchemy.types import TypeDecorator

CURRENCY = "CNY"
_frozen: ContextVar[datetime | None] = ContextVar("frozen_clock", default=None)


def utcnow() -> datetime:
    """Now, in UTC: the one clock of the app (every timestamp it writes and every "now" of its services)."""
    return _frozen.get() or datetime.now(UTC)


@contextmanager
def clock_at(moment: datetime):
    """Run the app's services as if it were ``moment`` (aware): the demo loader replays the cluster's past 90 days
    through them. Per thread and per task (a context variable); nothing else changes the clock."""
    if moment.tzinfo is None:
        raise ValueError("clock_at needs an aware datetime")
    token = _frozen.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _frozen.reset(token)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC on every backend and always returns aware UTC datetimes.

    Naive values given to it are rejected: a wall-clock time without a zone is a bug.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def currency_column():
    from sqlalchemy.orm import mapped_column

    return mapped_column(String(3), nullable=False, default=CURRENCY, server_default=CURRENCY)
