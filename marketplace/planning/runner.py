"""Planning runs: load the cluster, solve with CP-SAT (warm-started from the stored plan), validate, store.

`execute(run_id)` does one run inside an app context. `request_run` creates the run and either executes it in this
process (default) or enqueues it on Redis for an RQ worker (`REDIS_URL` set). A run's bookings are committed in the
same transaction as its figures, so a worker that dies mid-run leaves the previous plan untouched, and the job is
retried.
"""

from __future__ import annotations

import traceback
from datetime import datetime

from flask import current_app

from marketplace.accounts.models import Cluster
from marketplace.db_types import utcnow
from marketplace.extensions import db
from marketplace.planning.adapter import current_plan, load_problem, store_plan
from marketplace.planning.models import PlanRun
from matching.cpsat import solve
from matching.greedy import dispatch
from matching.validate import validate_plan

MAX_ATTEMPTS = 3


class PlanRejected(RuntimeError):
    """The solver returned a plan the independent validator rejects: nothing is stored."""


def execute(run_id: int, now: datetime | None = None) -> PlanRun:
    run = db.session.get(PlanRun, run_id)
    if run is None or run.state == "done":
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
        run.unplaced = [{"order": u.order_id, "step": u.step_id, "reasons": list(u.reasons)} for u in plan.unplaced]
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
    run = PlanRun(
        cluster_id=cluster.id,
        requested_by_id=getattr(user, "id", None),
        reason=reason[:200],
        time_limit_s=time_limit_s or current_app.config["PLANNING_TIME_LIMIT_S"],
    )
    db.session.add(run)
    db.session.commit()
    if current_app.config.get("REDIS_URL"):
        from rq import Retry  # re-enqueued at once on failure; a killed worker's job returns through rq's cleanup

        job = queue().enqueue(
            "marketplace.planning.runner.job",
            run.id,
            job_timeout=int(run.time_limit_s * 4 + 120),
            retry=Retry(max=MAX_ATTEMPTS - 1),
            result_ttl=86400,
            failure_ttl=7 * 86400,
        )
        run.job_id = job.id
        db.session.commit()
    else:
        try:
            execute(run.id)
        except Exception:
            current_app.logger.exception("planning run %s failed", run.id)
    return run


def queue():
    from redis import Redis
    from rq import Queue

    return Queue(current_app.config["PLANNING_QUEUE"], connection=Redis.from_url(current_app.config["REDIS_URL"]))


def job(run_id: int) -> None:
    """RQ entry point. The worker command (`flask --app wsgi planning worker`) provides the app context."""
    execute(run_id)


def work(burst: bool = False) -> bool:
    """Run an RQ worker on the planning queue in this process (jobs run here too, not in forks)."""
    from rq import SimpleWorker

    q = queue()
    worker = SimpleWorker([q], connection=q.connection)
    return worker.work(burst=burst, with_scheduler=False)
