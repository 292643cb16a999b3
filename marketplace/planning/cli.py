"""`flask --app wsgi planning run|worker`."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from marketplace.accounts.models import Cluster
from marketplace.extensions import db

planning_cli = AppGroup("planning", help="Plan open orders onto the cluster's capacity.")


@planning_cli.command("run")
@click.option("--cluster", "slug", default=None, help="Cluster slug (default: every cluster).")
@click.option("--time-limit", type=float, default=None, help="Solver seconds (default PLANNING_TIME_LIMIT_S).")
def run_command(slug: str | None, time_limit: float | None) -> None:
    """Re-plan now (in this process, or queued for a worker when REDIS_URL is set)."""
    from marketplace.planning.runner import request_run

    stmt = select(Cluster).order_by(Cluster.id)
    if slug:
        stmt = stmt.where(Cluster.slug == slug)
    for cluster in db.session.scalars(stmt):
        run = request_run(cluster, reason="command line", time_limit_s=time_limit)
        click.echo(
            f"{cluster.slug}: run {run.id} {run.state} {run.solver_status} objective={run.objective} "
            f"assignments={run.assignments} unplaced={len(run.unplaced)} wall={run.wall_s}"
        )


@planning_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker_command(burst: bool) -> None:
    """Run an RQ worker for planning jobs (needs REDIS_URL)."""
    from flask import current_app

    from marketplace.planning.runner import work

    if not current_app.config.get("REDIS_URL"):
        raise click.UsageError("Set REDIS_URL to run a planning worker.")
    work(burst=burst)
