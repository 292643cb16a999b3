"""Voucher pages: the operator's programmes (create, report, issue) and an SME's own vouchers."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from capacity.forms import choices
from marketplace.accounts.auth import firm_required
from marketplace.accounts.models import Firm
from marketplace.extensions import db
from marketplace.forms_util import save_or_report
from marketplace.i18n import local_today
from marketplace.payments import reimbursements
from marketplace.vouchers import applications, flags, services
from marketplace.vouchers.forms import ApplyForm, DecideForm, IssueForm, ProgrammeForm, ReimbursementForm, to_fen
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


def _programme_page(programme: VoucherProgramme, issue_form: IssueForm | None = None,
                    decide_form: DecideForm | None = None, refund_form: ReimbursementForm | None = None):
    issue_form = issue_form or _issue_form(programme, formdata=False)
    decide_form = decide_form or DecideForm(prefix="d", formdata=None)
    refund_form = refund_form or ReimbursementForm(prefix="r", formdata=None)
    failed = issue_form.errors or decide_form.errors or decide_form.form_errors or refund_form.errors
    return render_template(
        "vouchers/programme.html",
        programme=programme,
        report=services.programme_report(programme),
        vouchers={v.firm_id: v for v in programme.vouchers},
        issue_form=issue_form,
        decide_form=decide_form,
        applications=applications.of_programme(programme),
        committed_fen=applications.committed_fen(programme),
        reimbursement=reimbursements.summary(programme),
        flags=flags.programme_flags(programme),
        refund_form=refund_form,
        process_names=process_names(),
    ), 422 if failed else 200


@vouchers_web.route("/<int:programme_id>/reimbursements", methods=["POST"])
@firm_required("operator")
def reimburse(programme_id: int):
    programme = _programme(programme_id)
    form = ReimbursementForm(prefix="r")
    if form.validate_on_submit() and save_or_report(form, lambda: reimbursements.record(
            programme, to_fen(form.amount_fen.data), form.reference.data, form.received_on.data, current_user,
            local_today())):
        flash(_("Reimbursement recorded."), "success")
        return redirect(url_for("vouchers.programme", programme_id=programme.id) + "#reimbursement")
    return _programme_page(_programme(programme_id), refund_form=form)


@vouchers_web.route("/<int:programme_id>/settlement.csv")
@firm_required("operator")
def settlement_csv(programme_id: int):
    programme = _programme(programme_id)
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow([_("Order"), _("Title"), _("Status"), _("Buyer"), _("Voucher code"), _("Subsidy (CNY)"),
                  _("Redeemed at"), _("Reversed")])
    for row in reimbursements.settlement_rows(programme):
        out.writerow([row["order"], row["title"], row["status"], row["buyer"], row["voucher"],
                      f"{row['subsidy_fen'] // 100}.{row['subsidy_fen'] % 100:02d}", row["redeemed_at"].isoformat(),
                      "1" if row["reversed"] else ""])
    return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="programme-{programme.id}-settlement.csv"'})


@vouchers_web.route("/<int:programme_id>/applications", methods=["POST"])
@firm_required("operator")
def decide(programme_id: int):
    programme = _programme(programme_id)
    form = DecideForm(prefix="d")
    if form.validate_on_submit():
        ids = [int(v) for v in request.form.getlist("application_ids") if v.isdigit()]
        approve = request.form.get("decision") == "approve"
        decided = []
        if not save_or_report(form, lambda: decided.extend(applications.decide(programme, ids, approve,
                                                                               form.note.data, current_user))):
            return _programme_page(_programme(programme_id), decide_form=form)
        message = _("%(n)d applications approved: vouchers issued.", n=len(decided)) if approve else _(
            "%(n)d applications rejected.", n=len(decided))
        flash(message, "success")
        return redirect(url_for("vouchers.programme", programme_id=programme.id) + "#applications")
    return _programme_page(programme, decide_form=form)


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


def _mine_page(apply_forms: dict | None = None):
    vouchers = db.session.scalars(
        select(Voucher).where(Voucher.firm_id == current_user.firm_id).order_by(Voucher.issued_at.desc(), Voucher.id)
    ).all()
    firm = current_user.firm
    held = {v.programme_id for v in vouchers}
    mine = applications.of_firm(firm)
    pending = {a.programme_id for a in mine if a.status == "applied"}
    open_ = [p for p in applications.open_programmes(firm, local_today()) if p.id not in held | pending]
    forms = {p.id: ApplyForm(prefix=f"a{p.id}", formdata=None) for p in open_} | (apply_forms or {})
    return render_template("vouchers/mine.html", vouchers=vouchers, process_names=process_names(),
                           applications=mine, open_programmes=open_, apply_forms=forms), (
        422 if apply_forms else 200)


@vouchers_web.route("/mine")
@firm_required("buyer")
def mine():
    return _mine_page()


@vouchers_web.route("/<int:programme_id>/apply", methods=["POST"])
@firm_required("buyer")
def apply(programme_id: int):
    programme = db.session.get(VoucherProgramme, programme_id)
    if programme is None or programme.cluster_id != current_user.firm.cluster_id:
        abort(404)
    form = ApplyForm(prefix=f"a{programme.id}")
    if form.validate_on_submit() and save_or_report(form, lambda: applications.apply(
            programme, current_user.firm, form.purpose.data, to_fen(form.requested_fen.data), local_today())):
        flash(_("Application sent to the cluster operator."), "success")
        return redirect(url_for("vouchers.mine"))
    return _mine_page({programme.id: form})
