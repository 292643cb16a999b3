"""`flask payments localstripe` (the local payments server, loopback only) and `flask payments ledger-check`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

payments_cli = AppGroup("payments", help="Payments: local server and ledger checks.")


@payments_cli.command("localstripe")
@click.option("--port", default=8420, show_default=True)
@click.option("--state-dir", default="instance/localstripe", show_default=True, help="Where its pickle is kept.")
@click.option("--from-scratch", is_flag=True, help="Forget the state of an earlier run.")
def localstripe(port: int, state_dir: str, from_scratch: bool) -> None:
    """Serve localstripe on 127.0.0.1:PORT in the foreground (STRIPE_API_BASE defaults to port 8420)."""
    from marketplace.payments.localstripe_server import main

    click.echo(f"localstripe on http://127.0.0.1:{port} (state in {state_dir}); Ctrl-C to stop")
    main(["--port", str(port), "--state-dir", state_dir, *(["--from-scratch"] if from_scratch else [])])


@payments_cli.command("ledger-check")
def ledger_check() -> None:
    """Exit 1 unless debits equal credits overall and in every transaction."""
    from marketplace.payments.ledger import balanced

    ok = balanced()
    click.echo("ledger balanced" if ok else "LEDGER UNBALANCED")
    raise SystemExit(0 if ok else 1)
