"""Search: suppliers and idle capacity for buyers, a job board for factories, firms for operators.

One interface (`backend.SearchBackend`), two backends with the same results: the database itself (default) and
Elasticsearch when ELASTICSEARCH_URL is set. See docs/search.md.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from marketplace.search.backend import SearchBackend


@dataclass
class SearchExtension:
    backend: SearchBackend
    horizon_days: int
    auto_index: bool
    timezone: str

    def today(self) -> date:
        return datetime.now(ZoneInfo(self.timezone)).date()


def make_backend(app) -> SearchBackend:
    url = app.config.get("ELASTICSEARCH_URL")
    if url:
        from elasticsearch import Elasticsearch

        from marketplace.search.elastic import ElasticsearchBackend
        client = Elasticsearch(url, request_timeout=app.config["SEARCH_ES_TIMEOUT"])
        return ElasticsearchBackend(client, app.config["SEARCH_INDEX"],
                                    refresh=app.config["SEARCH_ES_REFRESH"])
    from marketplace.extensions import db
    from marketplace.search.embedded import DatabaseBackend
    return DatabaseBackend(lambda: db.session)


def init_app(app) -> None:
    from marketplace.extensions import db
    from marketplace.search import alembic_support, indexing
    from marketplace.search.cli import search_cli
    app.extensions["search"] = SearchExtension(
        backend=make_backend(app), horizon_days=app.config["SEARCH_IDLE_HORIZON_DAYS"],
        auto_index=app.config["SEARCH_AUTO_INDEX"],
        timezone=app.config["CLUSTER_TIMEZONE"])
    indexing.register_session_hooks(db.session)
    alembic_support.register()
    app.cli.add_command(search_cli)
