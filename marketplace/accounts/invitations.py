"""Inviting a colleague without telling anyone whether an address already has an account elsewhere.

An owner names an e-mail address; the answer is the same invitation whether the address is new to the platform or
belongs to a user of another firm or cluster. Only the mailbox's owner learns the difference: the e-mail (sent after
commit by `accounts.send_invitation`) either carries the link to choose a name and password, or says that the
address already has an account (an address belongs to one firm). Addresses of the inviter's own firm are refused
at once: that is no secret to the inviter.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from marketplace import mail
from marketplace.accounts.models import Firm, Invitation, User
from marketplace.accounts.services import find_user
from marketplace.db_types import utcnow
from marketplace.errors import FieldError
from marketplace.events import InvitationCreated
from marketplace.extensions import db
from marketplace.outbox import emit, subscribe


def token_of(invitation: Invitation) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"invitation:{invitation.id}:{invitation.nonce}".encode(), hashlib.sha256).hexdigest()[:40]


def invite(firm: Firm, inviter: User, email: str, name: str, role: str, locale: str) -> Invitation:
    """Create (or renew) the invitation and queue its e-mail; does not commit."""
    email = email.strip().lower()
    user = find_user(email)
    if user is not None and user.firm_id == firm.id:
        raise FieldError("email", _("This colleague is already in your team."))
    invitation = db.session.scalar(select(Invitation).where(Invitation.firm_id == firm.id, Invitation.email == email,
                                                            Invitation.accepted_at.is_(None)))
    if invitation is None:
        invitation = Invitation(firm=firm, email=email)
        db.session.add(invitation)
    invitation.name, invitation.role, invitation.invited_by, invitation.locale = name.strip(), role, inviter, locale
    invitation.nonce = secrets.token_hex(16)  # a renewed invitation's old link stops working
    invitation.expires_at = utcnow() + timedelta(days=current_app.config["INVITATION_VALID_DAYS"])
    db.session.flush()
    emit(InvitationCreated(invitation_id=invitation.id), dedupe=f"invitation:{invitation.id}:{invitation.nonce}")
    return invitation


def pending(firm: Firm) -> list[Invitation]:
    return db.session.scalars(select(Invitation).where(Invitation.firm_id == firm.id, Invitation.accepted_at.is_(None),
                                                       Invitation.expires_at > utcnow())
                              .order_by(Invitation.id)).all()


def find(invitation_id: int, token: str) -> Invitation | None:
    """The invitation this link names, if the link is genuine (expired or used ones too: the page says so)."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or not hmac.compare_digest(token_of(invitation), token):
        return None
    return invitation


def account_exists(email: str) -> bool:
    return find_user(email) is not None


@subscribe(InvitationCreated, name="accounts.send_invitation")
def send_invitation(event: InvitationCreated) -> None:
    invitation = db.session.get(Invitation, event.invitation_id)
    if invitation is None or invitation.accepted_at is not None:
        return
    link = f"{current_app.config['PUBLIC_URL'].rstrip('/')}/invitations/{invitation.id}/{token_of(invitation)}"
    with force_locale(invitation.locale):
        subject = _("%(firm)s invites you to the shared manufacturing platform", firm=invitation.firm.name)
        if account_exists(invitation.email):
            body = _("%(who)s of %(firm)s invited this address to join their team. This address already has an "
                     "account on the platform, and an address belongs to one firm only: sign in with it as before, "
                     "or ask them to invite another address.", who=invitation.invited_by.name,
                     firm=invitation.firm.name)
        else:
            body = _("%(who)s of %(firm)s invited you to join their team. Choose your name and password here "
                     "(the link works until %(until)s):\n\n%(link)s", who=invitation.invited_by.name,
                     firm=invitation.firm.name, until=invitation.expires_at.strftime("%Y-%m-%d"), link=link)
    mail.send(invitation.email, str(subject), str(body))
