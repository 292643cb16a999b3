"""`flask dashboard refresh` rebuilds the materialised machine-days; `flask dashboard status` shows coverage."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from marketplace.accounts.models import Cluster
from marketplace.dashboard import materialise
from marketplace.dashboard.models import Coverage, MachineDay
from marketplace.dashboard.services import today_in
from marketplace.extensions import db

dashboard_cli = AppGroup("dashboard", help="The cluster operator dashboard's materialised figures.")


@dashboard_cli.command("refresh")
@click.option("--cluster", "slug", default=None, help="Cluster slug (default: every cluster).")
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), default=None, help="First local day.")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Last local day.")
def refresh(slug: str | None, start, end) -> None:
    """Rebuild the rows of the covered range (or of --start/--end; default DASHBOARD_PAST/FUTURE_DAYS)."""
    import time


    query = select(Cluster).order_by(Cluster.id)
    if slug:
        query = query.where(Cluster.slug == slug)
    clusters = db.session.scalars(query).all()
    if not clusters:
        raise click.UsageError(f"No cluster {slug!r}." if slug else "No clusters.")
    for cluster in clusters:
        began = time.perf_counter()
        coverage = db.session.get(Coverage, cluster.id)
        first, last = materialise.default_range(today_in(cluster.timezone))
        if coverage is not None:
            first, last = min(first, coverage.first_day), max(last, coverage.last_day)
        first = start.date() if start else first
        last = end.date() if end else last
        if last < first:
            raise click.UsageError("--end must be on or after --start.")
        written = materialise.refresh_cluster(db.session, cluster, first, last)
        db.session.commit()
        click.echo(f"{cluster.slug}: {first}..{last} rebuilt, {written} machine-day rows, "
                   f"{time.perf_counter() - began:.2f} s")


@dashboard_cli.command("status")
def status() -> None:
    """Covered range and row count per cluster."""

    counts = dict(db.session.execute(select(MachineDay.cluster_id, func.count()).group_by(MachineDay.cluster_id)).all())
    for cluster, coverage in db.session.execute(select(Cluster, Coverage).outerjoin(
            Coverage, Coverage.cluster_id == Cluster.id).order_by(Cluster.id)):
        span = f"{coverage.first_day}..{coverage.last_day}" if coverage else "not materialised"
        click.echo(f"{cluster.slug}: {span}, {counts.get(cluster.id, 0)} rows")


__all__ = ["dashboard_cli"]
