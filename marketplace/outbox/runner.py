"""Deliver outbox rows to their handlers: claim with a lease, take the entity lock, run, record the outcome.

Claims and locks are conditional statements that either change one row or none, so any number of runners (threads,
gunicorn workers, RQ workers on several machines) can share the table; a runner that dies leaves a lease that runs
out, and its row is claimed again. While a handler runs, a heartbeat thread renews its lease and lock.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import traceback
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, delete, or_, select, update

from marketplace.db_types import utcnow
from marketplace.extensions import db, insert_on_conflict
from marketplace.outbox.models import OutboxLock, OutboxMessage
from marketplace.outbox.registry import BY_NAME, Retry

log = logging.getLogger(__name__)
_ids = iter(range(1, 1 << 62))


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}:{next(_ids)}"[:80]


def _lease(handler) -> float:
    return handler.lease_s or current_app.config["OUTBOX_LEASE_S"]


def _due(now):
    """Waiting rows whose time has come, and running rows whose runner stopped renewing the lease."""
    return or_(and_(OutboxMessage.state == "pending", OutboxMessage.next_attempt_at <= now),
               and_(OutboxMessage.state == "running", OutboxMessage.locked_until < now))


def due_rows(limit: int = 50, handlers: tuple[str, ...] | None = None) -> list[tuple[int, str]]:
    """(id, turn) of the rows due now, oldest first; the turn (attempts and due time) changes with every claim and
    every rescheduling, so it names one delivery of the row."""
    stmt = (select(OutboxMessage.id, OutboxMessage.attempts, OutboxMessage.next_attempt_at).where(_due(utcnow()))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
    if handlers is not None:
        stmt = stmt.where(OutboxMessage.handler.in_(handlers))
    rows = [(row.id, f"{row.attempts}:{row.next_attempt_at.timestamp():.6f}") for row in db.session.execute(stmt)]
    db.session.rollback()
    return rows


def due_ids(limit: int = 50, handlers: tuple[str, ...] | None = None) -> list[int]:
    return [message_id for message_id, _ in due_rows(limit, handlers)]


def _acquire_lock(key: str, owner: str, lease_s: float) -> bool:
    now = utcnow()
    table = OutboxLock.__table__
    stmt = insert_on_conflict(table).values(key=key, owner=owner, expires_at=now + timedelta(seconds=lease_s))
    stmt = stmt.on_conflict_do_update(index_elements=["key"],
                                      set_={"owner": owner, "expires_at": now + timedelta(seconds=lease_s)},
                                      where=table.c.expires_at < now).returning(table.c.key)
    acquired = db.session.execute(stmt).scalar() is not None  # RETURNING: rowcount of an upsert is not portable
    db.session.commit()
    return acquired


def _release_lock(key: str, owner: str) -> None:
    db.session.execute(delete(OutboxLock).where(OutboxLock.key == key, OutboxLock.owner == owner))
    db.session.commit()


def _claim(message_id: int, owner: str, lease_s: float) -> bool:
    now = utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _due(now))
        .values(state="running", attempts=OutboxMessage.attempts + 1, worker=owner,
                locked_until=now + timedelta(seconds=lease_s))
        .execution_options(synchronize_session=False)).rowcount == 1
    db.session.commit()
    return result


class _Heartbeat:
    """Renews the lease of one claimed row (and its lock) every lease/3 seconds on its own connection."""

    def __init__(self, app, message_id: int, lock_key: str | None, owner: str, lease_s: float):
        self.app, self.message_id, self.lock_key, self.owner, self.lease_s = app, message_id, lock_key, owner, lease_s
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name=f"outbox-heartbeat-{message_id}")

    def _run(self) -> None:
        while not self.stop.wait(self.lease_s / 3):
            try:
                with self.app.app_context(), db.engine.begin() as conn:
                    until = utcnow() + timedelta(seconds=self.lease_s)
                    conn.execute(update(OutboxMessage).where(OutboxMessage.id == self.message_id,
                                                             OutboxMessage.worker == self.owner)
                                 .values(locked_until=until))
                    if self.lock_key:
                        conn.execute(update(OutboxLock).where(OutboxLock.key == self.lock_key,
                                                              OutboxLock.owner == self.owner)
                                     .values(expires_at=until))
            except Exception:  # a missed beat only shortens the lease
                log.warning("outbox heartbeat for %s failed", self.message_id, exc_info=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=5)


def backoff_s(attempts: int, rng: random.Random | None = None) -> float:
    """Capped exponential backoff with jitter: about 1, 2, 4 ... seconds, at most OUTBOX_BACKOFF_MAX_S."""
    rng = rng or random
    base = current_app.config["OUTBOX_BACKOFF_S"] * 2 ** max(0, attempts - 1)
    return min(current_app.config["OUTBOX_BACKOFF_MAX_S"], base) * rng.uniform(0.5, 1.0)


def run_one(message_id: int) -> str:
    """Deliver one row if it is due and its lock is free. Returns what happened: done, retry, parked, busy,
    not_due."""
    row = db.session.get(OutboxMessage, message_id)
    if row is None or row.state in ("done", "parked"):
        db.session.rollback()
        return "not_due"
    handler = BY_NAME.get(row.handler)
    if handler is None:
        db.session.rollback()
        return "not_due"  # a handler this process does not know (an older or newer release)
    lease, lock_key, owner = _lease(handler), row.lock_key, worker_name()
    db.session.rollback()
    if lock_key and not _acquire_lock(lock_key, owner, lease):
        return "busy"
    try:
        if not _claim(message_id, owner, lease):
            return "not_due"
        row = db.session.get(OutboxMessage, message_id)
        event = handler.event_type.from_payload(row.payload)
        attempts = row.attempts
        db.session.rollback()
        app = current_app._get_current_object()
        try:
            with _Heartbeat(app, message_id, lock_key, owner, lease):
                handler.fn(event)
                db.session.commit()
        except Retry as exc:
            db.session.rollback()
            _finish(message_id, owner, "pending", str(exc), delay_s=exc.delay_s, uncount=True)
            return "retry"
        except Exception as exc:
            db.session.rollback()
            error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=6)}"
            parked = attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]
            log.warning("outbox %s #%s attempt %s failed: %s", handler.name, message_id, attempts, exc)
            _finish(message_id, owner, "parked" if parked else "pending", error, delay_s=backoff_s(attempts))
            return "parked" if parked else "retry"
        _finish(message_id, owner, "done", "")
        return "done"
    finally:
        if lock_key:
            _release_lock(lock_key, owner)


def _finish(message_id: int, owner: str, state: str, error: str, delay_s: float = 0.0, uncount: bool = False):
    values = {"state": state, "last_error": error[:8000], "locked_until": None,
              "next_attempt_at": utcnow() + timedelta(seconds=delay_s)}
    if state == "done":
        values["finished_at"] = utcnow()
    if uncount:
        values["attempts"] = OutboxMessage.attempts - 1
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.worker == owner)
                       .values(**values).execution_options(synchronize_session=False))
    db.session.commit()


def run_due(limit: int = 50, handlers: tuple[str, ...] | None = None) -> int:
    """Deliver up to `limit` due rows; returns how many were delivered (done, retried or parked)."""
    count = 0
    for message_id in due_ids(limit, handlers):
        if run_one(message_id) in ("done", "retry", "parked"):
            count += 1
    return count


def drain(max_rounds: int = 200, handlers: tuple[str, ...] | None = None) -> int:
    """Deliver until nothing is due now (tests, the demo loader, the chaos harness), optionally only to some
    handlers. Returns rows delivered."""
    total = 0
    for _ in range(max_rounds):
        n = run_due(handlers=handlers)
        total += n
        if n == 0:
            break
    return total


def retry_parked(message_id: int) -> bool:
    """The operator's retry: a parked row becomes pending now with a fresh attempt count."""
    result = db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id,
                                                            OutboxMessage.state == "parked")
                                .values(state="pending", attempts=0, next_attempt_at=utcnow(), worker="")
                                .execution_options(synchronize_session=False)).rowcount == 1
    db.session.commit()
    return result


def pending_for(lock_key: str) -> list[str]:
    """Topics still waiting or running for one entity (pages show them as work in progress)."""
    return list(db.session.scalars(select(OutboxMessage.topic).where(
        OutboxMessage.lock_key == lock_key, OutboxMessage.state.in_(("pending", "running")))
        .order_by(OutboxMessage.id)))
