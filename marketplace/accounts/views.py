"""Pages of accounts: sign in and out, the account page (API tokens, password, sessions), the firm profile, the
team and its invitations."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts import invitations, services, sessions
from marketplace.accounts.forms import (
    AcceptInvitationForm,
    FirmProfileForm,
    PasswordChangeForm,
    SignInForm,
    TeamMemberForm,
    TokenForm,
)
from marketplace.accounts.models import ApiToken, Firm, User
from marketplace.db_types import utcnow
from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.forms_util import save_or_report
from marketplace.security import ratelimit
from marketplace.web.redirects import same_site

accounts_web = Blueprint("accounts", __name__)


@accounts_web.route("/sign-in", methods=["GET", "POST"])
@ratelimit.limited(ratelimit.SIGN_IN_PER_ADDRESS)
@ratelimit.limited(ratelimit.SIGN_IN_PER_ACCOUNT)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Email or password is wrong."))
        else:
            sessions.start(user)
            return redirect(same_site(request.args.get("next"), url_for("web.home")))
    return render_template("accounts/sign_in.html", form=form), 422 if form.errors else 200


@accounts_web.route("/sign-out", methods=["POST"])
@login_required
def sign_out():
    sessions.end_current()
    flash(_("You have signed out."), "info")
    return redirect(url_for("accounts.sign_in"))


def _account_page(form=None, password_form=None, new_secret=None):
    form = form or TokenForm(formdata=None)
    password_form = password_form or PasswordChangeForm(formdata=None, prefix="pw")
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
    ).all()
    status = 422 if form.errors or password_form.errors else 200
    return render_template("accounts/account.html", form=form, password_form=password_form, tokens=tokens,
                           new_secret=new_secret, other_sessions=sessions.open_count(current_user) - 1), status


@accounts_web.route("/account", methods=["GET", "POST"])
@login_required
@ratelimit.limited(ratelimit.TOKEN_CREATION)
def account():
    form = TokenForm()
    if form.validate_on_submit():
        token, new_secret = ApiToken.issue(current_user, form.name.data.strip())
        db.session.add(token)
        db.session.commit()
        return _account_page(new_secret=new_secret)
    return _account_page(form=form)


@accounts_web.route("/account/password", methods=["POST"])
@login_required
@ratelimit.limited(ratelimit.SIGN_IN_PER_ADDRESS)
def change_password():
    form = PasswordChangeForm(prefix="pw")
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append(_("This is not your current password."))
        else:
            current_user.set_password(form.new_password.data)
            sessions.password_changed(current_user, current_user, keep_tokens=form.keep_tokens.data)
            db.session.commit()
            flash(_("Password changed. Every other session has been signed out."), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(password_form=form)


@accounts_web.route("/account/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    ended = sessions.end_others(current_user, keep_current=True)
    db.session.commit()
    flash(_("%(n)d other sessions signed out.", n=ended), "info")
    return redirect(url_for("accounts.account"))


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
        if form.validate_on_submit() and save_or_report(form, lambda: invitations.invite(
                firm, current_user, form.email.data, form.name.data, form.role.data, str(get_locale()))):
            flash(_("Invitation sent to %(email)s.", email=form.email.data.strip().lower()), "success")
            return redirect(url_for("accounts.team"))
    members = db.session.scalars(select(User).where(User.firm_id == firm.id).order_by(User.id)).all()
    return render_template("accounts/team.html", form=form, members=members,
                           invitations=invitations.pending(firm)), 422 if form.errors else 200


@accounts_web.route("/invitations/<int:invitation_id>/<token>", methods=["GET", "POST"])
@ratelimit.limited(ratelimit.SIGN_IN_PER_ADDRESS)
def accept_invitation(invitation_id: int, token: str):
    invitation = invitations.find(invitation_id, token)
    if invitation is None:
        abort(404)
    state = ("accepted" if invitation.accepted_at else "expired" if invitation.expires_at < utcnow()
             else "has_account" if invitations.account_exists(invitation.email) else "open")
    form = AcceptInvitationForm(data={"name": invitation.name})
    if state == "open" and form.validate_on_submit():
        try:
            user = services.add_user(invitation.firm, invitation.email, form.name.data, form.password.data,
                                     invitation.role)
            invitation.accepted_at = utcnow()
            db.session.commit()
        except (FieldError, IntegrityError):  # accepted meanwhile in another tab
            db.session.rollback()
            state = "accepted"
        else:
            if current_user.is_authenticated:
                sessions.end_current()
            sessions.start(user)
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(url_for("web.home"))
    return render_template("accounts/invitation.html", invitation=invitation, form=form, state=state), \
        422 if form.errors else 200


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
