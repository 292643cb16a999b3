"""The cluster operator's dashboard: utilisation, demand versus supply and programme KPIs (issue 7).

models.py       materialised minutes per machine per local day, and each cluster's covered day range
calendar_days   pure: idle intervals and bookings -> minutes per local day (no database)
materialise.py  refresh rows for machines and days; session hooks keep them current on every commit
queries.py      the figures, each one SQL GROUP BY over the materialised rows
kpis.py         programme KPIs, one function per figure; None while the table it needs does not exist
api.py, views.py, export.py   REST endpoints, pages, CSV
See docs/dashboard.md.
"""

from __future__ import annotations


def init_app(app) -> None:
    from marketplace.dashboard import materialise
    from marketplace.dashboard.cli import dashboard_cli
    from marketplace.extensions import db

    materialise.register_session_hooks(db.session)
    app.cli.add_command(dashboard_cli)
