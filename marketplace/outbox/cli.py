"""`flask --app wsgi jobs worker|drain|list|retry`: the durable-work runner from the command line."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.outbox.models import OutboxMessage
from marketplace.outbox.runner import drain, retry_parked
from marketplace.outbox.worker import work_rq

jobs_cli = AppGroup("jobs", help="Durable work: the outbox and its runner.")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when nothing is left to do.")
def worker_command(burst: bool) -> None:
    """Run the RQ worker for outbox work (needs REDIS_URL); without REDIS_URL the app's own thread does it."""
    if not current_app.config.get("REDIS_URL"):
        raise click.UsageError("Set REDIS_URL to run RQ workers (the embedded default needs no worker).")
    work_rq(current_app._get_current_object(), burst=burst)


@jobs_cli.command("drain")
def drain_command() -> None:
    """Deliver everything that is due now, in this process."""
    click.echo(f"delivered {drain()}")


@jobs_cli.command("list")
@click.option("--state", default="parked", show_default=True)
def list_command(state: str) -> None:
    """Counts by state, then the rows in STATE with their last error."""
    for row_state, count in db.session.execute(select(OutboxMessage.state, func.count())
                                               .group_by(OutboxMessage.state)):
        click.echo(f"{row_state}: {count}")
    for row in db.session.scalars(select(OutboxMessage).where(OutboxMessage.state == state)
                                  .order_by(OutboxMessage.id).limit(100)):
        click.echo(f"#{row.id} {row.handler} {row.payload} attempts={row.attempts} "
                   f"{row.last_error.splitlines()[0] if row.last_error else ''}")


@jobs_cli.command("retry")
@click.argument("message_id", type=int)
def retry_command(message_id: int) -> None:
    """Queue a parked row again."""
    click.echo("queued" if retry_parked(message_id) else "not parked")
