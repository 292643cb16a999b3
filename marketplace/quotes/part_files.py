"""The part of a quote as the browser shows it: its mesh (binary STL, mm) for the 3D view and a static top view
(PNG) where WebGL is missing. Made once per uploaded file in the CAD reader's limited child process and kept beside
the upload; served only to the quote's buyer, the cluster's operator and the factories with a step of an order
placed from the quote."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.orders.models import Booking, Order, OrderStep
from marketplace.quotes.api import upload_dir
from marketplace.quotes.models import Quote
from marketplace.quotes.services import stored_upload_path
from marketplace.tenancy import current_firm
from quoting.errors import GeometryError
from quoting.isolation import preview_isolated

KINDS = {"stl": "model/stl", "png": "image/png"}


def may_see(quote: Quote) -> bool:
    firm = current_firm()
    if quote.buyer_firm_id == firm.id or (firm.is_operator and quote.cluster_id == firm.cluster_id):
        return True
    assigned = (select(Booking.id).join(OrderStep, Booking.order_step_id == OrderStep.id)
                .join(Order, Order.id == OrderStep.order_id).where(Order.quote_id == quote.id))
    return any(b.factory is not None and b.factory.firm_id == firm.id
               for b in db.session.scalars(select(Booking).where(Booking.id.in_(assigned))))


def preview_file(quote: Quote, kind: str) -> Path:
    """The cached preview file of the quote's upload (made on first use); 404 when there is none to show."""
    if kind not in KINDS or not quote.file_sha256 or not may_see(quote):
        abort(404)
    directory = upload_dir()
    source = stored_upload_path(quote, directory)
    unit = (quote.inputs or {}).get("unit") or "mm"

    def cached(name: str) -> Path:
        return directory / f"{quote.file_sha256}.{unit}.preview.{name}"

    if not cached(kind).exists():
        if not source.exists():
            abort(404)
        try:
            stl, png = preview_isolated(source.read_bytes(), source.name, unit=unit,
                                        cpu_s=current_app.config["CAD_PARSE_CPU_S"],
                                        memory_mb=current_app.config["CAD_PARSE_MEMORY_MB"])
        except GeometryError:
            abort(404)
        for name, body in (("stl", stl), ("png", png)):
            tmp = cached(name).with_suffix(f".{name}.tmp")
            tmp.write_bytes(body)
            tmp.replace(cached(name))
    return cached(kind)
