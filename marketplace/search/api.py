"""REST API: /api/v1/search/capacity, /suppliers, /jobs (factories), /firms (operators)."""
from __future__ import annotations

from flask import abort
from flask.views import MethodView
from flask_babel import get_locale

from marketplace.accounts.auth import require_kind
from marketplace.api_common import api_blueprint
from marketplace.search import services
from marketplace.search.schemas import CapacityArgs, FirmArgs, JobArgs, SearchPageSchema
from marketplace.security import ratelimit
from marketplace.tenancy import current_firm

search_blp = api_blueprint("search_api", __name__, "/search",
                           "Search within your cluster: idle capacity, suppliers, the job board, firms")


def _run(kind: str, args: dict) -> dict:
    try:
        return services.run_search(kind, current_firm(), args, str(get_locale()))
    except services.SearchUnavailable:
        abort(503, "Search is unavailable at the moment; try again shortly.")


@search_blp.route("/capacity")
class CapacitySearch(MethodView):
    @search_blp.arguments(CapacityArgs, location="query")
    @search_blp.response(200, SearchPageSchema)
    def get(self, args):
        """Machines with idle capacity (one listing per machine), filtered, faceted and sorted"""
        return _run("capacity", args)


@search_blp.route("/suppliers")
class SupplierSearch(MethodView):
    @search_blp.arguments(CapacityArgs, location="query")
    @search_blp.response(200, SearchPageSchema)
    def get(self, args):
        """Supplier sites (a factory firm's production site with its processes, materials and certifications)"""
        return _run("supplier", args)


@search_blp.route("/jobs")
class JobSearch(MethodView):
    @search_blp.arguments(JobArgs, location="query")
    @search_blp.response(200, SearchPageSchema)
    def get(self, args):
        """The job board: steps of open orders that one of your active machines can do (factories only)"""
        require_kind("factory")
        return _run("job", args)


@search_blp.route("/firms")
class FirmSearch(MethodView):
    @search_blp.arguments(FirmArgs, location="query")
    @search_blp.response(200, SearchPageSchema)
    def get(self, args):
        """Firms of your cluster (cluster operators only)"""
        require_kind("operator")
        return _run("firm", args)


ratelimit.limit_blueprint(search_blp, ratelimit.SEARCHES)
BLUEPRINTS = (search_blp,)
