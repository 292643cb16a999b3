"""Command-line tools: `flask --app wsgi demo load`, `flask --app wsgi catalogue seed`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from flask_migrate import upgrade

from marketplace.demo import DEMO_PASSWORD, catalogue, load
from marketplace.extensions import db
from marketplace.outbox.cli import jobs_cli
from marketplace.payments.cli import payments_cli
from marketplace.planning.cli import planning_cli
from marketplace.quotes.cli import quotes_cli

demo_cli = AppGroup("demo", help="The demo cluster.")
catalogue_cli = AppGroup("catalogue", help="Process and material catalogues.")


@demo_cli.command("load")
@click.option("--seed", default=2026, show_default=True, help="Random seed; the same seed gives the same cluster.")
@click.option("--plan-seconds", default=10.0, show_default=True, help="Solver time for the first plan.")
def demo_load(seed: int, plan_seconds: float) -> None:
    """Migrate the database and load the demo cluster (safe to run twice)."""

    upgrade()
    context = load(seed, plan_seconds)
    click.echo(f"Demo cluster {'created' if context.created else 'already present, unchanged'}: {context.cluster.name}")
    click.echo(f"Database: {current_app.config['SQLALCHEMY_DATABASE_URI']}")
    run = getattr(context, "plan_run", None)
    if run is not None:
        click.echo(f"First plan: run {run.id} {run.state} {run.solver_status}, {run.assignments} bookings for "
                   f"{run.orders} orders, {len(run.unplaced)} steps unplaced, {run.wall_s or 0:.1f} s")
    for note in context.notes:
        click.echo(f"Note: {note}")
    click.echo(f"Sign in with any of these (password for all: {DEMO_PASSWORD}):")
    shown: dict[str, int] = {}
    for role, email, firm in context.logins:
        shown[role] = shown.get(role, 0) + 1
        if shown[role] <= 3:
            click.echo(f"  {role:9s} {email:28s} {firm}")
    click.echo("  (every firm has a user: factoryNN, lessorNN, buyerNN @demo.smp.cn)")


@catalogue_cli.command("seed")
def catalogue_seed() -> None:
    """Insert or refresh the process and material catalogues."""

    catalogue.seed()
    db.session.commit()
    click.echo("Catalogue seeded.")


def register_commands(app) -> None:

    app.cli.add_command(demo_cli)
    app.cli.add_command(catalogue_cli)
    app.cli.add_command(planning_cli)
    app.cli.add_command(payments_cli)
    app.cli.add_command(quotes_cli)
    app.cli.add_command(jobs_cli)
