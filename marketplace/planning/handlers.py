"""Planning's outbox handlers: a paid order asks for a plan, a plan request runs the solver, a declined step is
repaired at once and re-planned in the background, a decided counter-offer re-plans the order's later steps."""

from __future__ import annotations

from marketplace.accounts.models import Cluster
from marketplace.events import CounterOfferChanged, OrderPaid, PlanRequested, StepDeclined
from marketplace.extensions import db
from marketplace.orders.models import Order
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


@subscribe(CounterOfferChanged, name="planning.replan_after_counter_offer")
def replan_after_counter_offer(event: CounterOfferChanged) -> None:
    """Accepted: the later steps move after the committed slot; rejected: the full re-plan after the repair."""
    order = db.session.get(Order, event.order_id)
    if order is not None and event.status in ("accepted", "rejected"):
        runner.request_run(db.session.get(Cluster, order.cluster_id), None, f"counter-offer {event.counter_offer_id} "
                           f"{event.status}")
