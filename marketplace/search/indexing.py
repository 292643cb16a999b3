"""Keeping the index current: changes are collected during flushes and indexed when the transaction commits.

before_flush   remembers changed rows (the keys of deleted rows at once, while their columns are still there)
before_commit  flushes, turns rows into document keys and builds the documents from the transaction's own state;
               the database backend writes them right here, inside the same transaction
after_commit   sends the built documents to Elasticsearch (a failure is logged; `flask search reindex` repairs)
after_rollback forgets everything: a rolled-back change never reaches either index
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from flask import current_app, has_app_context
from sqlalchemy import event

from marketplace.search.documents import WATCHED, DocumentBuilder, keys_for

log = logging.getLogger(__name__)
STATE_KEY = "search_index_state"


@dataclass
class _State:
    objects: set = field(default_factory=set)
    keys: set = field(default_factory=set)
    outbox: list = field(default_factory=list)


def _extension():
    if not has_app_context():
        return None
    ext = current_app.extensions.get("search")
    return ext if ext is not None and ext.auto_index else None


def _state(session) -> _State:
    return session.info.setdefault(STATE_KEY, _State())


def _before_flush(session, flush_context, instances) -> None:
    if _extension() is None:
        return
    state = _state(session)
    with session.no_autoflush:
        for obj in session.deleted:
            if isinstance(obj, WATCHED):
                state.keys |= keys_for(session, obj)
    state.objects.update(obj for obj in (*session.new, *session.dirty) if isinstance(obj, WATCHED))


def _before_commit(session) -> None:
    ext = _extension()
    if ext is None:
        return
    state = _state(session)
    if not state.objects and not state.keys and not (session.new or session.dirty or session.deleted):
        return
    session.flush()
    keys = set(state.keys)
    with session.no_autoflush:
        for obj in state.objects:
            if obj in session and obj not in session.deleted:
                keys |= keys_for(session, obj)
        state.objects.clear()
        state.keys.clear()
        if not keys:
            return
        documents, gone = DocumentBuilder(session, ext.today(), ext.horizon_days).build(keys)
        if ext.backend.transactional:
            ext.backend.index_documents(documents, session)
            ext.backend.delete(gone, session)
        else:
            state.outbox.append((documents, gone))


def _after_commit(session) -> None:
    state = session.info.get(STATE_KEY)
    if not state or not state.outbox:
        return
    ext = _extension()
    outbox, state.outbox = state.outbox, []
    if ext is None:
        return
    for documents, gone in outbox:
        try:
            ext.backend.index_documents(documents)
            ext.backend.delete(gone)
        except Exception:  # the commit stands; the index catches up at the next change or reindex
            log.exception("search: sending %d documents after commit failed", len(documents) + len(gone))


def _after_rollback(session) -> None:
    state = session.info.get(STATE_KEY)
    if state:
        state.objects.clear()
        state.keys.clear()
        state.outbox.clear()


def register_session_hooks(session) -> None:
    """Listen on Flask-SQLAlchemy's scoped session (once per process; each hook checks the current app)."""
    for name, fn in (("before_flush", _before_flush), ("before_commit", _before_commit),
                     ("after_commit", _after_commit), ("after_rollback", _after_rollback)):
        if not event.contains(session, name, fn):
            event.listen(session, name, fn)


def reindex(session, ext, batch: int = 500) -> dict:
    """Rebuild the whole index from the database rows. The caller commits."""
    started = time.perf_counter()
    ext.backend.reset(session)
    builder = DocumentBuilder(session, ext.today(), ext.horizon_days)
    counts: dict[str, int] = {}
    pending = []
    for doc in builder.iter_all(batch=batch):
        counts[doc.kind] = counts.get(doc.kind, 0) + 1
        pending.append(doc)
        if len(pending) >= batch:
            ext.backend.index_documents(pending, session)
            pending = []
    ext.backend.index_documents(pending, session)
    return {"counts": counts, "seconds": time.perf_counter() - started}
