"""Lease pages: lease a listed item (with a price preview and an instalment schedule), and the firm's leases."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from capacity import lease_lifecycle, leasing
from capacity.forms import choices
from capacity.lease_forms import LeaseForm
from capacity.lease_models import Lease
from capacity.models import Equipment, Factory
from marketplace.addresses import services as addresses
from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.forms_util import save_or_report
from marketplace.i18n import local_today

leases_web = Blueprint("leases", __name__)


def _listed(equipment_id: int) -> Equipment:
    item = db.session.get(Equipment, equipment_id)
    if item is None or not item.listed or item.cluster_id != current_user.firm.cluster_id:
        abort(404)
    return item


def _form(item: Equipment) -> LeaseForm:
    form = LeaseForm()
    sites = db.session.scalars(select(Factory).where(Factory.firm_id == current_user.firm_id).order_by(Factory.name))
    form.site_factory_id.choices = choices([(0, _("— choose a site —"))] + [(s.id, s.name) for s in sites])
    form.delivery_address_id.choices = choices([(0, _("— choose an address —"))] + [
        (a.id, f"{a.label} · {addresses.as_text(a)}" if a.label else addresses.as_text(a))
        for a in addresses.saved(current_user.firm)])
    form.instalment_months.choices = choices(
        [(0, _("Pay in full"))]
        + [
            (p.months, _("%(m)d monthly instalments at %(r)s %% a year", m=p.months, r=f"{p.annual_rate_bp / 100:.2f}"))
            for p in item.instalment_plans  # one that does not fit the dates is refused with the reason
        ]
    )
    return form


def _preview(item: Equipment, form: LeaseForm) -> dict | None:
    """Days x daily rate, the deposit, and the instalment schedule of the chosen plan; None without valid dates."""
    start, end = form.start_date.data, form.end_date.data
    if start is None or end is None or end < start:
        return None
    days = (end - start).days + 1
    rent = days * item.daily_rate_fen
    plan = next((p for p in item.instalment_plans if p.months == form.instalment_months.data), None)
    schedule = leasing.instalment_schedule(rent, plan.months, plan.annual_rate_bp, start) if plan else []
    return {"days": days, "daily_rate_fen": item.daily_rate_fen, "rent_fen": rent, "deposit_fen": item.deposit_fen,
            "plan": plan, "schedule": schedule,
            "total_payable_fen": sum(line.amount_fen for line in schedule) if plan else rent}


def _lease(item: Equipment, form: LeaseForm):
    chosen = form.site_factory_id.data if item.delivered_to_lessee else 0  # on-site items work where they stand
    site = db.session.get(Factory, chosen) if chosen else None
    typed = form.delivery_address.data or ""
    chosen_address = form.delivery_address_id.data if item.delivered_to_lessee and not typed.strip() else 0
    if chosen_address:
        typed = addresses.as_text(addresses.own(current_user.firm, chosen_address))
    return leasing.lease(item, current_user.firm, form.start_date.data, form.end_date.data, site=site,
                         delivery_address=typed,
                         instalment_months=form.instalment_months.data or None, today=local_today())


@leases_web.route("/equipment/<int:equipment_id>/lease", methods=["GET", "POST"])
@login_required
def new(equipment_id: int):
    item = _listed(equipment_id)
    form = _form(item)
    preview = None
    if form.is_submitted() and form.validate():
        if request.form.get("action") == "preview":
            try:  # a dry run: the same checks as a real lease, then nothing is kept
                _lease(item, form)
            except FieldError as exc:
                field = getattr(form, exc.field, None)
                (field.errors if field is not None else form.form_errors).append(exc.message)
            finally:
                db.session.rollback()
            item = _listed(equipment_id)
        else:
            booked = []
            if save_or_report(form, lambda: booked.append(_lease(item, form))):
                flash(_("Lease %(ref)s requested: the lessor approves it, then the deposit and first rent are "
                        "charged.", ref=booked[0].reference), "success")
                return redirect(url_for("lease_pages.detail", lease_id=booked[0].id))
            item = _listed(equipment_id)
    if form.is_submitted():
        preview = _preview(item, form)
    failed = bool(form.errors or form.form_errors)
    return render_template("leases/new.html", item=item, form=form, preview=preview, today=local_today()), (
        422 if failed else 200
    )


@leases_web.route("/leases")
@login_required
def index():
    firm_id = current_user.firm_id
    leases = db.session.scalars(
        select(Lease).join(Equipment).where(or_(Lease.lessee_firm_id == firm_id, Equipment.owner_firm_id == firm_id))
        .order_by(Lease.start_date.desc(), Lease.id.desc()).limit(500)
    ).all()
    held = [r for r in leases if r.lessee_firm_id == firm_id]
    let = [r for r in leases if r.equipment.owner_firm_id == firm_id]
    return render_template("leases/index.html", held=held, let=let, today=local_today(),
                           status_name=lease_lifecycle.status_name)
