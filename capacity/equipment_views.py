"""Pages of leasable equipment: the owner's listing editor and the cluster's listings."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from capacity import equipment as service
from capacity import removal
from capacity.forms import AvailabilityForm, EquipmentForm, InstalmentPlanForm, choices
from capacity.leasing import level_payment_fen
from capacity.models import Equipment, EquipmentAvailability, Factory, InstalmentPlan, Process
from marketplace import tenancy
from marketplace.accounts.auth import firm_required
from marketplace.extensions import db
from marketplace.forms_util import remove_or_flash, save_or_report
from marketplace.i18n import is_chinese

equipment_web = Blueprint("equipment", __name__, url_prefix="/equipment")


def _own(equipment_id: int) -> Equipment:
    item = db.session.get(Equipment, equipment_id)
    if item is None or item.owner_firm_id != current_user.firm_id:
        abort(404)
    return item


def _choices(form: EquipmentForm) -> None:
    zh = is_chinese()
    form.process_code.choices = choices(
        (p.code, p.name_zh if zh else p.name_en) for p in db.session.scalars(select(Process).order_by(Process.code))
    )
    sites = db.session.scalars(
        select(Factory).where(Factory.firm_id == current_user.firm_id).order_by(Factory.name)
    ).all()
    form.site_factory_id.choices = choices([(0, _("— none (delivered) —"))] + [(s.id, s.name) for s in sites])


def _data(form: EquipmentForm) -> dict:
    data = {k: v for k, v in form.data.items() if k not in ("csrf_token", "daily_rate_yuan", "deposit_yuan")}
    data["daily_rate_fen"] = round(form.daily_rate_yuan.data * 100)
    data["deposit_fen"] = round(form.deposit_yuan.data * 100)
    data["site_factory_id"] = data["site_factory_id"] or None
    return data


@equipment_web.route("/", methods=["GET", "POST"])
@firm_required("lessor", "factory")
def index():
    form = EquipmentForm()
    _choices(form)
    if form.validate_on_submit():
        created = []
        if save_or_report(form, lambda: created.append(service.save_equipment(current_user.firm, _data(form)))):
            flash(_("Equipment listed."), "success")
            return redirect(url_for("equipment.edit", equipment_id=created[0].id))
    items = db.session.scalars(
        select(Equipment).where(Equipment.owner_firm_id == current_user.firm_id).order_by(Equipment.name)
    ).all()
    return render_template("equipment/index.html", items=items, form=form), 422 if form.errors else 200


@equipment_web.route("/<int:equipment_id>", methods=["GET", "POST"])
@firm_required("lessor", "factory")
def edit(equipment_id: int):
    item = _own(equipment_id)
    form = EquipmentForm(obj=item, prefix="e")
    _choices(form)
    plan_form = InstalmentPlanForm(prefix="p", formdata=None)
    availability_form = AvailabilityForm(prefix="a", formdata=None)
    if form.is_submitted():
        if form.validate() and save_or_report(
            form, lambda: service.save_equipment(current_user.firm, _data(form), item)
        ):
            flash(_("Equipment saved."), "success")
            return redirect(url_for("equipment.edit", equipment_id=item.id))
    else:
        form.daily_rate_yuan.data = item.daily_rate_fen / 100
        form.deposit_yuan.data = item.deposit_fen / 100
        form.site_factory_id.data = item.site_factory_id or 0
    return _page(item, form, plan_form, availability_form)


def _page(item, form=None, plan_form=None, availability_form=None):
    if form is None:
        form = EquipmentForm(obj=item, prefix="e", formdata=None)
        _choices(form)
        form.daily_rate_yuan.data = item.daily_rate_fen / 100
        form.deposit_yuan.data = item.deposit_fen / 100
        form.site_factory_id.data = item.site_factory_id or 0
    plan_form = plan_form or InstalmentPlanForm(prefix="p", formdata=None)
    availability_form = availability_form or AvailabilityForm(prefix="a", formdata=None)
    examples = {
        p.id: level_payment_fen(item.daily_rate_fen * 30, p.months, p.annual_rate_bp)  # what a lease would charge
        for p in item.instalment_plans
    }
    failed = any(f.errors for f in (form, plan_form, availability_form))
    return render_template(
        "equipment/edit.html",
        item=item,
        form=form,
        plan_form=plan_form,
        availability_form=availability_form,
        examples=examples,
    ), 422 if failed else 200


@equipment_web.route("/<int:equipment_id>/delete", methods=["POST"])
@firm_required("lessor", "factory")
def delete(equipment_id: int):
    item = _own(equipment_id)
    if not remove_or_flash(lambda: removal.remove_equipment(item)):
        return redirect(url_for("equipment.edit", equipment_id=equipment_id))
    flash(_("Equipment withdrawn."), "info")
    return redirect(url_for("equipment.index"))


@equipment_web.route("/<int:equipment_id>/plans", methods=["POST"])
@firm_required("lessor", "factory")
def add_plan(equipment_id: int):
    item = _own(equipment_id)
    form = InstalmentPlanForm(prefix="p")
    if form.validate_on_submit() and save_or_report(
        form, lambda: service.add_instalment_plan(item, form.months.data, round(form.annual_rate_pct.data * 100))
    ):
        return redirect(url_for("equipment.edit", equipment_id=item.id))
    return _page(item, plan_form=form)


@equipment_web.route("/<int:equipment_id>/availability", methods=["POST"])
@firm_required("lessor", "factory")
def add_availability(equipment_id: int):
    item = _own(equipment_id)
    form = AvailabilityForm(prefix="a")
    if form.validate_on_submit() and save_or_report(
        form, lambda: service.add_availability(item, form.start_date.data, form.end_date.data)
    ):
        return redirect(url_for("equipment.edit", equipment_id=item.id))
    return _page(item, availability_form=form)


@equipment_web.route("/<int:equipment_id>/<kind>/<int:child_id>/delete", methods=["POST"])
@firm_required("lessor", "factory")
def delete_child(equipment_id: int, kind: str, child_id: int):
    item = _own(equipment_id)
    model = {"plans": InstalmentPlan, "availability": EquipmentAvailability}.get(kind) or abort(404)
    tenancy.delete_child(model, child_id, equipment_id=item.id)
    return redirect(url_for("equipment.edit", equipment_id=item.id))


@equipment_web.route("/listings")
@login_required
def listings():
    items = db.session.scalars(
        select(Equipment)
        .where(Equipment.cluster_id == current_user.firm.cluster_id, Equipment.listed.is_(True))
        .order_by(Equipment.process_code, Equipment.daily_rate_fen)
    ).all()
    return render_template("equipment/listings.html", items=items)
