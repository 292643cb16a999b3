"""Pages: attach a document to an order (a form on the order page) and download one."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.documents import services
from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.orders.access import readable_order

documents_web = Blueprint("documents", __name__)


@documents_web.route("/orders/<int:order_id>/documents", methods=["POST"])
@login_required
def attach(order_id: int):
    order = readable_order(order_id)
    upload = request.files.get("file")
    try:
        document = services.attach(order, current_user, current_user.firm, request.form.get("kind", ""),
                                   upload.filename if upload else "", upload.read() if upload else b"",
                                   services.parse_step_id(request.form.get("step_id")))
        db.session.commit()
        flash(_("%(name)s attached.", name=document.filename), "success")
    except FieldError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("orders.detail", order_id=order.id, _anchor="documents"))


def attachment_response(data: bytes, filename: str, mimetype: str):
    """Stored bytes as a download that no browser renders in the site's origin or caches."""
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    return response


def download_response(document):
    return attachment_response(services.content(document), document.filename, document.content_type)


@documents_web.route("/documents/<public_id>")
@login_required
def download(public_id: str):
    return download_response(services.readable_document(public_id))


def quote_file_response(found):
    """The stored CAD file of a quote as a download; 404 when there is none."""
    if found is None:
        abort(404)
    name, path = found
    return attachment_response(path.read_bytes(), name, "application/octet-stream")


@documents_web.route("/orders/<int:order_id>/quote-file")
@login_required
def quote_file(order_id: int):
    """The CAD file the order was quoted from, for everyone who may read the order (its factories above all)."""
    return quote_file_response(services.order_quote_file(readable_order(order_id)))
