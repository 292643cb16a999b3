"""REST API for service voucher programmes (operators) and vouchers (SMEs)."""

from __future__ import annotations

import marshmallow as ma
from flask import abort
from flask.views import MethodView
from flask_login import current_user
from marshmallow import validate as v
from sqlalchemy import select

from marketplace.accounts.auth import require_kind
from marketplace.accounts.models import Firm
from marketplace.api_common import ID_RANGE, ListArgs, StrictSchema, api_blueprint, check_range, page_of, paginate
from marketplace.extensions import db
from marketplace.i18n import local_today
from marketplace.payments import reimbursements
from marketplace.tenancy import current_firm
from marketplace.vouchers import services
from marketplace.vouchers.models import Voucher, VoucherProgramme

FEN = v.Range(min=1, max=10**12)


class ProgrammeSchema(StrictSchema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(required=True, validate=v.Length(min=1, max=200))
    budget_fen = ma.fields.Integer(required=True, validate=FEN)
    spent_fen = ma.fields.Integer(dump_only=True)
    remaining_fen = ma.fields.Integer(dump_only=True)
    per_firm_cap_fen = ma.fields.Integer(required=True, validate=FEN)
    kind = ma.fields.String(required=True, validate=v.OneOf(("percent", "fixed")))
    percent_bp = ma.fields.Integer(load_default=0, validate=v.Range(min=0, max=10_000))
    value_fen = ma.fields.Integer(load_default=0, validate=v.Range(min=0, max=10**12))
    eligible_processes = ma.fields.List(ma.fields.String(validate=v.Length(max=32)), load_default=list,
                                        validate=v.Length(max=50))
    max_employees = ma.fields.Integer(load_default=None, allow_none=True, validate=v.Range(min=1, max=10**6),
                                      metadata={"description": "Only firms of at most this headcount (null: any)"})
    valid_from = ma.fields.Date(required=True)
    valid_until = ma.fields.Date(required=True)
    active = ma.fields.Boolean(load_default=True)
    currency = ma.fields.String(dump_only=True)

    @ma.validates_schema(skip_on_field_errors=True)
    def _range(self, data, **kwargs):
        check_range(data, "valid_from", "valid_until", max_days=3 * 366 + 1, same_day_ok=True,
                    max_label="three years")


class IssueSchema(StrictSchema):
    firm_id = ma.fields.Integer(required=True, validate=ID_RANGE)
    cap_fen = ma.fields.Integer(load_default=None, allow_none=True, validate=FEN)


class VoucherSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    programme_id = ma.fields.Integer()
    programme = ma.fields.String(attribute="programme.name")
    firm_id = ma.fields.Integer()
    cap_fen = ma.fields.Integer()
    used_fen = ma.fields.Integer()
    available_fen = ma.fields.Integer()
    status = ma.fields.String()
    valid_until = ma.fields.Date(attribute="programme.valid_until")


class ReportSchema(ma.Schema):
    programme_id = ma.fields.Integer()
    budget_fen = ma.fields.Integer()
    spent_fen = ma.fields.Integer()
    remaining_fen = ma.fields.Integer()
    vouchers = ma.fields.Integer()
    redemptions = ma.fields.Integer()
    firms = ma.fields.List(ma.fields.Dict())


vouchers_blp = api_blueprint("vouchers_api", __name__, "", "Service voucher programmes and vouchers")


def _programme(programme_id: int) -> VoucherProgramme:
    """A programme of the current operator's cluster; for anyone else it does not exist (404)."""
    programme = db.session.get(VoucherProgramme, programme_id)
    firm = current_firm()
    if programme is None or not firm.is_operator or programme.cluster_id != firm.cluster_id:
        abort(404, f"No voucher programme with id {programme_id}.")
    return programme


@vouchers_blp.route("/voucher-programmes")
class Programmes(MethodView):
    @vouchers_blp.arguments(ListArgs, location="query")
    @vouchers_blp.response(200, page_of(ProgrammeSchema))
    def get(self, args):
        """Your cluster's voucher programmes (operators)"""
        require_kind("operator")
        stmt = select(VoucherProgramme).where(VoucherProgramme.cluster_id == current_firm().cluster_id)
        return paginate(stmt.order_by(VoucherProgramme.id.desc()), args)

    @vouchers_blp.arguments(ProgrammeSchema)
    @vouchers_blp.response(201, ProgrammeSchema)
    def post(self, data):
        """Create a programme: budget, per-firm cap, percentage or fixed value, eligible processes, validity"""
        require_kind("operator")
        programme = services.create_programme(current_firm().cluster_id, data)
        db.session.commit()
        return programme


@vouchers_blp.route("/voucher-programmes/<int:programme_id>")
class ProgrammeReport(MethodView):
    @vouchers_blp.response(200, ReportSchema)
    def get(self, programme_id):
        """Use of a programme: budget spent and remaining, per firm"""
        return services.programme_report(_programme(programme_id))


@vouchers_blp.route("/voucher-programmes/<int:programme_id>/vouchers")
class Issue(MethodView):
    @vouchers_blp.arguments(IssueSchema)
    @vouchers_blp.response(201, VoucherSchema)
    def post(self, data, programme_id):
        """Issue a voucher to an SME of the cluster"""
        programme = _programme(programme_id)
        firm = db.session.get(Firm, data["firm_id"])
        if firm is None or firm.cluster_id != programme.cluster_id:
            abort(404, f"No firm with id {data['firm_id']}.")
        voucher = services.issue(programme, firm, data["cap_fen"])
        db.session.commit()
        return voucher


class ReimbursementSchema(StrictSchema):
    id = ma.fields.Integer(dump_only=True)
    amount_fen = ma.fields.Integer(required=True, validate=v.Range(min=1, max=10**12))
    reference = ma.fields.String(required=True, validate=v.Length(min=1, max=80),
                                 metadata={"description": "The bank transfer's reference"})
    received_on = ma.fields.Date(required=True)


class ReimbursementSummarySchema(ma.Schema):
    claimed_fen = ma.fields.Integer(metadata={"description": "Subsidies of paid orders, less reversals"})
    reimbursed_fen = ma.fields.Integer()
    outstanding_fen = ma.fields.Integer()
    reimbursements = ma.fields.List(ma.fields.Nested(ReimbursementSchema))


@vouchers_blp.route("/voucher-programmes/<int:programme_id>/reimbursements")
class Reimbursements(MethodView):
    @vouchers_blp.response(200, ReimbursementSummarySchema)
    def get(self, programme_id):
        """What the programme owes for its subsidies, what it paid back (兑付)"""
        return reimbursements.summary(_programme(programme_id))

    @vouchers_blp.arguments(ReimbursementSchema)
    @vouchers_blp.response(201, ReimbursementSchema)
    def post(self, data, programme_id):
        """Record a reimbursement received from the programme (never more than it owes)"""
        programme = _programme(programme_id)
        row = reimbursements.record(programme, data["amount_fen"], data["reference"], data["received_on"],
                                    current_user, local_today())
        db.session.commit()
        return row


@vouchers_blp.route("/vouchers")
class MyVouchers(MethodView):
    @vouchers_blp.response(200, VoucherSchema(many=True))
    def get(self):
        """Vouchers your firm holds"""
        return db.session.scalars(select(Voucher).where(Voucher.firm_id == current_firm().id)
                                  .order_by(Voucher.id)).all()


BLUEPRINTS = (vouchers_blp,)
