"""A lease's page: its facts, its story (request, decision, handover, return, inspection with the notes of both
sides), its money (charges, refunds, the deposit, instalments) and the actions its lessor or lessee may take now."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from capacity import lease_lifecycle
from capacity.lease_models import Lease
from marketplace.extensions import db
from marketplace.forms_util import commit_or_flash, save_or_report
from marketplace.i18n import local_today
from marketplace.leasing import money, photos
from marketplace.leasing.forms import DeclineForm, HandOverForm, InspectForm, ReturnForm

lease_pages = Blueprint("lease_pages", __name__)


def _visible(lease_id: int) -> Lease:
    record = db.session.get(Lease, lease_id)
    firm = current_user.firm
    if record is None or not (lease_lifecycle.is_lessee(record, firm) or lease_lifecycle.is_lessor(record, firm)):
        abort(404)
    return record


def _page(record: Lease, status: int = 200, **forms):
    forms = {"decline": DeclineForm(formdata=None), "hand_over": HandOverForm(formdata=None),
             "give_back": ReturnForm(formdata=None), "inspect": InspectForm(formdata=None), **forms}
    return render_template("leases/detail.html", lease=record, money=money.of_lease(record), today=local_today(),
                           photos=photos.of_lease(record.id),
                           actions=lease_lifecycle.actions(record, current_user.firm, local_today()),
                           status_name=lease_lifecycle.status_name, forms=forms), status


@lease_pages.route("/leases/<int:lease_id>")
@login_required
def detail(lease_id: int):
    return _page(_visible(lease_id))


def _simple(lease_id: int, move, success: str):
    record = _visible(lease_id)
    commit_or_flash(lambda: move(record, current_user.firm, local_today()), success % {"ref": record.reference})
    return redirect(url_for("lease_pages.detail", lease_id=lease_id))


@lease_pages.route("/leases/<int:lease_id>/approve", methods=["POST"])
@login_required
def approve(lease_id: int):
    return _simple(lease_id, lease_lifecycle.approve, _("Lease %(ref)s approved: the deposit and first rent are "
                                                       "being charged."))


@lease_pages.route("/leases/<int:lease_id>/pay-again", methods=["POST"])
@login_required
def pay_again(lease_id: int):
    return _simple(lease_id, lease_lifecycle.pay_again, _("Lease %(ref)s: the payment is being tried again."))


@lease_pages.route("/leases/<int:lease_id>/cancel", methods=["POST"])
@login_required
def cancel(lease_id: int):
    return _simple(lease_id, lease_lifecycle.cancel, _("Lease %(ref)s cancelled; what was paid is refunded."))


def _with_form(lease_id: int, name: str, form, move, success: str):
    record = _visible(lease_id)
    if not form.validate_on_submit():
        return _page(record, 422, **{name: form})
    if not save_or_report(form, lambda: move(record, form)):
        return _page(_visible(lease_id), 422, **{name: form})
    flash(success % {"ref": record.reference}, "success")
    return redirect(url_for("lease_pages.detail", lease_id=lease_id))


@lease_pages.route("/leases/<int:lease_id>/decline", methods=["POST"])
@login_required
def decline(lease_id: int):
    return _with_form(lease_id, "decline", DeclineForm(), lambda r, f: lease_lifecycle.decline(
        r, current_user.firm, local_today(), f.reason.data), _("Lease %(ref)s declined."))


def _uploads(form) -> list[tuple[str, bytes]]:
    return [(f.filename or "", f.read()) for f in (form.photos.data or []) if getattr(f, "filename", None)]


@lease_pages.route("/leases/<int:lease_id>/hand-over", methods=["POST"])
@login_required
def hand_over(lease_id: int):
    def move(record, form):
        lease_lifecycle.hand_over(record, current_user.firm, local_today(), form.note.data)
        photos.attach(record, current_user, "handover", _uploads(form))
    return _with_form(lease_id, "hand_over", HandOverForm(), move, _("Lease %(ref)s handed over: it is in use."))


@lease_pages.route("/leases/<int:lease_id>/return", methods=["POST"])
@login_required
def give_back(lease_id: int):
    def move(record, form):
        lease_lifecycle.give_back(record, current_user.firm, local_today(), form.note.data)
        photos.attach(record, current_user, "return", _uploads(form))
    return _with_form(lease_id, "give_back", ReturnForm(), move, _("Lease %(ref)s returned."))


@lease_pages.route("/leases/<int:lease_id>/photos/<public_id>")
@login_required
def photo(lease_id: int, public_id: str):
    found = photos.find(_visible(lease_id).id, public_id)
    if found is None:
        abort(404)
    return photos.response(found)


@lease_pages.route("/leases/<int:lease_id>/inspect", methods=["POST"])
@login_required
def inspect(lease_id: int):
    def move(record, form):
        kept = int((form.kept_fen.data or Decimal(0)) * 100)
        lease_lifecycle.inspect(record, current_user.firm, local_today(), kept, form.reason.data)
    return _with_form(lease_id, "inspect", InspectForm(), move, _("Lease %(ref)s closed: the deposit is settled."))


@lease_pages.route("/leases/money")
@login_required
def lessor_money():
    return render_template("leases/money.html", summary=money.lessor_summary(current_user.firm, local_today()),
                           today=local_today(), status_name=lease_lifecycle.status_name)
