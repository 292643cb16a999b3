"""Attach documents to orders and steps, list them, and check who may download one.

Readers of an order (marketplace/orders/access.py) see its order-level documents; a document attached to a step is
seen by the buyer, the operator and the firm whose machine the step is booked on. Anyone else gets 404, whatever
they know of the URL (its id is random).
"""

from __future__ import annotations

import secrets
import unicodedata
from pathlib import PurePosixPath, PureWindowsPath

from flask import abort, current_app
from flask_babel import gettext as _
from sqlalchemy import select

from marketplace import bounded
from marketplace.documents import blobs
from marketplace.documents.filetypes import ALLOWED, sniff
from marketplace.documents.models import KINDS, Document
from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.orders.access import readable_order
from marketplace.orders.models import Booking, Order, OrderStep
from marketplace.quotes.api import upload_dir
from marketplace.quotes.models import Quote
from marketplace.quotes.services import stored_upload_path
from marketplace.tenancy import current_firm

FACTORY_KINDS = ("inspection_report", "certificate")


def clean_filename(name: str) -> str:
    """The file's own name, without a path, control characters or more than 200 characters."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = "".join(c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C").strip()
    return (base or "document")[-200:]


def parse_step_id(raw: str | None) -> int | None:
    """The optional `step_id` of an upload form (pages and API): None for the whole order; FieldError otherwise."""
    if not raw:
        return None
    try:
        return bounded.parse_int(raw, max_abs=bounded.MAX_ID)
    except ValueError:
        raise FieldError("step_id", _("No such step in this order.")) from None


def _step_firm_ids(step_id: int) -> set[int]:
    bookings = db.session.scalars(select(Booking).where(Booking.order_step_id == step_id))
    return {b.factory.firm_id for b in bookings if b.factory is not None}


def attach(order: Order, user, firm, kind: str, filename: str, data: bytes, step_id: int | None = None) -> Document:
    """Store the bytes and add the document to the session (the caller commits). FieldError on bad input."""
    if kind not in KINDS:
        raise FieldError("kind", _("Choose what the document is."))
    if kind in FACTORY_KINDS and not firm.is_factory:
        raise FieldError("kind", _("Only a factory of the order can attach inspection reports and certificates."))
    if not data:
        raise FieldError("file", _("Choose a file to attach."))
    limit = current_app.config["DOCUMENT_MAX_MB"] * 1024 * 1024
    if len(data) > limit:
        raise FieldError("file", _("The file is larger than %(mb)d MB.", mb=current_app.config["DOCUMENT_MAX_MB"]))
    detected = sniff(data)
    if detected is None:
        raise FieldError("file", _("Attach a PDF, PNG or JPEG drawing, or a STEP, STL or DXF file."))
    step = None
    if step_id is not None:
        step = db.session.get(OrderStep, step_id)
        if step is None or step.order_id != order.id:
            raise FieldError("step_id", _("No such step in this order."))
    sha256 = blobs.store().put(data)
    document = Document(public_id=secrets.token_urlsafe(16), order_id=order.id, order_step_id=step_id, kind=kind,
                        filename=clean_filename(filename), content_type=ALLOWED[detected], size_bytes=len(data),
                        sha256=sha256, uploader_user_id=user.id, uploader_firm_id=firm.id)
    db.session.add(document)
    db.session.flush()
    return document


def _may_read(document: Document, order: Order, firm) -> bool:
    if document.order_step_id is None or order.buyer_firm_id == firm.id or firm.is_operator:
        return True
    return document.uploader_firm_id == firm.id or firm.id in _step_firm_ids(document.order_step_id)


def order_documents(order: Order) -> list[Document]:
    """The documents of the order the current firm may read (the order itself is already readable)."""
    firm = current_firm()
    rows = db.session.scalars(select(Document).where(Document.order_id == order.id).order_by(Document.id))
    return [d for d in rows if _may_read(d, order, firm)]


def readable_document(public_id: str) -> Document:
    """The document if the current firm may read it; otherwise 404 (also for an order it cannot see)."""
    document = db.session.scalar(select(Document).where(Document.public_id == public_id[:32]))
    if document is None:
        abort(404)
    order = readable_order(document.order_id)
    if not _may_read(document, order, current_firm()):
        abort(404)
    return document


def content(document: Document) -> bytes:
    try:
        return blobs.store().get(document.sha256)
    except blobs.BlobMissing:
        abort(404)


def quote_file(quote: Quote | None):
    """(file name, path) of the CAD file a quote was made from, if it had one and it is still stored."""
    path = stored_upload_path(quote, upload_dir()) if quote is not None else None
    return (clean_filename(quote.file_name or path.name), path) if path is not None and path.exists() else None


def order_quote_file(order: Order):
    return quote_file(db.session.get(Quote, order.quote_id) if order.quote_id else None)
