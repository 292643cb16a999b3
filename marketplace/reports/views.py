"""Operator pages: the cluster's programme plans, a new plan, and a plan's report with its PDF and Excel files."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.accounts.auth import firm_required
from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.forms_util import save_or_report
from marketplace.reports import exports, services
from marketplace.reports.api import PDF, XLSX, attachment, plan_of_cluster, report_of
from marketplace.reports.forms import PlanForm, TargetsForm
from marketplace.reports.metrics import BY_KEY
from marketplace.reports.models import ReportPlan
from marketplace.reports.wording import STATUS, definition, value_text

reports_web = Blueprint("reports", __name__, url_prefix="/reports")


def _field_named(action):
    """A service refusal of `targets.<metric>` is shown by the form field named after the metric."""
    def run():
        try:
            action()
        except FieldError as exc:
            raise FieldError(exc.field.removeprefix("targets."), exc.message) from exc
    return run


@reports_web.route("", methods=["GET", "POST"])
@firm_required("operator")
def index():
    form = PlanForm()
    if form.validate_on_submit():
        created = []
        cluster = current_user.firm.cluster
        if save_or_report(form, _field_named(lambda: created.append(services.create_plan(
                cluster, form.name.data, form.period_start.data, form.period_end.data, form.service_targets(),
                current_user.id)))):
            flash(_("Targets saved."), "success")
            return redirect(url_for("reports.plan", plan_id=created[0].id))
    return render_template("reports/index.html", plans=services.plans_of(current_user.firm.cluster_id), form=form,
                           ), 422 if form.errors else 200


def _plan_page(plan: ReportPlan, form: TargetsForm, status: int = 200):
    return render_template("reports/plan.html", plan=plan, report=report_of(plan), form=form, metrics=BY_KEY,
                           status_names=STATUS, definition=definition, value_text=value_text), status


@reports_web.route("/<int:plan_id>", methods=["GET", "POST"])
@firm_required("operator")
def plan(plan_id: int):
    plan = plan_of_cluster(plan_id)
    form = TargetsForm()
    if form.validate_on_submit():
        if save_or_report(form, _field_named(lambda: services.set_targets(plan, form.service_targets()))):
            flash(_("Targets saved."), "success")
            return redirect(url_for("reports.plan", plan_id=plan.id))
        return _plan_page(plan, form, 422)
    if form.errors:
        return _plan_page(plan, form, 422)
    form.fill({t.metric: BY_KEY[t.metric].shown(t.stored_value) for t in plan.targets})
    return _plan_page(plan, form)


@reports_web.route("/<int:plan_id>/delete", methods=["POST"])
@firm_required("operator")
def delete(plan_id: int):
    db.session.delete(plan_of_cluster(plan_id))
    db.session.commit()
    flash(_("Plan removed."), "success")
    return redirect(url_for("reports.index"))


@reports_web.route("/<int:plan_id>/report.pdf")
@firm_required("operator")
def pdf(plan_id: int):
    plan = plan_of_cluster(plan_id)
    return attachment(exports.pdf(report_of(plan), current_user.firm.cluster.name), PDF, plan, "pdf")


@reports_web.route("/<int:plan_id>/report.xlsx")
@firm_required("operator")
def xlsx(plan_id: int):
    plan = plan_of_cluster(plan_id)
    return attachment(exports.xlsx(report_of(plan), current_user.firm.cluster.name), XLSX, plan, "xlsx")
