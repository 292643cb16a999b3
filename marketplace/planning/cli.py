"""`flask --app wsgi planning run|worker`."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from marketplace.accounts.models import Cluster
from marketplace.extensions import db
from marketplace.outbox.cli import worker_command as jobs_worker
from marketplace.planning.runner import execute, request_run

planning_cli = AppGroup("planning", help="Plan open orders onto the cluster's capacity.")


@planning_cli.command("run")
@click.option("--cluster", "slug", default=None, help="Cluster slug (default: every cluster).")
@click.option("--time-limit", type=float, default=None, help="Solver seconds (default PLANNING_TIME_LIMIT_S).")
def run_command(slug: str | None, time_limit: float | None) -> None:
    """Re-plan now, in this process (the run is queued like any other, then executed here)."""
    stmt = select(Cluster).order_by(Cluster.id)
    if slug:
        stmt = stmt.where(Cluster.slug == slug)
    for cluster in db.session.scalars(stmt):
        run = request_run(cluster, reason="command line", time_limit_s=time_limit)
        try:
            execute(run.id)
        except Exception as exc:  # recorded on the run
            click.echo(f"{cluster.slug}: run {run.id} failed: {exc}")
        db.session.refresh(run)
        click.echo(
            f"{cluster.slug}: run {run.id} {run.state} {run.solver_status} objective={run.objective} "
            f"assignments={run.assignments} unplaced={len(run.unplaced)} wall={run.wall_s}"
        )


planning_cli.add_command(jobs_worker, "worker")  # planning runs are outbox work: the one worker command
