"""Voucher pages: the operator's programmes (create, report, issue) and an SME's own vouchers."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from capacity.forms import choices
from marketplace.accounts.auth import firm_required
from marketplace.accounts.models import Firm
from marketplace.extensions import db
from marketplace.forms_util import save_or_report
from marketplace.vouchers import services
from marketplace.vouchers.forms import IssueForm, ProgrammeForm, to_fen
from marketplace.vouchers.models import Voucher, VoucherProgramme
from marketplace.wording import process_names

vouchers_web = Blueprint("vouchers", __name__, url_prefix="/vouchers")


def _programme(programme_id: int) -> VoucherProgramme:
    programme = db.session.get(VoucherProgramme, programme_id)
    if programme is None or programme.cluster_id != current_user.firm.cluster_id:
        abort(404)
    return programme


@vouchers_web.route("", methods=["GET", "POST"])
@firm_required("operator")
def index():
    names = process_names()
    form = ProgrammeForm()
    form.eligible_processes.choices = choices(names.items())
    if form.validate_on_submit():
        created = []
        data = form.service_data()
        if save_or_report(form, lambda: created.append(services.create_programme(current_user.firm.cluster_id, data))):
            flash(_("Programme created."), "success")
            return redirect(url_for("vouchers.programme", programme_id=created[0].id))
    programmes = db.session.scalars(
        select(VoucherProgramme)
        .where(VoucherProgramme.cluster_id == current_user.firm.cluster_id)
        .order_by(VoucherProgramme.valid_until.desc(), VoucherProgramme.id.desc())
    ).all()
    status = 422 if form.errors else 200
    return render_template("vouchers/index.html", programmes=programmes, form=form, process_names=names), status


def _issue_form(programme: VoucherProgramme, formdata=True) -> IssueForm:
    form = IssueForm(prefix="i") if formdata else IssueForm(prefix="i", formdata=None)
    holders = {v.firm_id for v in programme.vouchers}
    buyers = db.session.scalars(
        select(Firm).where(Firm.cluster_id == programme.cluster_id, Firm.is_buyer.is_(True)).order_by(Firm.name)
    ).all()
    form.firm_id.choices = choices(
        (f.id, f.name + (" · " + _("already holds one") if f.id in holders else "")) for f in buyers
    )
    return form


def _programme_page(programme: VoucherProgramme, issue_form: IssueForm | None = None):
    issue_form = issue_form or _issue_form(programme, formdata=False)
    return render_template(
        "vouchers/programme.html",
        programme=programme,
        report=services.programme_report(programme),
        vouchers={v.firm_id: v for v in programme.vouchers},
        issue_form=issue_form,
        process_names=process_names(),
    ), 422 if issue_form.errors else 200


@vouchers_web.route("/<int:programme_id>")
@firm_required("operator")
def programme(programme_id: int):
    return _programme_page(_programme(programme_id))


@vouchers_web.route("/<int:programme_id>/issue", methods=["POST"])
@firm_required("operator")
def issue(programme_id: int):
    programme = _programme(programme_id)
    form = _issue_form(programme)
    if form.validate_on_submit():
        firm = db.session.get(Firm, form.firm_id.data)  # one of the choices: a buyer of this cluster
        issued = []
        cap = to_fen(form.cap_fen.data) or None
        if save_or_report(form, lambda: issued.append(services.issue(programme, firm, cap))):
            flash(_("Voucher %(code)s issued to %(firm)s.", code=issued[0].code, firm=firm.name), "success")
            return redirect(url_for("vouchers.programme", programme_id=programme.id))
    return _programme_page(programme, form)


@vouchers_web.route("/mine")
@firm_required("buyer")
def mine():
    vouchers = db.session.scalars(
        select(Voucher).where(Voucher.firm_id == current_user.firm_id).order_by(Voucher.issued_at.desc(), Voucher.id)
    ).all()
    return render_template("vouchers/mine.html", vouchers=vouchers, process_names=process_names())
