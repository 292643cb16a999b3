"""REST API for equipment leases."""

from __future__ import annotations

import marshmallow as ma
from flask import abort
from flask.views import MethodView
from marshmallow import validate as v
from sqlalchemy import or_, select

from capacity import lease_lifecycle, leasing
from capacity.lease_models import Lease
from capacity.models import Equipment, Factory
from marketplace.addresses import services as addresses
from marketplace.api_common import ID_RANGE, ListArgs, StrictSchema, api_blueprint, page_of, paginate
from marketplace.extensions import db
from marketplace.i18n import local_today
from marketplace.tenancy import current_firm


class LeaseRequestSchema(StrictSchema):
    equipment_id = ma.fields.Integer(required=True, validate=ID_RANGE)
    start_date = ma.fields.Date(required=True)
    end_date = ma.fields.Date(required=True)
    site_factory_id = ma.fields.Integer(load_default=None, allow_none=True, validate=ID_RANGE)
    delivery_address = ma.fields.String(load_default="", validate=v.Length(max=300), metadata={
        "description": "Where an item delivered to the lessee goes when the lessee gives no site"})
    delivery_address_id = ma.fields.Integer(load_default=None, allow_none=True, validate=ID_RANGE, metadata={
        "description": "One of the firm's saved delivery addresses instead of a typed one"})
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
    delivery_address = ma.fields.String()
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
    payment_attempt = ma.fields.Integer()
    decision_note = ma.fields.String()
    handover_note = ma.fields.String()
    return_note = ma.fields.String()
    kept_fen = ma.fields.Integer()
    kept_reason = ma.fields.String()
    decided_at = ma.fields.AwareDateTime(allow_none=True)
    handed_over_at = ma.fields.AwareDateTime(allow_none=True)
    returned_at = ma.fields.AwareDateTime(allow_none=True)
    closed_at = ma.fields.AwareDateTime(allow_none=True)
    actions = ma.fields.Method("_actions", metadata={"description": "What your firm may do with the lease now"})
    instalments = ma.fields.List(ma.fields.Nested(InstalmentSchema))

    def _actions(self, record):
        return list(lease_lifecycle.actions(record, current_firm(), local_today()))


class LeaseDeclineSchema(StrictSchema):
    reason = ma.fields.String(required=True, validate=v.Length(min=1, max=300))


class LeaseNoteSchema(StrictSchema):
    note = ma.fields.String(load_default="", validate=v.Length(max=lease_lifecycle.NOTE_MAX))


class LeaseHandOverSchema(StrictSchema):
    note = ma.fields.String(required=True, validate=v.Length(min=1, max=lease_lifecycle.NOTE_MAX),
                            metadata={"description": "The item's condition at handover, as both sides saw it"})


class LeaseInspectSchema(StrictSchema):
    kept_fen = ma.fields.Integer(load_default=0, validate=v.Range(min=0, max=10**13),
                                 metadata={"description": "Part of the deposit the lessor keeps (0: all back)"})
    reason = ma.fields.String(load_default="", validate=v.Length(max=300))


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
        address = data["delivery_address"]
        if data["delivery_address_id"] and not address.strip():
            address = addresses.as_text(addresses.own(firm, data["delivery_address_id"]))
        record = leasing.lease(item, firm, data["start_date"], data["end_date"], site=site,
                               delivery_address=address, instalment_months=data["instalment_months"],
                               today=local_today())
        db.session.commit()
        return record


def visible_lease(lease_id: int) -> Lease:
    record = db.session.scalar(_visible(select(Lease)).where(Lease.id == lease_id))
    if record is None:
        abort(404, f"No lease with id {lease_id}.")
    return record


@leases_blp.route("/<int:lease_id>")
class LeaseItem(MethodView):
    @leases_blp.response(200, LeaseSchema)
    def get(self, lease_id):
        """One lease with its instalment schedule"""
        return visible_lease(lease_id)


def _act(lease_id: int, move, *args) -> Lease:
    record = visible_lease(lease_id)
    move(record, current_firm(), local_today(), *args)
    db.session.commit()
    return record


@leases_blp.route("/<int:lease_id>/approve")
class ApproveLease(MethodView):
    @leases_blp.response(200, LeaseSchema)
    def post(self, lease_id):
        """Approve a request (the lessor): the deposit and the first rent are charged next"""
        return _act(lease_id, lease_lifecycle.approve)


@leases_blp.route("/<int:lease_id>/decline")
class DeclineLease(MethodView):
    @leases_blp.arguments(LeaseDeclineSchema)
    @leases_blp.response(200, LeaseSchema)
    def post(self, data, lease_id):
        """Decline a request with a reason the lessee sees (the lessor)"""
        return _act(lease_id, lease_lifecycle.decline, data["reason"])


@leases_blp.route("/<int:lease_id>/pay-again")
class PayLeaseAgain(MethodView):
    @leases_blp.response(200, LeaseSchema)
    def post(self, lease_id):
        """Charge the deposit and first rent again after a decline (the lessee)"""
        return _act(lease_id, lease_lifecycle.pay_again)


@leases_blp.route("/<int:lease_id>/cancel")
class CancelLease(MethodView):
    @leases_blp.response(200, LeaseSchema)
    def post(self, lease_id):
        """Cancel before the first day (the lessee); what was paid is refunded"""
        return _act(lease_id, lease_lifecycle.cancel)


@leases_blp.route("/<int:lease_id>/hand-over")
class HandOverLease(MethodView):
    @leases_blp.arguments(LeaseHandOverSchema)
    @leases_blp.response(200, LeaseSchema)
    def post(self, data, lease_id):
        """Hand the paid item over with condition notes (the lessor): the lease is in use"""
        return _act(lease_id, lease_lifecycle.hand_over, data["note"])


@leases_blp.route("/<int:lease_id>/return")
class ReturnLease(MethodView):
    @leases_blp.arguments(LeaseNoteSchema)
    @leases_blp.response(200, LeaseSchema)
    def post(self, data, lease_id):
        """Record the item's return (either side), with notes"""
        return _act(lease_id, lease_lifecycle.give_back, data["note"])


@leases_blp.route("/<int:lease_id>/inspect")
class InspectLease(MethodView):
    @leases_blp.arguments(LeaseInspectSchema)
    @leases_blp.response(200, LeaseSchema)
    def post(self, data, lease_id):
        """Close a returned lease (the lessor): refund the deposit, or keep part of it with a reason"""
        return _act(lease_id, lease_lifecycle.inspect, data["kept_fen"], data["reason"])


BLUEPRINTS = (leases_blp,)
