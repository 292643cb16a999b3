"""Team management: an owner adds colleagues to the firm, changes their role, deactivates them."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from marketplace.accounts.models import Firm, User
from marketplace.errors import FieldError
from marketplace.extensions import db


def add_user(firm: Firm, email: str, name: str, password: str, role: str = "staff", active: bool = True) -> User:
    email = email.strip().lower()
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
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
    if data.get("password"):
        user.set_password(data["password"])
    db.session.flush()
    return user


def _owners(firm: Firm) -> int:
    return db.session.scalar(
        select(func.count(User.id)).where(User.firm_id == firm.id, User.role == "owner", User.active.is_(True))
    )
