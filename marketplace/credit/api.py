"""REST API: credit profiles (the operator sees its cluster's firms, a firm its own; anyone else 404) and the
operator's capability map."""

from __future__ import annotations

from datetime import timedelta

import marshmallow as ma
from flask import abort
from flask.views import MethodView
from marshmallow import validate as v

from marketplace.accounts.auth import require_kind
from marketplace.accounts.models import Firm
from marketplace.api_common import StrictSchema, api_blueprint
from marketplace.credit import services
from marketplace.credit.capability import capability_map
from marketplace.credit.wording import explain
from marketplace.dashboard import materialise
from marketplace.extensions import db
from marketplace.i18n import local_today
from marketplace.tenancy import current_firm


class FactorSchema(ma.Schema):
    code = ma.fields.String(metadata={"description": "delivery | ratings | disputes | reliability | volume | tenure"})
    points = ma.fields.Float()
    max = ma.fields.Integer()
    reason = ma.fields.String()
    params = ma.fields.Dict()
    explanation = ma.fields.Method("_explain")

    def _explain(self, factor) -> str:
        return explain(factor)


class CreditProfileSchema(ma.Schema):
    firm_id = ma.fields.Integer()
    firm = ma.fields.String(attribute="firm.name")
    score = ma.fields.Float(metadata={"description": "0..100"})
    grade = ma.fields.String(metadata={"description": "A (80+), B (65+), C (50+), D; NR with fewer than 5 orders"})
    thin = ma.fields.Boolean(metadata={"description": "fewer than 5 orders in all"})
    factors = ma.fields.List(ma.fields.Nested(FactorSchema))
    facts = ma.fields.Dict()


class CapabilityArgs(StrictSchema):
    days = ma.fields.Integer(load_default=30, validate=v.Range(min=1, max=366))


class CapabilitySchema(ma.Schema):
    process = ma.fields.String()
    firms = ma.fields.Integer()
    machines = ma.fields.Integer()
    units = ma.fields.Integer()
    offered_h = ma.fields.Float()
    booked_h = ma.fields.Float()
    free_h = ma.fields.Float()
    utilisation = ma.fields.Float(allow_none=True)
    top_firms = ma.fields.List(ma.fields.Dict())
    sites = ma.fields.List(ma.fields.Dict())


credit_blp = api_blueprint("credit_api", __name__, "", "Credit profiles of firms and the capability map")


@credit_blp.route("/credit-profiles")
class Profiles(MethodView):
    @credit_blp.response(200, CreditProfileSchema(many=True))
    def get(self):
        """Every firm of the cluster with its credit score, best first (operators)"""
        require_kind("operator")
        return services.profiles(current_firm().cluster_id)


def visible_firm(firm_id: int) -> Firm:
    firm = services.visible(current_firm(), firm_id)
    if firm is None:
        abort(404, f"No credit profile for firm {firm_id}.")
    return firm


@credit_blp.route("/firms/<int:firm_id>/credit-profile")
class Profile(MethodView):
    @credit_blp.response(200, CreditProfileSchema)
    def get(self, firm_id):
        """A firm's credit profile: its score and how each factor was reached (the firm itself and its operator)"""
        return services.profile(visible_firm(firm_id))


def open_map(cluster, days: int) -> tuple:
    first = local_today()
    last = first + timedelta(days=days - 1)
    if materialise.ensure_coverage(db.session, cluster, first, last):
        db.session.commit()
    return first, last


@credit_blp.route("/capability-map")
class Capabilities(MethodView):
    @credit_blp.arguments(CapabilityArgs, location="query")
    @credit_blp.response(200, CapabilitySchema(many=True))
    def get(self, args):
        """Per process: firms, machines, idle hours offered and booked over the next days, and their sites"""
        require_kind("operator")
        cluster = current_firm().cluster
        first, last = open_map(cluster, args["days"])
        return capability_map(db.session, cluster.id, first, last)


BLUEPRINTS = (credit_blp,)
