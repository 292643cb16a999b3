"""The factory's capacity editor: sites, machines, weekly idle patterns, one-off windows and a week view."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from capacity import removal, services
from capacity.forms import ExceptionForm, FactoryForm, MachineForm, WeeklyWindowForm, choices
from capacity.models import CalendarException, Factory, Machine, Material, Process, WeeklyWindow
from capacity.weekview import lay_out, week_bounds, week_start
from marketplace.accounts.auth import firm_required
from marketplace.extensions import db
from marketplace.forms_util import remove_or_flash, save_or_report
from marketplace.i18n import is_chinese, local_zone
from marketplace.tenancy import delete_child

capacity_web = Blueprint("capacity", __name__, url_prefix="/capacity")


def _own(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None or obj.firm_id != current_user.firm_id:
        abort(404)
    return obj


def _choices(form: MachineForm) -> None:
    zh = is_chinese()
    form.process_code.choices = choices(
        (p.code, p.name_zh if zh else p.name_en) for p in db.session.scalars(select(Process).order_by(Process.code))
    )
    form.materials.choices = choices(
        (m.code, m.name_zh if zh else m.name_en) for m in db.session.scalars(select(Material).order_by(Material.code))
    )


def _week_param() -> date:
    raw = request.args.get("week")
    try:
        return week_start(date.fromisoformat(raw)) if raw else week_start(datetime.now(local_zone()).date())
    except ValueError:
        abort(400, _("The week must be a date like 2026-11-23."))


@capacity_web.route("/", methods=["GET", "POST"])
@firm_required("factory")
def index():
    form = FactoryForm()
    if form.validate_on_submit():
        data = {k: v for k, v in form.data.items() if k != "csrf_token"}
        if save_or_report(form, lambda: services.save_factory(current_user.firm, data)):
            flash(_("Site added."), "success")
            return redirect(url_for("capacity.index"))
    factories = db.session.scalars(
        select(Factory).where(Factory.firm_id == current_user.firm_id).order_by(Factory.name)
    ).all()
    return render_template("capacity/index.html", factories=factories, form=form), 422 if form.errors else 200


@capacity_web.route("/factories/<int:factory_id>", methods=["GET", "POST"])
@firm_required("factory")
def factory(factory_id: int):
    site = _own(Factory, factory_id)
    form = FactoryForm(obj=site)
    if form.validate_on_submit():
        data = {k: v for k, v in form.data.items() if k != "csrf_token"}
        if save_or_report(form, lambda: services.save_factory(current_user.firm, data, site)):
            flash(_("Site saved."), "success")
            return redirect(url_for("capacity.factory", factory_id=site.id))
    monday = _week_param()
    start, end = week_bounds(monday, local_zone().key)
    rows = [
        (m, lay_out(services.idle_intervals(m, start, end, local_zone().key), monday, local_zone().key))
        for m in site.machines
    ]
    return render_template(
        "capacity/factory.html", site=site, form=form, rows=rows, monday=monday, timedelta=timedelta
    ), 422 if form.errors else 200


@capacity_web.route("/factories/<int:factory_id>/delete", methods=["POST"])
@firm_required("factory")
def delete_factory(factory_id: int):
    site = _own(Factory, factory_id)
    if not remove_or_flash(lambda: removal.remove_factory(site)):
        return redirect(url_for("capacity.factory", factory_id=factory_id))
    flash(_("Site removed."), "info")
    return redirect(url_for("capacity.index"))


def _machine_data(form: MachineForm) -> dict:
    data = {k: v for k, v in form.data.items() if k not in ("csrf_token", "hourly_rate_yuan")}
    data["hourly_rate_fen"] = round(form.hourly_rate_yuan.data * 100)
    return data


@capacity_web.route("/factories/<int:factory_id>/machines/new", methods=["GET", "POST"])
@firm_required("factory")
def new_machine(factory_id: int):
    site = _own(Factory, factory_id)
    form = MachineForm()
    _choices(form)
    if form.validate_on_submit():
        data = _machine_data(form) | {"factory_id": site.id}
        created = []
        if save_or_report(form, lambda: created.append(services.save_machine(current_user.firm, data))):
            flash(_("Machine added. Now offer its idle time."), "success")
            return redirect(url_for("capacity.machine", machine_id=created[0].id))
    return render_template("capacity/machine_new.html", site=site, form=form), 422 if form.errors else 200


@capacity_web.route("/machines/<int:machine_id>", methods=["GET", "POST"])
@firm_required("factory")
def machine(machine_id: int):
    item = _own(Machine, machine_id)
    form = MachineForm(obj=item, prefix="m")
    _choices(form)
    if request.method == "GET":
        form.materials.data = item.material_codes
        form.hourly_rate_yuan.data = item.hourly_rate_fen / 100
    elif form.validate_on_submit() and save_or_report(
        form, lambda: services.save_machine(current_user.firm, _machine_data(form), item)
    ):
        flash(_("Machine saved."), "success")
        return redirect(url_for("capacity.machine", machine_id=item.id))
    return _machine_page(item, form=form)


def _machine_page(item: Machine, form=None, weekly_form=None, exception_form=None):
    if form is None:
        form = MachineForm(obj=item, prefix="m", formdata=None)
        _choices(form)
        form.materials.data = item.material_codes
        form.hourly_rate_yuan.data = item.hourly_rate_fen / 100
    weekly_form = weekly_form or WeeklyWindowForm(prefix="w", formdata=None)
    exception_form = exception_form or ExceptionForm(prefix="x", formdata=None)
    monday = _week_param()
    tz = local_zone().key
    start, end = week_bounds(monday, tz)
    days = lay_out(services.idle_intervals(item, start, end, tz), monday, tz)
    failed = any(f.errors for f in (form, weekly_form, exception_form))
    return render_template(
        "capacity/machine.html",
        machine=item,
        form=form,
        weekly_form=weekly_form,
        exception_form=exception_form,
        days=days,
        monday=monday,
        timedelta=timedelta,
    ), 422 if failed else 200


@capacity_web.route("/machines/<int:machine_id>/delete", methods=["POST"])
@firm_required("factory")
def delete_machine(machine_id: int):
    item = _own(Machine, machine_id)
    factory_id = item.factory_id
    if not remove_or_flash(lambda: removal.remove_machine(item)):
        return redirect(url_for("capacity.machine", machine_id=machine_id))
    flash(_("Machine removed."), "info")
    return redirect(url_for("capacity.factory", factory_id=factory_id))


@capacity_web.route("/machines/<int:machine_id>/weekly", methods=["POST"])
@firm_required("factory")
def add_weekly(machine_id: int):
    item = _own(Machine, machine_id)
    form = WeeklyWindowForm(prefix="w")
    if form.validate_on_submit():

        def add_all():
            for day in form.weekdays.data:
                services.add_weekly_window(item, day, form.start.data, form.end.data)

        if save_or_report(form, add_all):
            flash(_("Weekly idle window added."), "success")
            return redirect(url_for("capacity.machine", machine_id=item.id, week=request.args.get("week")))
    return _machine_page(item, weekly_form=form)


@capacity_web.route("/machines/<int:machine_id>/weekly/<int:window_id>/delete", methods=["POST"])
@firm_required("factory")
def delete_weekly(machine_id: int, window_id: int):
    item = _own(Machine, machine_id)
    delete_child(WeeklyWindow, window_id, machine_id=item.id)
    return redirect(url_for("capacity.machine", machine_id=item.id))


@capacity_web.route("/machines/<int:machine_id>/exceptions", methods=["POST"])
@firm_required("factory")
def add_exception(machine_id: int):
    item = _own(Machine, machine_id)
    form = ExceptionForm(prefix="x")
    if form.validate_on_submit():
        tz = local_zone()
        starts = form.starts_at.data.replace(tzinfo=tz)
        ends = form.ends_at.data.replace(tzinfo=tz)
        if save_or_report(
            form, lambda: services.add_exception(item, form.kind.data, starts, ends, form.note.data or "")
        ):
            flash(_("Calendar updated."), "success")
            return redirect(url_for("capacity.machine", machine_id=item.id, week=starts.date().isoformat()))
    return _machine_page(item, exception_form=form)


@capacity_web.route("/machines/<int:machine_id>/exceptions/<int:exception_id>/delete", methods=["POST"])
@firm_required("factory")
def delete_exception(machine_id: int, exception_id: int):
    item = _own(Machine, machine_id)
    delete_child(CalendarException, exception_id, machine_id=item.id)
    return redirect(url_for("capacity.machine", machine_id=item.id))
