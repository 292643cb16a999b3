"""Durable work: one outbox and one runner for every effect that crosses features (docs/architecture.md).

    from marketplace.outbox import emit, subscribe
    emit(DeliveryConfirmed(order_id=order.id))          # in the request's transaction
    @subscribe(DeliveryConfirmed)                       # in the payments feature
    def settle(event): ...

`init_app` picks where the runner runs (OUTBOX_WORKER: thread, rq or off) and registers the operator page.
"""

from __future__ import annotations

from marketplace.outbox.registry import Retry, emit, emit_notice, subscribe
from marketplace.outbox.runner import drain, pending_for, run_due
from marketplace.outbox.worker import EmbeddedWorker, every


def init_app(app) -> None:
    if app.config["OUTBOX_WORKER"] == "thread":
        worker = EmbeddedWorker(app)
        app.extensions["outbox_worker"] = worker

        @app.before_request
        def _start_outbox_worker():
            worker.start()


__all__ = ["Retry", "drain", "emit", "emit_notice", "every", "init_app", "pending_for", "run_due", "subscribe"]
