"""Pages: the inbox (open one to go where it points and mark it read), mark all read, e-mail preferences."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.extensions import db
from marketplace.notifications import services, wording
from marketplace.web.redirects import same_site

notifications_web = Blueprint("notifications", __name__, url_prefix="/notifications")


@notifications_web.app_context_processor
def _unread():
    """`unread_notifications()` in every template: the signed-in user's unread count for the menu."""

    def unread_notifications() -> int:
        return services.unread_count(current_user) if current_user.is_authenticated else 0

    return {"unread_notifications": unread_notifications}


@notifications_web.route("/")
@login_required
def index():
    return render_template("notifications/index.html", items=services.inbox(current_user), wording=wording,
                           preferences=services.preferences(current_user, wording.kinds_for(current_user.firm)))


@notifications_web.route("/<int:notification_id>/open", methods=["POST"])
@login_required
def open_one(notification_id: int):
    notification = services.own(current_user, notification_id)
    if notification is None:
        abort(404)
    services.mark_read(current_user, [notification.id])
    db.session.commit()
    return redirect(same_site(notification.link, url_for("notifications.index")))


@notifications_web.route("/read", methods=["POST"])
@login_required
def read_all():
    services.mark_read(current_user)
    db.session.commit()
    return redirect(url_for("notifications.index"))


@notifications_web.route("/preferences", methods=["POST"])
@login_required
def save_preferences():
    chosen = set(request.form.getlist("email"))
    services.set_preferences(current_user, {kind: kind in chosen for kind in wording.kinds_for(current_user.firm)})
    db.session.commit()
    flash(_("Your e-mail preferences are saved."), "success")
    return redirect(url_for("notifications.index"))
