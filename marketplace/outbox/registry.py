"""Who handles which event: `subscribe` registers a handler, `emit` writes one outbox row per handler into the
caller's transaction. Handlers are plain functions of the event; they run after commit, at least once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from marketplace.db_types import utcnow
from marketplace.events import Event
from marketplace.extensions import db, insert_on_conflict
from marketplace.outbox.models import OutboxMessage


@dataclass(frozen=True)
class Handler:
    name: str
    topic: str
    event_type: type[Event]
    fn: Callable[[Event], None]
    lease_s: float | None  # None: OUTBOX_LEASE_S


HANDLERS: dict[str, list[Handler]] = {}
BY_NAME: dict[str, Handler] = {}


def subscribe(event_type: type[Event], *, name: str | None = None, lease_s: float | None = None):
    """Decorator: run `fn(event)` after every committed `event_type`. The name is stored in each row, so renaming
    a handler strands its pending rows: keep names stable."""

    def register(fn):
        handler = Handler(name or f"{fn.__module__.rsplit('.', 1)[0].split('.')[-1]}.{fn.__name__}",
                          event_type.topic, event_type, fn, lease_s)
        if handler.name in BY_NAME and BY_NAME[handler.name].fn is not fn:
            raise ValueError(f"two outbox handlers named {handler.name}")
        if handler.name not in BY_NAME:
            HANDLERS.setdefault(handler.topic, []).append(handler)
            BY_NAME[handler.name] = handler
        return fn

    return register


class Retry(Exception):
    """A handler that must wait (a dispute is open, the provider has not finished): run again later, without
    counting as a failure towards parking."""

    def __init__(self, message: str, delay_s: float = 60.0):
        super().__init__(message)
        self.delay_s = delay_s


def emit(event: Event, *, dedupe: str | None = None, delay_s: float = 0.0) -> list[int]:
    """Add the event for every subscribed handler to the current transaction (nothing is committed here).

    With `dedupe`, emitting the same (handler, dedupe) again adds nothing: a retried request or a repeated
    webhook queues its follow-up work once. Returns the ids of the rows written.
    """
    handlers = HANDLERS.get(event.topic, [])
    if not handlers:
        raise LookupError(f"no handler subscribes to {event.topic}")
    due = utcnow() + timedelta(seconds=delay_s)
    ids = []
    for handler in handlers:
        values = dict(topic=event.topic, handler=handler.name, payload=event.to_payload(), dedupe_key=dedupe,
                      lock_key=event.lock_key, state="pending", attempts=0, next_attempt_at=due, worker="",
                      last_error="", created_at=utcnow())
        if dedupe is None:
            row = OutboxMessage(**values)
            db.session.add(row)
            db.session.flush()
            ids.append(row.id)
            continue
        stmt = (insert_on_conflict(OutboxMessage).values(**values)
                .on_conflict_do_nothing(index_elements=["handler", "dedupe_key"]).returning(OutboxMessage.id))
        new_id = db.session.execute(stmt).scalar()
        if new_id is not None:
            ids.append(new_id)
    db.session.info.setdefault("outbox_new", []).extend(ids)
    return ids



def emit_notice(event: Event, *, dedupe: str) -> list[int]:
    """`emit` for an event that only tells people something (notifications): nothing is queued while the session is
    marked quiet (`db.session.info["notify"] = False`, as the demo's back-filled history is)."""
    if db.session.info.get("notify", True) is False:
        return []
    return emit(event, dedupe=dedupe)
