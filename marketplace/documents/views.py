"""Pages: attach a document to an order (a form on the order page) and download one."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace import bounded
from marketplace.documents import services
from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.orders.access import readable_order

documents_web = Blueprint("documents", __name__)


def _step_id() -> int | None:
    value = request.form.get("step_id", "")
    if not value:
        return None
    try:
        return bounded.parse_int(value, max_abs=bounded.MAX_ID)
    except ValueError:
        raise FieldError("step_id", _("No such step in this order.")) from None


@documents_web.route("/orders/<int:order_id>/documents", methods=["POST"])
@login_required
def attach(order_id: int):
    order = readable_order(order_id)
    upload = request.files.get("file")
    try:
        document = services.attach(order, current_user, current_user.firm, request.form.get("kind", ""),
                                   upload.filename if upload else "", upload.read() if upload else b"", _step_id())
        db.session.commit()
        flash(_("%(name)s attached.", name=document.filename), "success")
    except FieldError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("orders.detail", order_id=order.id, _anchor="documents"))


def download_response(document):
    response = send_file(io.BytesIO(services.content(document)), mimetype=document.content_type, as_attachment=True,
                         download_name=document.filename, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    return response


@documents_web.route("/documents/<public_id>")
@login_required
def download(public_id: str):
    return download_response(services.readable_document(public_id))


def quote_file_response(found):
    """The stored CAD file of a quote as a download; 404 when there is none."""
    if found is None:
        abort(404)
    name, path = found
    response = send_file(io.BytesIO(path.read_bytes()), mimetype="application/octet-stream", as_attachment=True,
                         download_name=name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@documents_web.route("/orders/<int:order_id>/quote-file")
@login_required
def quote_file(order_id: int):
    """The CAD file the order was quoted from, for everyone who may read the order (its factories above all)."""
    return quote_file_response(services.order_quote_file(readable_order(order_id)))
