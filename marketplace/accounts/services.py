"""Team management: an owner adds colleagues to the firm, changes their role, deactivates them."""

from __future__ import annotations

import functools

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from marketplace.accounts import sessions
from marketplace.accounts.models import Firm, User
from marketplace.errors import FieldError
from marketplace.extensions import db


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash("not a password of anyone", method="scrypt")


def find_user(email: str) -> User | None:
    """The user with this e-mail address, whatever its case and surrounding spaces."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None. An unknown or inactive address costs the same hash
    check as a known one, so the answer's timing does not tell whether the address has an account."""
    user = find_user(email)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def add_user(firm: Firm, email: str, name: str, password: str, role: str = "staff", active: bool = True) -> User:
    email = email.strip().lower()
    if find_user(email) is not None:
        raise FieldError("email", _("This email address already has an account."))
    user = User(firm=firm, email=email, name=name.strip(), role=role, active=active)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(acting: User, user: User, data: dict) -> User:
    demoting_self = user.id == acting.id and (data.get("role", user.role) != "owner" or data.get("active") is False)
    if demoting_self and _owners(user.firm) <= 1:
        raise FieldError("role", _("A firm needs at least one active owner."))
    for key in ("name", "role", "active"):
        if key in data:
            setattr(user, key, data[key])
    if data.get("active") is False:
        sessions.end_others(user, keep_current=False)
    if data.get("password"):
        user.set_password(data["password"])
        sessions.password_changed(acting, user, keep_tokens=bool(data.get("keep_tokens")))
    db.session.flush()
    return user


def _owners(firm: Firm) -> int:
    return db.session.scalar(
        select(func.count(User.id)).where(User.firm_id == firm.id, User.role == "owner", User.active.is_(True))
    )
