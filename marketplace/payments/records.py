"""Idempotency records: one per business action sent to the provider, written and committed before the call."""

from __future__ import annotations

import os
import random
import signal

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from marketplace.payments.models import IdempotencyRecord


def record(key: str, action: str, order_id: int | None, params: dict) -> tuple[IdempotencyRecord, bool]:
    """The record for `key` and whether it is new. A new one is committed now, before any HTTP call; one that
    exists means an earlier attempt may have reached the provider (look before sending again)."""
    rec = db.session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.key == key))
    if rec is not None:
        return rec, rec.state == "failed"  # a refused request changed nothing at the provider
    rec = IdempotencyRecord(key=key, action=action, order_id=order_id, params=params)
    db.session.add(rec)
    try:
        db.session.commit()
    except IntegrityError:  # another runner wrote it first (firm customers are shared by orders)
        db.session.rollback()
        return db.session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.key == key)), False
    crashpoint()  # between the commit of the key and the provider call
    return rec, True


def finish(rec: IdempotencyRecord, state: str, response_id: str | None = None, error: str = "") -> None:
    crashpoint()  # between the provider's answer and the commit that records it
    rec.state, rec.response_id, rec.error = state, response_id, error[:300]


def crashpoint() -> None:
    """The kill harness (`python -m marketplace.payments.chaos`) sets CHAOS_CRASH_RATE: the process dies here with
    that probability, at the two moments where a crash leaves an outcome unknown. 0 (the default) does nothing."""
    rate = current_app.config["CHAOS_CRASH_RATE"]
    if rate and random.random() < rate:
        os.kill(os.getpid(), signal.SIGKILL)
