"""Who is asking: session sign-in for pages, bearer tokens for the API, and tenant scoping helpers."""

from __future__ import annotations

from functools import wraps

from flask import abort, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy import select
from wtforms import ValidationError

from marketplace.accounts import sessions
from marketplace.accounts.models import ApiToken, User
from marketplace.db_types import utcnow
from marketplace.errors import is_api_request
from marketplace.extensions import db, login_manager

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() and len(user_id) < 12 else None
    if user is None or not sessions.is_open(user):
        return None
    g.auth_method = "session"
    return user


@login_manager.request_loader
def load_user_from_token(req) -> User | None:
    header = req.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash_secret(secret.strip())))
    if token is None or not token.active or not token.user.active:
        return None
    token.last_used_at = utcnow()
    g.auth_method = "token"
    return token.user


@login_manager.unauthorized_handler
def unauthorized():
    if is_api_request():
        abort(401, _("Authentication required: send 'Authorization: Bearer <token>' or sign in."))
    return redirect(url_for("accounts.sign_in", next=request.full_path))


def require_api_user() -> None:
    """API guard (a before_request hook): a signed-in user, and a CSRF token when the session cookie
    (not a bearer token) authenticates a write."""
    if not current_user.is_authenticated:
        abort(401, _("Authentication required: send 'Authorization: Bearer <token>' or sign in."))
    if g.get("auth_method") == "session" and request.method in UNSAFE_METHODS:
        try:
            validate_csrf(request.headers.get("X-CSRFToken"))
        except (ValidationError, CSRFError):
            abort(403, _("Missing or invalid X-CSRFToken header for a cookie-authenticated request."))


def firm_required(*kinds: str):
    """Page guard: the signed-in user's firm must be of one of these kinds."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if kinds and not any(getattr(current_user.firm, f"is_{k}") for k in kinds):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def require_kind(*kinds: str) -> None:
    if not any(getattr(current_user.firm, f"is_{k}") for k in kinds):
        abort(403, f"Only firms of kind {' or '.join(kinds)} may do this.")


def require_owner() -> None:
    if not current_user.is_owner:
        abort(403, _("Only the firm's owner may do this."))
