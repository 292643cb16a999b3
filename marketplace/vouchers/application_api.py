"""REST API for voucher applications: an SME applies to a programme of its cluster; the operator lists and decides
them in batches (approving issues the vouchers)."""

from __future__ import annotations

import marshmallow as ma
from flask import abort
from flask.views import MethodView
from flask_login import current_user
from marshmallow import validate as v

from marketplace.api_common import ID_RANGE, StrictSchema, api_blueprint
from marketplace.extensions import db
from marketplace.i18n import local_today
from marketplace.tenancy import current_firm
from marketplace.vouchers import applications
from marketplace.vouchers.models import VoucherProgramme


class ApplySchema(StrictSchema):
    purpose = ma.fields.String(required=True, validate=v.Length(min=1, max=applications.PURPOSE_MAX))
    requested_fen = ma.fields.Integer(required=True, validate=v.Range(min=1, max=10**12))


class DecideSchema(StrictSchema):
    application_ids = ma.fields.List(ma.fields.Integer(validate=ID_RANGE), required=True,
                                     validate=v.Length(min=1, max=500))
    approve = ma.fields.Boolean(required=True)
    note = ma.fields.String(load_default="", validate=v.Length(max=300))


class ApplicationSchema(ma.Schema):
    id = ma.fields.Integer()
    programme_id = ma.fields.Integer()
    firm_id = ma.fields.Integer()
    firm = ma.fields.String(attribute="firm.name")
    purpose = ma.fields.String()
    requested_fen = ma.fields.Integer()
    status = ma.fields.String()
    decision_note = ma.fields.String()
    voucher_code = ma.fields.String(attribute="voucher.code", allow_none=True)
    created_at = ma.fields.AwareDateTime()
    decided_at = ma.fields.AwareDateTime(allow_none=True)


applications_blp = api_blueprint("voucher_applications_api", __name__, "", "Applying for service vouchers")


def _programme(programme_id: int, operators_only: bool = False) -> VoucherProgramme:
    """A programme of the caller's cluster (any firm may apply); its applications are its operator's only: for
    anyone else they do not exist (404)."""
    programme = db.session.get(VoucherProgramme, programme_id)
    firm = current_firm()
    if programme is None or programme.cluster_id != firm.cluster_id or (operators_only and not firm.is_operator):
        abort(404, f"No voucher programme with id {programme_id}.")
    return programme


@applications_blp.route("/voucher-programmes/<int:programme_id>/applications")
class Applications(MethodView):
    @applications_blp.response(200, ApplicationSchema(many=True))
    def get(self, programme_id):
        """A programme's applications (its operator)"""
        return applications.of_programme(_programme(programme_id, operators_only=True))

    @applications_blp.arguments(ApplySchema)
    @applications_blp.response(201, ApplicationSchema)
    def post(self, data, programme_id):
        """Apply for a voucher of this programme, saying what for (SME buyers)"""
        programme = _programme(programme_id)
        application = applications.apply(programme, current_firm(), data["purpose"], data["requested_fen"],
                                         local_today())
        db.session.commit()
        return application


@applications_blp.route("/voucher-programmes/<int:programme_id>/applications/decide")
class Decide(MethodView):
    @applications_blp.arguments(DecideSchema)
    @applications_blp.response(200, ApplicationSchema(many=True))
    def post(self, data, programme_id):
        """Approve (issue the vouchers) or reject (with a note) a batch of applications, all or none (its operator)"""
        programme = _programme(programme_id, operators_only=True)
        decided = applications.decide(programme, data["application_ids"], data["approve"], data["note"],
                                      current_user)
        db.session.commit()
        return decided


@applications_blp.route("/voucher-applications")
class MyApplications(MethodView):
    @applications_blp.response(200, ApplicationSchema(many=True))
    def get(self):
        """Your firm's voucher applications"""
        return applications.of_firm(current_firm())


BLUEPRINTS = (applications_blp,)
