"""Pages of accounts: sign in and out, the account page with API tokens, the firm profile."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from marketplace.accounts import services
from marketplace.accounts.forms import FirmProfileForm, SignInForm, TeamMemberForm, TokenForm
from marketplace.accounts.models import ApiToken, Firm, User
from marketplace.db_types import utcnow
from marketplace.extensions import db
from marketplace.forms_util import save_or_report

accounts_web = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    if target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("web.home")


@accounts_web.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = SignInForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is None or not user.active or not user.check_password(form.password.data):
            form.password.errors.append(_("Email or password is wrong."))
        else:
            login_user(user)
            user.last_login_at = utcnow()
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/sign_in.html", form=form), 422 if form.errors else 200


@accounts_web.route("/sign-out", methods=["POST"])
@login_required
def sign_out():
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("accounts.sign_in"))


@accounts_web.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = TokenForm()
    new_secret = None
    if form.validate_on_submit():
        token, new_secret = ApiToken.issue(current_user, form.name.data.strip())
        db.session.add(token)
        db.session.commit()
        form = TokenForm(formdata=None)
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
    ).all()
    status = 422 if form.errors else 200
    return render_template("accounts/account.html", form=form, tokens=tokens, new_secret=new_secret), status


@accounts_web.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
        flash(_("Token “%(name)s” revoked.", name=token.name), "info")
    return redirect(url_for("accounts.account"))


@accounts_web.route("/firm", methods=["GET", "POST"])
@login_required
def firm_profile():
    firm = current_user.firm
    form = FirmProfileForm(obj=firm)
    if request.method == "POST":
        if not current_user.is_owner:
            abort(403)
        if form.validate_on_submit():
            taken = db.session.scalar(
                select(Firm.id).where(
                    Firm.cluster_id == firm.cluster_id, Firm.name == form.name.data.strip(), Firm.id != firm.id
                )
            )
            if taken:
                form.name.errors.append(_("Another firm in this cluster already uses this name."))
            else:
                form.populate_obj(firm)
                firm.name = firm.name.strip()
                db.session.commit()
                flash(_("Profile saved."), "success")
                return redirect(url_for("accounts.firm_profile"))
    return render_template("accounts/firm.html", form=form, firm=firm), 422 if form.errors else 200


@accounts_web.route("/firm/team", methods=["GET", "POST"])
@login_required
def team():
    firm = current_user.firm
    form = TeamMemberForm()
    if request.method == "POST":
        if not current_user.is_owner:
            abort(403)
        if form.validate_on_submit() and save_or_report(
            form, lambda: services.add_user(firm, form.email.data, form.name.data, form.password.data, form.role.data)
        ):
            flash(_("%(name)s can now sign in.", name=form.name.data), "success")
            return redirect(url_for("accounts.team"))
    members = db.session.scalars(select(User).where(User.firm_id == firm.id).order_by(User.id)).all()
    return render_template("accounts/team.html", form=form, members=members), 422 if form.errors else 200


@accounts_web.route("/firm/team/<int:user_id>/toggle", methods=["POST"])
@login_required
def toggle_member(user_id: int):
    user = db.session.get(User, user_id)
    if user is None or user.firm_id != current_user.firm_id:
        abort(404)
    if not current_user.is_owner:
        abort(403)
    form = TeamMemberForm(formdata=None)
    if save_or_report(form, lambda: services.update_user(current_user, user, {"active": not user.active})):
        flash(_("Saved."), "success")
    else:
        flash(form.role.errors[0], "error")
    return redirect(url_for("accounts.team"))
