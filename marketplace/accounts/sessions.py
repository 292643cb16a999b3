"""Sessions that end: each sign-in is a `UserSession` row whose random key the (signed) session cookie carries.
A request is signed in only while its row is open, so signing out — or a password change, which closes every other
row of the user and, unless kept on purpose, revokes the user's API tokens — makes any copy of the cookie useless."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import g, request, session
from flask_login import login_user, logout_user
from sqlalchemy import func, select, update

from marketplace.accounts.models import ApiToken, User, UserSession
from marketplace.db_types import utcnow
from marketplace.extensions import db

SESSION_KEY = "sid"
TOUCH_EVERY = timedelta(minutes=5)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start(user: User) -> None:
    """Sign `user` in on this browser (commits)."""
    key = secrets.token_urlsafe(32)
    db.session.add(UserSession(user=user, key_hash=_hash(key), user_agent=request.user_agent.string[:200]))
    user.last_login_at = utcnow()
    session[SESSION_KEY] = key
    login_user(user)
    db.session.commit()


def _current_row(user_id: int) -> UserSession | None:
    key = session.get(SESSION_KEY)
    if not isinstance(key, str) or not key:
        return None
    return db.session.scalar(select(UserSession).where(
        UserSession.key_hash == _hash(key), UserSession.user_id == user_id, UserSession.ended_at.is_(None)))


def is_open(user: User) -> bool:
    """Whether this request's cookie belongs to an open session of `user` (the user loader asks)."""
    row = _current_row(user.id)
    if row is None:
        return False
    g.user_session_id = row.id
    if utcnow() - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = utcnow()
        db.session.commit()
    return True


def end_current() -> None:
    """Sign out on this browser: its row is closed, its cookie forgets the key (commits)."""
    if g.get("user_session_id"):
        db.session.execute(update(UserSession)
                           .where(UserSession.id == g.user_session_id, UserSession.ended_at.is_(None))
                           .values(ended_at=utcnow()))
    session.pop(SESSION_KEY, None)
    logout_user()
    db.session.commit()


def end_others(user: User, *, keep_current: bool) -> int:
    """Close every open session of `user` (but this request's one when keep_current); does not commit."""
    stmt = update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if keep_current and g.get("user_session_id"):
        stmt = stmt.where(UserSession.id != g.user_session_id)
    return db.session.execute(stmt.values(ended_at=utcnow())).rowcount


def revoke_tokens(user: User) -> int:
    return db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                              .values(revoked_at=utcnow())).rowcount


def password_changed(acting: User, user: User, *, keep_tokens: bool) -> None:
    """After `user`'s password changed: every other session ends (the acting user's own stays when it is theirs),
    and their API tokens are revoked unless `keep_tokens`. Does not commit."""
    end_others(user, keep_current=acting.id == user.id)
    if not keep_tokens:
        revoke_tokens(user)


def open_count(user: User) -> int:
    return db.session.scalar(select(func.count(UserSession.id)).where(UserSession.user_id == user.id,
                                                                      UserSession.ended_at.is_(None)))
