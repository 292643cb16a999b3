"""Pages: write in an order's thread (a form on the order page, with an optional attachment)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user, login_required

from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.messages import services
from marketplace.orders.access import readable_order

messages_web = Blueprint("messages", __name__)


@messages_web.route("/orders/<int:order_id>/messages", methods=["POST"])
@login_required
def post(order_id: int):
    order = readable_order(order_id)
    upload = request.files.get("file")
    attachment = (upload.filename, upload.read()) if upload is not None and upload.filename else None
    try:
        services.post(order, current_user, current_user.firm, request.form.get("body", ""), attachment)
        db.session.commit()
    except FieldError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("orders.detail", order_id=order.id, _anchor="messages"))
