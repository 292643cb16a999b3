"""`flask payments localstripe` (the local payments server, loopback only) and `flask payments reconcile`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from marketplace.payments.reconcile import reconcile

payments_cli = AppGroup("payments", help="Payments: local server and reconciliation.")


@payments_cli.command("localstripe")
@click.option("--port", default=8420, show_default=True)
@click.option("--state-dir", default="instance/localstripe", show_default=True, help="Where its pickle is kept.")
@click.option("--from-scratch", is_flag=True, help="Forget the state of an earlier run.")
def localstripe(port: int, state_dir: str, from_scratch: bool) -> None:
    """Serve localstripe on 127.0.0.1:PORT in the foreground (STRIPE_API_BASE defaults to port 8420)."""
    from marketplace.devtools.localstripe_server import main  # dev-only: the running app never imports devtools

    click.echo(f"localstripe on http://127.0.0.1:{port} (state in {state_dir}); Ctrl-C to stop")
    main(["--port", str(port), "--state-dir", state_dir, *(["--from-scratch"] if from_scratch else [])])


@payments_cli.command("reconcile")
@click.option("--repair/--no-repair", default=True, show_default=True, help="Repair what can be proven.")
def reconcile_command(repair: bool) -> None:
    """Compare the provider's payments, refunds and transfers with the database and the ledger; exit 1 while
    anything differs."""
    run = reconcile(repair=repair)
    for item in run.repaired:
        click.echo(f"repaired: {item}")
    for item in run.differences:
        click.echo(f"DIFFERS: {item}")
    if run.error:
        click.echo(f"FAILED: {run.error}")
    click.echo("reconciled: books agree with the provider" if run.ok else
               f"NOT RECONCILED: {len(run.differences)} difference(s)")
    raise SystemExit(0 if run.ok else 1)
