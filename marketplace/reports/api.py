"""REST API: a cluster operator's programme plans (targets per period) and their reports, also as PDF and Excel.
Operators only: other firms get 403 on the list and 404 on a plan, as does an operator of another cluster."""

from __future__ import annotations

import marshmallow as ma
from flask import Response, abort
from flask.views import MethodView
from flask_login import current_user
from marshmallow import validate as v

from marketplace.accounts.auth import require_kind
from marketplace.api_common import StrictSchema, api_blueprint
from marketplace.extensions import db
from marketplace.i18n import local_today, select_locale
from marketplace.reports import exports, services
from marketplace.reports.metrics import METRICS
from marketplace.reports.models import ReportPlan
from marketplace.tenancy import current_firm

TargetsSchema = StrictSchema.from_dict({m.key: ma.fields.Float(validate=v.Range(min=0), allow_nan=False,
                                                               metadata={"description": f"{m.unit}"})
                                        for m in METRICS}, name="ProgrammeTargetsSchema")


class PlanCreateSchema(StrictSchema):
    name = ma.fields.String(required=True, validate=v.Length(min=1, max=services.NAME_MAX))
    period_start = ma.fields.Date(required=True)
    period_end = ma.fields.Date(required=True)
    targets = ma.fields.Nested(TargetsSchema, required=True,
                               metadata={"description": "metric -> target in the metric's unit: count, fen, "
                                                        "ratio 0..1 or days (a ceiling for the lead time)"})


class TargetsUpdateSchema(StrictSchema):
    targets = ma.fields.Nested(TargetsSchema, required=True)


class ProgrammePlanSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    period_start = ma.fields.Date()
    period_end = ma.fields.Date()
    targets = ma.fields.Method("_targets")

    def _targets(self, plan: ReportPlan) -> dict:
        by_key = {m.key: m for m in METRICS}
        return {t.metric: by_key[t.metric].shown(t.stored_value) for t in plan.targets}


class ProgrammeReportRowSchema(ma.Schema):
    metric = ma.fields.String()
    unit = ma.fields.String()
    at_most = ma.fields.Boolean(metadata={"description": "the target is a ceiling"})
    target = ma.fields.Raw(metadata={"type": "number", "description": "in the unit: count, fen, ratio or days"})
    actual = ma.fields.Raw(allow_none=True, metadata={"type": "number"})
    expected = ma.fields.Raw(allow_none=True, metadata={"type": "number",
                                                         "description": "a cumulative target pro rata to today"})
    progress = ma.fields.Float(allow_none=True, metadata={"description": "actual / target"})
    status = ma.fields.String(metadata={"description": "met | on_track | behind | no_data | not_started"})


class ProgrammeReportSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    period_start = ma.fields.Date()
    period_end = ma.fields.Date()
    through = ma.fields.Date(metadata={"description": "the actuals count the period's days up to this one"})
    timezone = ma.fields.String()
    as_of = ma.fields.Date()
    elapsed_share = ma.fields.Float()
    rows = ma.fields.List(ma.fields.Nested(ProgrammeReportRowSchema))
    summary = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())


reports_blp = api_blueprint("reports_api", __name__, "/reports",
                            "Programme performance: targets per period against the platform's figures")


def plan_of_cluster(plan_id: int) -> ReportPlan:
    """A plan of the caller's cluster, for its operator; for anyone else it does not exist (404)."""
    plan = db.session.get(ReportPlan, plan_id)
    firm = current_firm()
    if plan is None or plan.cluster_id != firm.cluster_id or not firm.is_operator:
        abort(404, f"No programme plan with id {plan_id}.")
    return plan


def report_of(plan: ReportPlan) -> dict:
    data, wrote = services.report(plan, current_firm().cluster, local_today(), select_locale())
    if wrote:
        db.session.commit()
    return data


@reports_blp.route("/plans")
class Plans(MethodView):
    @reports_blp.response(200, ProgrammePlanSchema(many=True))
    def get(self):
        """The cluster's programme plans, latest period first"""
        require_kind("operator")
        return services.plans_of(current_firm().cluster_id)

    @reports_blp.arguments(PlanCreateSchema)
    @reports_blp.response(201, ProgrammePlanSchema)
    def post(self, data):
        """Set a programme's targets for a period (at most 366 days)"""
        require_kind("operator")
        plan = services.create_plan(current_firm().cluster, data["name"], data["period_start"], data["period_end"],
                                    data["targets"], current_user.id)
        db.session.commit()
        return plan


@reports_blp.route("/plans/<int:report_plan_id>")
class Plan(MethodView):
    @reports_blp.response(200, ProgrammeReportSchema)
    def get(self, report_plan_id):
        """The plan's report: each target beside the actual figure for the period, its progress and status"""
        return report_of(plan_of_cluster(report_plan_id))

    @reports_blp.arguments(TargetsUpdateSchema)
    @reports_blp.response(200, ProgrammePlanSchema)
    def put(self, data, report_plan_id):
        """Replace the plan's targets"""
        plan = services.set_targets(plan_of_cluster(report_plan_id), data["targets"])
        db.session.commit()
        return plan

    @reports_blp.response(204)
    def delete(self, report_plan_id):
        """Remove the plan and its targets"""
        db.session.delete(plan_of_cluster(report_plan_id))
        db.session.commit()


PDF, XLSX = "application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(body: bytes, mimetype: str, plan: ReportPlan, suffix: str) -> Response:
    name = f"programme-report-{plan.id}-{plan.period_start.isoformat()}.{suffix}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@reports_blp.route("/plans/<int:report_plan_id>/report.pdf")
class PlanPdf(MethodView):
    @reports_blp.response(200, description="The report as PDF, Chinese and English", content_type=PDF)
    def get(self, report_plan_id):
        """The report as a PDF for the mid-term review"""
        plan = plan_of_cluster(report_plan_id)
        return attachment(exports.pdf(report_of(plan), current_firm().cluster.name), PDF, plan, "pdf")


@reports_blp.route("/plans/<int:report_plan_id>/report.xlsx")
class PlanXlsx(MethodView):
    @reports_blp.response(200, description="The report as an Excel workbook, Chinese and English",
                          content_type=XLSX)
    def get(self, report_plan_id):
        """The report as an Excel workbook"""
        plan = plan_of_cluster(report_plan_id)
        return attachment(exports.xlsx(report_of(plan), current_firm().cluster.name), XLSX, plan, "xlsx")


BLUEPRINTS = (reports_blp,)
