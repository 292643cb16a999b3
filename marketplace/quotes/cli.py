"""`flask --app wsgi quotes calibrate|seed-history`."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from marketplace.accounts.models import Cluster
from marketplace.demo.quote_history import add_jobs
from marketplace.extensions import db
from marketplace.quotes.calibration import cluster_jobs, run_calibration

quotes_cli = AppGroup("quotes", help="Instant quotes: calibration against completed jobs.")


def _clusters(slug: str | None):
    stmt = select(Cluster).order_by(Cluster.id)
    if slug:
        stmt = stmt.where(Cluster.slug == slug)
    clusters = db.session.scalars(stmt).all()
    if slug and not clusters:
        raise click.UsageError(f"No cluster with slug {slug!r}.")
    return clusters


@quotes_cli.command("calibrate")
@click.option("--cluster", "slug", default=None, help="Cluster slug (default: every cluster with completed jobs).")
@click.option("--seed", default=1, show_default=True, help="Seed of the train/test split.")
@click.option("--test-fraction", default=0.25, show_default=True, help="Share of jobs held out to measure MAPE.")
def calibrate_command(slug: str | None, seed: int, test_fraction: float) -> None:
    """Fit per-process factors on completed jobs, print MAPE before/after (held out) and store the calibration."""

    done = 0
    for cluster in _clusters(slug):
        if len(cluster_jobs(cluster.id)) < 2:
            click.echo(f"{cluster.slug}: fewer than two completed jobs, nothing to fit")
            continue
        try:
            report, row = run_calibration(cluster.id, seed=seed, test_fraction=test_fraction)
        except ValueError as exc:
            raise click.ClickException(f"{cluster.slug}: {exc}") from None
        db.session.commit()
        done += 1
        click.echo(f"{cluster.slug}: {report.train_jobs} jobs fitted, {report.test_jobs} held out (seed {seed})")
        click.echo(f"MAPE before: {report.mape_before:.2%}   after: {report.mape_after:.2%}")
        click.echo(f"{'process':<16}{'jobs':>6}{'setup x':>10}{'run x':>9}{'material x':>12}{'rate CNY/h':>12}")
        for f in report.fitted:
            click.echo(
                f"{f.process:<16}{f.jobs:>6}{f.factors.setup:>10.3f}{f.factors.run:>9.3f}"
                f"{f.factors.material:>12.3f}{f.effective_hourly_rate_fen / 100:>12.2f}"
            )
        click.echo(f"calibration_id={row.id} mape_before={report.mape_before:.4f} mape_after={report.mape_after:.4f}")
    if not done:
        raise click.ClickException("No cluster has completed jobs; run `flask --app wsgi demo load` first.")


@quotes_cli.command("seed-history")
@click.option("--cluster", "slug", required=True, help="Cluster slug.")
@click.option("--jobs", "count", default=600, show_default=True, help="Number of completed jobs to generate.")
@click.option("--seed", default=2026, show_default=True)
def seed_history_command(slug: str, count: int, seed: int) -> None:
    """Add generated completed jobs (hidden ground truth with noise, quoting.history) to a cluster."""

    cluster = _clusters(slug)[0]
    added = add_jobs(cluster, count, seed)
    db.session.commit()
    click.echo(f"{cluster.slug}: {added} completed jobs added")
