"""Where the runner runs: a thread in each app process (the embedded default), or RQ workers (`REDIS_URL`).

Embedded: the first request starts one daemon thread per process; it delivers due rows, sleeps until a commit in
this process writes new rows (or OUTBOX_POLL_S passes), and fires the periodic tasks. CLI commands start no thread.
RQ: each commit enqueues its new rows on OUTBOX_QUEUE; `flask jobs worker` runs an RQ worker and a sweeper that
enqueues what is due again (retries, leases of dead workers) and fires the periodic tasks.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from marketplace.events import PeriodicTask
from marketplace.extensions import db
from marketplace.outbox import runner
from marketplace.outbox.registry import emit, subscribe

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str
    every_s: float
    fn: Callable[[], None]


PERIODIC: dict[str, Periodic] = {}


def every(name: str, seconds: float):
    """Decorator: run `fn()` about every `seconds`, once across all runners (a row deduplicated per interval)."""

    def register(fn):
        PERIODIC[name] = Periodic(name, seconds, fn)
        return fn

    return register


@subscribe(PeriodicTask, name="outbox.periodic")
def run_periodic(event: PeriodicTask) -> None:
    task = PERIODIC.get(event.name)
    if task is not None:
        task.fn()


def fire_periodic(now: float | None = None) -> int:
    """Queue each periodic task whose interval has begun (once per interval, whoever calls)."""
    now = time.time() if now is None else now
    queued = 0
    for task in PERIODIC.values():
        interval = task.every_s
        bucket = int(now // interval)
        queued += len(emit(PeriodicTask(name=task.name), dedupe=f"{task.name}:{bucket}"))
    db.session.commit()
    return queued


class EmbeddedWorker:
    def __init__(self, app):
        self.app = app
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._loop, daemon=True, name="outbox-worker")
                self.thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self.stopping.set()
        self.wake.set()
        if self.thread:
            self.thread.join(timeout)

    def _loop(self) -> None:
        poll = self.app.config["OUTBOX_POLL_S"]
        last_tick = 0.0
        while not self.stopping.is_set():
            delivered = 0
            try:
                with self.app.app_context():
                    if time.monotonic() - last_tick >= poll * 10:
                        fire_periodic()
                        last_tick = time.monotonic()
                    delivered = runner.run_due()
                    db.session.remove()
            except Exception:
                log.exception("outbox worker loop failed; continuing")
                time.sleep(poll)
            if not delivered:
                self.wake.wait(poll)
                self.wake.clear()


def _after_commit(session: Session) -> None:
    ids = session.info.pop("outbox_new", None)
    if not ids:
        return
    try:
        app = current_app._get_current_object()
    except RuntimeError:
        return
    mode = app.config["OUTBOX_WORKER"]
    if mode == "thread":
        worker = app.extensions.get("outbox_worker")
        if worker is not None:
            worker.wake.set()
    elif mode == "rq":
        try:
            enqueue(app, [(message_id, "new") for message_id in ids])
        except Exception:  # Redis down: the sweeper enqueues the rows later, they are safe in the database
            log.warning("could not enqueue outbox rows %s; the sweeper will", ids, exc_info=True)


def _after_rollback(session: Session) -> None:
    session.info.pop("outbox_new", None)


sa_event.listen(Session, "after_commit", _after_commit)
sa_event.listen(Session, "after_soft_rollback", lambda session, previous: _after_rollback(session))


# -- RQ ------------------------------------------------------------------------------------------------------------
def queue(app=None):
    """The app's RQ queue on OUTBOX_QUEUE, built once (one Redis connection pool per app)."""
    from redis import Redis
    from rq import Queue

    app = app or current_app
    if "outbox_queue" not in app.extensions:
        app.extensions["outbox_queue"] = Queue(app.config["OUTBOX_QUEUE"],
                                               connection=Redis.from_url(app.config["REDIS_URL"]))
    return app.extensions["outbox_queue"]


def enqueue(app, rows: list[tuple[int, str]]) -> int:
    """Put each (row id, turn) on the queue once: a marker per turn keeps the sweeper from queueing a row again and
    again while it waits for a busy worker; a retry or a dead runner's lease is a new turn, so a new marker. (A new
    row queued at commit may be queued once more by the sweeper: the claim lets only one delivery run.)"""
    q = queue(app)
    queued = 0
    for message_id, turn in rows:
        if q.connection.set(f"{q.name}:queued:{message_id}:{turn}", 1, nx=True, ex=24 * 3600):
            q.enqueue("marketplace.outbox.worker.rq_deliver", message_id, job_timeout=4 * 3600, result_ttl=600,
                      failure_ttl=86400)
            queued += 1
    return queued


def rq_deliver(message_id: int) -> str:
    """RQ entry point (the worker command provides the app context)."""
    return runner.run_one(message_id)


def sweep(app) -> int:
    """Enqueue every due row (RQ mode): first deliveries missed while Redis was down, retries, dead leases."""
    with app.app_context():
        fire_periodic()
        queued = enqueue(app, runner.due_rows(limit=500))
        db.session.remove()
        return queued


def work_rq(app, burst: bool = False) -> None:
    """RQ worker on OUTBOX_QUEUE in this process, with a sweeper thread beside it."""
    from rq import SimpleWorker

    stop = threading.Event()

    def sweeper():
        while not stop.wait(app.config["OUTBOX_POLL_S"]):
            try:
                sweep(app)
            except Exception:
                log.exception("outbox sweep failed")

    sweep(app)
    thread = threading.Thread(target=sweeper, daemon=True, name="outbox-sweeper")
    if not burst:
        thread.start()
    q = queue(app)
    try:
        SimpleWorker([q], connection=q.connection).work(burst=burst, with_scheduler=False)
    finally:
        stop.set()
