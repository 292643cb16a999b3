"""Notifications: what needs someone's action reaches their in-app inbox and, by e-mail in their language, their
address. Made by outbox handlers after the change is committed (handlers.py), never inside a request."""


def init_app(app) -> None:
    """`unread_notifications()` in templates: the signed-in user's unread count for the menu."""
    from flask_login import current_user

    from marketplace.notifications.services import unread_count

    @app.context_processor
    def _unread():
        def unread_notifications() -> int:
            return unread_count(current_user) if current_user.is_authenticated else 0

        return {"unread_notifications": unread_notifications}
