"""REST API for equipment leases."""

from __future__ import annotations

import marshmallow as ma
from flask import abort
from flask.views import MethodView
from marshmallow import validate as v
from sqlalchemy import or_, select

from capacity import leasing
from capacity.lease_models import Lease
from capacity.models import Equipment, Factory
from marketplace.api_common import ID_RANGE, ListArgs, StrictSchema, api_blueprint, page_of, paginate
from marketplace.db_types import utcnow
from marketplace.extensions import db
from marketplace.i18n import local_zone
from marketplace.tenancy import current_firm


class LeaseRequestSchema(StrictSchema):
    equipment_id = ma.fields.Integer(required=True, validate=ID_RANGE)
    start_date = ma.fields.Date(required=True)
    end_date = ma.fields.Date(required=True)
    site_factory_id = ma.fields.Integer(load_default=None, allow_none=True, validate=ID_RANGE)
    instalment_months = ma.fields.Integer(load_default=None, allow_none=True, validate=v.Range(min=2, max=60))


class InstalmentSchema(ma.Schema):
    number = ma.fields.Integer()
    due_date = ma.fields.Date()
    amount_fen = ma.fields.Integer()
    principal_fen = ma.fields.Integer()
    interest_fen = ma.fields.Integer()
    paid_at = ma.fields.AwareDateTime(allow_none=True)


class LeaseSchema(ma.Schema):
    id = ma.fields.Integer()
    reference = ma.fields.String()
    equipment_id = ma.fields.Integer()
    equipment = ma.fields.String(attribute="equipment.name")
    lessee_firm_id = ma.fields.Integer()
    site_factory_id = ma.fields.Integer(allow_none=True)
    start_date = ma.fields.Date()
    end_date = ma.fields.Date()
    days = ma.fields.Integer()
    daily_rate_fen = ma.fields.Integer()
    rent_fen = ma.fields.Integer()
    deposit_fen = ma.fields.Integer()
    instalment_months = ma.fields.Integer(allow_none=True)
    annual_rate_bp = ma.fields.Integer(allow_none=True)
    total_payable_fen = ma.fields.Integer()
    currency = ma.fields.String()
    status = ma.fields.String()
    instalments = ma.fields.List(ma.fields.Nested(InstalmentSchema))


leases_blp = api_blueprint("leases_api", __name__, "/leases", "Leasing equipment, also on instalments")


def _visible(stmt):
    firm = current_firm()
    return stmt.join(Equipment).where(or_(Lease.lessee_firm_id == firm.id, Equipment.owner_firm_id == firm.id))


@leases_blp.route("")
class Leases(MethodView):
    @leases_blp.arguments(ListArgs, location="query")
    @leases_blp.response(200, page_of(LeaseSchema))
    def get(self, args):
        """Leases you hold, and leases of equipment you own"""
        return paginate(_visible(select(Lease)).order_by(Lease.id.desc()), args)

    @leases_blp.arguments(LeaseRequestSchema)
    @leases_blp.response(201, LeaseSchema)
    def post(self, data):
        """Lease listed equipment for whole days (no double leasing); optionally on an instalment plan"""
        firm = current_firm()
        item = db.session.get(Equipment, data["equipment_id"])
        if item is None or item.cluster_id != firm.cluster_id or not item.listed:
            abort(404, f"No equipment listing with id {data['equipment_id']}.")
        site = db.session.get(Factory, data["site_factory_id"]) if data["site_factory_id"] else None
        record = leasing.lease(item, firm, data["start_date"], data["end_date"], site=site,
                               instalment_months=data["instalment_months"],
                               today=utcnow().astimezone(local_zone()).date())
        db.session.commit()
        return record


def _lease(lease_id: int) -> Lease:
    record = db.session.scalar(_visible(select(Lease)).where(Lease.id == lease_id))
    if record is None:
        abort(404, f"No lease with id {lease_id}.")
    return record


@leases_blp.route("/<int:lease_id>")
class LeaseItem(MethodView):
    @leases_blp.response(200, LeaseSchema)
    def get(self, lease_id):
        """One lease with its instalment schedule"""
        return _lease(lease_id)


@leases_blp.route("/<int:lease_id>/cancel")
class CancelLease(MethodView):
    @leases_blp.response(200, LeaseSchema)
    def post(self, lease_id):
        """Cancel a lease that has not started (the lessee)"""
        record = _lease(lease_id)
        if record.lessee_firm_id != current_firm().id:
            abort(403, "Only the lessee can cancel a lease.")
        leasing.cancel(record, utcnow().astimezone(local_zone()).date())
        db.session.commit()
        return record


BLUEPRINTS = (leases_blp,)
