"""`flask --app wsgi search reindex`: rebuild the search index from the database."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from marketplace.extensions import db
from marketplace.search.indexing import reindex

search_cli = AppGroup("search", help="The search index.")


@search_cli.command("reindex")
@click.option("--batch", default=500, show_default=True, help="Documents per write.")
def reindex_command(batch: int) -> None:
    """Drop the index and build it again from every firm, site, machine and open order step."""
    ext = current_app.extensions["search"]
    report = reindex(db.session, ext, batch=batch)
    db.session.commit()
    ext.backend.refresh()
    counts = ", ".join(f"{kind} {n}" for kind, n in sorted(report["counts"].items())) or "nothing"
    click.echo(f"Reindexed ({ext.backend.name}): {counts} in {report['seconds']:.2f} s")
