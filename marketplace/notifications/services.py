"""A user's inbox: list, count unread, mark read; e-mail preferences per kind."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from marketplace.db_types import utcnow
from marketplace.errors import FieldError
from marketplace.extensions import db, insert_on_conflict
from marketplace.notifications.models import Notification, NotificationPreference
from marketplace.notifications.wording import PREFERENCE_KINDS


def inbox(user, *, unread_only: bool = False, limit: int = 100, before_id: int | None = None) -> list[Notification]:
    stmt = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc()).limit(limit)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    if before_id is not None:
        stmt = stmt.where(Notification.id < before_id)
    return db.session.scalars(stmt).all()


def unread_count(user) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == user.id,
                                                                       Notification.read_at.is_(None))) or 0


def own(user, notification_id: int) -> Notification | None:
    notification = db.session.get(Notification, notification_id)
    return notification if notification is not None and notification.user_id == user.id else None


def mark_read(user, notification_ids=None) -> int:
    """Mark the user's notifications read (all of them without ids); the caller commits."""
    stmt = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_ids is not None:
        stmt = stmt.where(Notification.id.in_(list(notification_ids)))
    return db.session.execute(stmt.values(read_at=utcnow()).execution_options(synchronize_session=False)).rowcount


def preferences(user, kinds=PREFERENCE_KINDS) -> dict[str, bool]:
    chosen = dict(db.session.execute(select(NotificationPreference.kind, NotificationPreference.email)
                                     .where(NotificationPreference.user_id == user.id)).all())
    return {kind: chosen.get(kind, True) for kind in kinds}


def set_preferences(user, email_kinds: dict[str, bool]) -> None:
    unknown = set(email_kinds) - set(PREFERENCE_KINDS)
    if unknown:
        raise FieldError("kinds", _("Unknown kind of notification: %(kind)s.", kind=sorted(unknown)[0]))
    for kind, email in email_kinds.items():
        stmt = insert_on_conflict(NotificationPreference).values(user_id=user.id, kind=kind, email=bool(email))
        db.session.execute(stmt.on_conflict_do_update(index_elements=["user_id", "kind"], set_={"email": bool(email)}))
