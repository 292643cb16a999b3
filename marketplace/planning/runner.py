"""Planning runs: load the cluster, solve with CP-SAT (warm-started from the stored plan), validate, store.

`execute(run_id)` does one run inside an app context. `request_run` creates the run and a `PlanRequested` event
and returns: the outbox runner executes it after commit (a thread of the app, or an RQ worker with `REDIS_URL`),
never the request. A run's bookings are committed in the same transaction as its figures, so a runner that dies
mid-run leaves the previous plan untouched; its lease runs out and the run is executed again.
"""

from __future__ import annotations

import dataclasses
import traceback
from datetime import datetime

from flask import current_app
from sqlalchemy import select

import matching.model as mm
from marketplace.accounts.models import Cluster
from marketplace.db_types import utcnow
from marketplace.events import PlanRequested
from marketplace.extensions import db
from marketplace.orders.models import OrderStep
from marketplace.outbox import emit
from marketplace.placements import OrderRef
from marketplace.planning.adapter import current_plan, load_problem, store_plan
from marketplace.planning.models import PlanRun
from marketplace.wording import coded
from matching.cpsat import solve
from matching.greedy import dispatch
from matching.validate import validate_plan

MAX_ATTEMPTS = 3


class PlanRejected(RuntimeError):
    """The solver returned a plan the independent validator rejects: nothing is stored."""


def execute(run_id: int, now: datetime | None = None) -> PlanRun:
    run = db.session.get(PlanRun, run_id)
    if run is None or run.state in ("done", "failed"):
        return run
    run.state, run.attempts, run.started_at, run.error = "running", run.attempts + 1, utcnow(), ""
    db.session.commit()
    try:
        cluster = db.session.get(Cluster, run.cluster_id)
        loaded = load_problem(cluster, now or utcnow(), horizon_days=current_app.config["PLANNING_HORIZON_DAYS"])
        baseline = dispatch(loaded.problem)
        plan = solve(
            loaded.problem,
            time_limit_s=run.time_limit_s,
            workers=current_app.config["SOLVER_WORKERS"],
            seed=run.id,
            previous_plan=current_plan(loaded),
        )
        violations = validate_plan(loaded.problem, plan)
        if violations:
            raise PlanRejected(f"{len(violations)} violations, first: {violations[0]}")
        run.epoch = loaded.epoch
        run.solver_status, run.objective, run.best_bound = plan.status, plan.objective, plan.best_bound
        run.gap, run.wall_s, run.greedy_objective = plan.gap, plan.wall_s, baseline.objective
        run.orders = len(loaded.problem.orders)
        run.weighted_tardiness_min, run.cost_fen = plan.weighted_tardiness, plan.cost.total_fen
        run.unplaced = [{"order": u.order_id, "step": u.step_id, "reasons": coded(list(u.reasons))}
                        for u in plan.unplaced]
        run.assignments = store_plan(loaded, plan, run.id)
        run.state, run.finished_at = "done", utcnow()
        db.session.commit()  # bookings and the run's figures together, or neither
        return run
    except Exception as exc:
        db.session.rollback()
        run = db.session.get(PlanRun, run_id)
        run.state = "failed" if run.attempts >= MAX_ATTEMPTS else "queued"
        run.error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}"[:4000]
        db.session.commit()
        raise


def request_run(cluster: Cluster, user=None, reason: str = "", time_limit_s: float | None = None) -> PlanRun:
    """Queue a planning run and return at once; the outbox runs it (a thread here, or an RQ worker). A run still
    queued for the cluster is reused, so a burst of payments or declines starts one run, not one each."""
    queued = db.session.scalar(select(PlanRun).where(PlanRun.cluster_id == cluster.id, PlanRun.state == "queued",
                                                     PlanRun.attempts == 0).order_by(PlanRun.id.desc()).limit(1))
    if queued is not None:
        db.session.commit()  # the caller's change (a decline, a decided counter-offer) is kept either way
        return queued
    run = PlanRun(
        cluster_id=cluster.id,
        requested_by_id=getattr(user, "id", None),
        reason=reason[:200],
        time_limit_s=time_limit_s or current_app.config["PLANNING_TIME_LIMIT_S"],
    )
    db.session.add(run)
    db.session.flush()
    emit(PlanRequested(run_id=run.id, cluster_id=cluster.id))
    db.session.commit()
    return run


def repair_declined_step(order_step_id: int, now: datetime | None = None, time_limit_s: float = 0.8) -> int:
    """Local repair after a decline: re-place the affected order's movable steps — and those of any other order the
    stored plan leaves a step of unplaced — with every other booking frozen (a small CP-SAT neighbourhood), in
    about a second; the full re-plan follows in the background. Returns the bookings written (0 when the order
    cannot be placed now: the full run reports why)."""
    step = db.session.get(OrderStep, order_step_id)
    if step is None:
        return 0
    order = step.order
    if order.status not in ("paid", "planned", "in_production"):
        return 0
    cluster = db.session.get(Cluster, order.cluster_id)
    loaded = load_problem(cluster, now or utcnow(), horizon_days=current_app.config["PLANNING_HORIZON_DAYS"])
    previous = current_plan(loaded)
    placed = {(a.order_id, a.step_id) for a in previous.assignments} | {(f.order_id, f.step_id)
                                                                          for f in loaded.problem.frozen}
    # the neighbourhood: this order, and every order with a step the stored plan does not place (another decline
    # not repaired yet): freezing those would freeze a step after its missing predecessor
    free = {str(OrderRef(order.id))} | {o.id for o in loaded.problem.orders
                               if any((o.id, st.id) not in placed for st in o.steps)}
    frozen_keys = {(f.order_id, f.step_id) for f in loaded.problem.frozen}
    extra = tuple(mm.FrozenStep(a.order_id, a.step_id, a.resource_id, a.start, max(a.end, a.start + 1), a.unit)
                  for a in previous.assignments
                  if a.order_id not in free and (a.order_id, a.step_id) not in frozen_keys)
    problem = dataclasses.replace(loaded.problem, frozen=loaded.problem.frozen + extra)
    plan = solve(problem, time_limit_s=time_limit_s, workers=current_app.config["SOLVER_WORKERS"], seed=order.id,
                 previous_plan=previous)
    key = str(OrderRef(order.id))
    if validate_plan(problem, plan) or not any(a.order_id == key and not a.frozen for a in plan.assignments):
        db.session.rollback()
        return 0
    mine = dataclasses.replace(loaded, steps={k: v for k, v in loaded.steps.items() if k[0] in free})
    own = dataclasses.replace(plan, assignments=tuple(a for a in plan.assignments if a.order_id in free))
    written = store_plan(mine, own, None)
    db.session.commit()
    return written


def queue():
    from redis import Redis
    from rq import Queue

    return Queue(current_app.config["PLANNING_QUEUE"], connection=Redis.from_url(current_app.config["REDIS_URL"]))
