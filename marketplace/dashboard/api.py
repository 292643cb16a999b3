"""REST API: every dashboard figure, for the operators of a cluster (their own cluster only; others get 403)."""

from __future__ import annotations

from flask.views import MethodView

from marketplace.accounts.auth import require_kind
from marketplace.api_common import api_blueprint
from marketplace.dashboard import schemas as s
from marketplace.dashboard import services
from marketplace.extensions import db
from marketplace.i18n import select_locale
from marketplace.tenancy import current_firm

dashboard_blp = api_blueprint("dashboard_api", __name__, "/dashboard",
                              "Cluster operator dashboard: utilisation, demand versus supply, programme KPIs")


@dashboard_blp.before_request
def _operators_only() -> None:
    """Operators only, checked before the arguments (a buyer gets 403 whatever it sends)."""
    require_kind("operator")


def figure(name: str, args: dict, **options) -> dict:
    """One figure for the current operator's cluster."""
    data, wrote = services.payload(db.session, current_firm().cluster, name, args.get("start"), args.get("end"),
                                   select_locale(), **options)
    if wrote:
        db.session.commit()
    return data


@dashboard_blp.route("/utilisation")
class Utilisation(MethodView):
    @dashboard_blp.arguments(s.UtilisationArgs, location="query")
    @dashboard_blp.response(200, s.UtilisationSchema)
    def get(self, args):
        """Utilisation (booked / offered idle hours) by factory, machine, process, day or week"""
        return figure("utilisation", args, group_by=args["group_by"]) | {"group_by": args["group_by"]}


@dashboard_blp.route("/heatmap")
class Heatmap(MethodView):
    @dashboard_blp.arguments(s.RangeArgs, location="query")
    @dashboard_blp.response(200, s.HeatmapSchema)
    def get(self, args):
        """Utilisation per factory and day"""
        return figure("heatmap", args)


@dashboard_blp.route("/trend")
class Trend(MethodView):
    @dashboard_blp.arguments(s.TrendArgs, location="query")
    @dashboard_blp.response(200, s.TrendSchema)
    def get(self, args):
        """Utilisation over time: the cluster and its five largest processes"""
        return figure("trend", args, interval=args["interval"])


@dashboard_blp.route("/under-used")
class UnderUsed(MethodView):
    @dashboard_blp.arguments(s.LimitArgs, location="query")
    @dashboard_blp.response(200, s.UnderUsedSchema)
    def get(self, args):
        """Machines with the most offered but unbooked hours"""
        return figure("under-used", args, limit=args["limit"])


@dashboard_blp.route("/over-demanded")
class OverDemanded(MethodView):
    @dashboard_blp.arguments(s.LimitArgs, location="query")
    @dashboard_blp.response(200, s.OverDemandedSchema)
    def get(self, args):
        """Processes with the highest demand / supply ratio"""
        return figure("over-demanded", args, limit=args["limit"])


@dashboard_blp.route("/demand-supply")
class DemandSupply(MethodView):
    @dashboard_blp.arguments(s.RangeArgs, location="query")
    @dashboard_blp.response(200, s.DemandSupplySchema)
    def get(self, args):
        """Hours of demand (open orders, recent quotes) against offered hours per process, with advice"""
        return figure("demand-supply", args)


@dashboard_blp.route("/kpis")
class Kpis(MethodView):
    @dashboard_blp.arguments(s.RangeArgs, location="query")
    @dashboard_blp.response(200, s.KpisSchema)
    def get(self, args):
        """Programme KPIs: firms by kind, order funnel, GMV, conversion, on-time rate, lead time, vouchers, fees"""
        return figure("kpis", args)


BLUEPRINTS = (dashboard_blp,)
