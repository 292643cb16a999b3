"""Planning's outbox handlers: a paid order asks for a plan, a plan request runs the solver, a declined step is
repaired at once and re-planned in the background."""

from __future__ import annotations

from marketplace.accounts.models import Cluster
from marketplace.events import OrderPaid, PlanRequested, StepDeclined
from marketplace.extensions import db
from marketplace.outbox import subscribe
from marketplace.planning import runner


@subscribe(OrderPaid, name="planning.plan_paid_order")
def plan_paid_order(event: OrderPaid) -> None:
    runner.request_run(db.session.get(Cluster, event.cluster_id), None, f"order {event.order_id} paid")


@subscribe(PlanRequested, name="planning.execute")  # the heartbeat keeps the lease while the solver runs
def execute(event: PlanRequested) -> None:
    runner.execute(event.run_id)


@subscribe(StepDeclined, name="planning.repair_declined_step")
def repair_declined_step(event: StepDeclined) -> None:
    runner.repair_declined_step(event.order_step_id)
