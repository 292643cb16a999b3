"""The shared-manufacturing marketplace: a Flask application factory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app. `config` overrides what the environment gives (tests pass their database here)."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    from marketplace.config import DEFAULTS, from_environment

    app.config.update(DEFAULTS)
    app.config.update(from_environment())
    if config:
        app.config.update(config)

    from marketplace import errors, i18n
    from marketplace.api_common import IdConverter, make_api

    app.url_map.converters["int"] = IdConverter  # ids outside the database's integer range are simply 404
    from marketplace.extensions import babel, csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    i18n.init_app(app)
    from marketplace import wording

    wording.init_app(app)
    errors.register_error_handlers(app)
    api = make_api(app)  # one Api per app: its spec belongs to this app only

    _register_models()
    for blueprint in _api_blueprints():
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)  # the API checks X-CSRFToken itself for cookie-authenticated writes
    for blueprint in _web_blueprints():
        app.register_blueprint(blueprint)
    from marketplace import payments
    from marketplace.payments.webhooks import webhooks as payment_webhooks

    app.register_blueprint(payment_webhooks)
    csrf.exempt(payment_webhooks)  # signed by the payments API, not by a browser session
    payments.init_app(app)

    from marketplace import outbox

    _register_handlers()
    outbox.init_app(app)

    from marketplace import security

    security.init_app(app)
    if app.config["PROXY_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    from marketplace.cli import register_commands

    register_commands(app)
    from marketplace import search

    search.init_app(app)
    from marketplace import dashboard

    dashboard.init_app(app)
    return app


def _register_models() -> None:
    import capacity.lease_models  # noqa: F401
    import capacity.models  # noqa: F401
    import marketplace.accounts.models
    import marketplace.addresses.models  # noqa: F401
    import marketplace.bids.models  # noqa: F401
    import marketplace.dashboard.models  # noqa: F401
    import marketplace.documents.models  # noqa: F401
    import marketplace.leasing.models  # noqa: F401
    import marketplace.messages.models  # noqa: F401
    import marketplace.notifications.models  # noqa: F401
    import marketplace.orders.models  # noqa: F401
    import marketplace.outbox.models  # noqa: F401
    import marketplace.payments.lease_models  # noqa: F401
    import marketplace.payments.models  # noqa: F401
    import marketplace.planning.models  # noqa: F401
    import marketplace.quotes.models  # noqa: F401
    import marketplace.reports.models  # noqa: F401
    import marketplace.search.models  # noqa: F401
    import marketplace.vouchers.models  # noqa: F401


def _register_handlers() -> None:
    """Every feature's outbox handlers (importing a module subscribes them)."""
    import marketplace.accounts.invitations  # noqa: F401
    import marketplace.notifications.handlers  # noqa: F401
    import marketplace.notifications.lease_handlers  # noqa: F401
    import marketplace.notifications.voucher_handlers  # noqa: F401
    import marketplace.outbox.worker  # noqa: F401  (the periodic-task handler)
    import marketplace.payments.handlers  # noqa: F401
    import marketplace.payments.lease_handlers  # noqa: F401
    import marketplace.planning.handlers  # noqa: F401


def _api_blueprints():
    from capacity import api as capacity_api
    from capacity import equipment_api, lease_api
    from marketplace.accounts import api as accounts_api
    from marketplace.addresses import api as addresses_api
    from marketplace.bids import api as bids_api
    from marketplace.credit import api as credit_api
    from marketplace.dashboard import api as dashboard_api
    from marketplace.documents import api as documents_api
    from marketplace.leasing import api as lease_photos_api
    from marketplace.messages import api as messages_api
    from marketplace.notifications import api as notifications_api
    from marketplace.orders import api as orders_api
    from marketplace.payments import api as payments_api
    from marketplace.planning import api as planning_api
    from marketplace.quotes import api as quotes_api
    from marketplace.reports import api as reports_api
    from marketplace.search import api as search_api
    from marketplace.vouchers import api as vouchers_api
    from marketplace.vouchers import application_api

    return (*accounts_api.BLUEPRINTS, *capacity_api.BLUEPRINTS, *equipment_api.BLUEPRINTS, *planning_api.BLUEPRINTS,
            *search_api.BLUEPRINTS, *quotes_api.BLUEPRINTS, *orders_api.BLUEPRINTS,
            *vouchers_api.BLUEPRINTS, *lease_api.BLUEPRINTS, *dashboard_api.BLUEPRINTS, *payments_api.BLUEPRINTS,
            *addresses_api.BLUEPRINTS, *bids_api.BLUEPRINTS, *documents_api.BLUEPRINTS, *messages_api.BLUEPRINTS,
            *notifications_api.BLUEPRINTS, *application_api.BLUEPRINTS, *reports_api.BLUEPRINTS,
            *credit_api.BLUEPRINTS, *lease_photos_api.BLUEPRINTS)


def _web_blueprints():
    from capacity.equipment_views import equipment_web
    from capacity.lease_views import leases_web
    from capacity.views import capacity_web
    from marketplace.accounts.views import accounts_web
    from marketplace.addresses.views import addresses_web
    from marketplace.bids.views import bids_web
    from marketplace.credit.views import credit_web
    from marketplace.dashboard.views import dashboard_web
    from marketplace.documents.views import documents_web
    from marketplace.leasing.views import lease_pages
    from marketplace.messages.views import messages_web
    from marketplace.notifications.views import notifications_web
    from marketplace.orders.multipart_views import multipart_web
    from marketplace.orders.views import orders_web
    from marketplace.outbox.views import operations_web
    from marketplace.planning.views import planning_web
    from marketplace.quotes.views import quotes_web
    from marketplace.reports.views import reports_web
    from marketplace.search.views import search_web
    from marketplace.vouchers.views import vouchers_web
    from marketplace.web.views import web

    return (web, accounts_web, capacity_web, equipment_web, planning_web, search_web, quotes_web, dashboard_web,
            orders_web, multipart_web, addresses_web, bids_web, documents_web, messages_web, notifications_web,
            vouchers_web, leases_web, lease_pages, operations_web, reports_web,
            credit_web)
