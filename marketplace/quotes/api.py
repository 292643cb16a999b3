"""REST API of instant quotes: issue (JSON or multipart with a CAD file), read one, list your own.

Quotes are immutable: there is no PUT, PATCH or DELETE. Buyers read their own quotes; the cluster operator reads
every quote of its cluster; anyone else gets 404.
"""

from __future__ import annotations

from pathlib import Path

import marshmallow as ma
from flask import current_app, request
from flask.views import MethodView
from flask_login import current_user
from sqlalchemy import select

import quoting
from marketplace.accounts.auth import require_kind
from marketplace.api_common import api_blueprint, page_of, paginate
from marketplace.db_types import utcnow
from marketplace.errors import unprocessable
from marketplace.extensions import db
from marketplace.quotes import services
from marketplace.quotes.models import Quote
from marketplace.quotes.schemas import (
    QuoteCreateSchema,
    QuoteListArgs,
    QuoteSchema,
    QuoteSummarySchema,
    QuoteUploadSchema,
)
from marketplace.quotes.splitting import issue_split_quotes
from marketplace.security import ratelimit
from marketplace.tenancy import current_firm, get_readable, scope

quotes_blp = api_blueprint("quotes_api", __name__, "/quotes", "Instant quotes: price breaks and lead-time tiers")

LIST_FIELDS = ("quantity_breaks", "route", "bbox_mm")


def upload_dir() -> Path:
    configured = current_app.config["QUOTE_UPLOAD_DIR"]
    return Path(configured) if configured else Path(current_app.instance_path) / "uploads"


def max_upload_bytes() -> int:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or quoting.MAX_UPLOAD_BYTES
    return min(limit, quoting.MAX_UPLOAD_BYTES)


def _load(schema: ma.Schema, data) -> dict:
    try:
        return schema.load(data)
    except ma.ValidationError as exc:
        raise unprocessable(exc.messages) from None


def parse_request() -> tuple[dict, services.Upload | None]:
    """JSON (declared geometry) or multipart/form-data (a file and the same fields as text)."""
    if request.mimetype == "multipart/form-data":
        data = {
            key: ",".join(request.form.getlist(key)) if key in LIST_FIELDS else request.form[key]
            for key in request.form
            if request.form[key] != ""
        }
        if "file" in request.files:
            data["file"] = request.files["file"]
        inputs = _load(QuoteUploadSchema(), data)
        storage = inputs.pop("file", None)
        if storage is None:
            return inputs, None
        return inputs, services.Upload(storage.filename or "upload.stl", storage.read())
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise unprocessable({"_schema": ["Expected a JSON object or multipart/form-data."]},
                            "Send a JSON object (declared geometry) or multipart/form-data with a file.")
    return _load(QuoteCreateSchema(), body), None


@quotes_blp.route("")
class Quotes(MethodView):
    decorators = [ratelimit.limited(ratelimit.QUOTE_UPLOADS)]

    @quotes_blp.arguments(QuoteListArgs, location="query")
    @quotes_blp.response(200, page_of(QuoteSummarySchema))
    def get(self, args):
        """Your firm's quotes, newest first (the operator: every quote of the cluster)"""
        stmt = scope(select(Quote), Quote, "buyer_firm_id").order_by(Quote.id.desc())
        return paginate(stmt, args)

    @quotes_blp.doc(
        requestBody={
            "required": True,
            "content": {
                "application/json": {"schema": QuoteCreateSchema},
                "multipart/form-data": {"schema": QuoteUploadSchema},
            },
        }
    )
    @quotes_blp.response(201, QuoteSchema)
    @quotes_blp.alt_response(413, description="Upload larger than the limit (MAX_UPLOAD_MB)")
    def post(self):
        """Issue an instant quote (buyers): price breaks, DFM warnings and three lead-time tiers from live capacity.

        Send JSON with declared geometry (`bbox_mm`, `volume_mm3`), or multipart/form-data with a `file` (STL; STEP
        when the server has cascadio) and the other fields as text (lists comma-separated). A quote is stored only
        when the part could be read; it is never changed afterwards.
        """
        require_kind("buyer")
        inputs, upload = parse_request()
        quote = services.issue_quote(
            current_firm(),
            current_user,
            inputs,
            upload,
            utcnow(),
            upload_dir=upload_dir(),
            max_upload_bytes=max_upload_bytes(),
            valid_days=current_app.config["QUOTE_VALID_DAYS"],
        )
        db.session.commit()
        return quote


@quotes_blp.route("/<int:quote_id>")
class QuoteItem(MethodView):
    @quotes_blp.response(200, QuoteSchema)
    def get(self, quote_id):
        """One quote (yours, or any of the cluster for its operator)"""
        return get_readable(Quote, quote_id, owner="buyer_firm_id")


class SplitQuotesSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(QuoteSchema))


@quotes_blp.route("/split")
class SplitQuotes(MethodView):
    decorators = [ratelimit.limited(ratelimit.QUOTE_UPLOADS)]

    @quotes_blp.doc(requestBody={"required": True, "content": {"multipart/form-data": {"schema": QuoteUploadSchema}}})
    @quotes_blp.response(201, SplitQuotesSchema)
    def post(self):
        """A file of several separate parts: one quote per part (each part's own STL, in mm), to order together
        with POST /orders/multi-part. 422 naming `file` for a file of one part or of more than 20."""
        require_kind("buyer")
        inputs, upload = parse_request()
        quotes = issue_split_quotes(current_firm(), current_user, inputs, upload, utcnow(), upload_dir=upload_dir(),
                                    max_upload_bytes=max_upload_bytes(),
                                    valid_days=current_app.config["QUOTE_VALID_DAYS"])
        db.session.commit()
        return {"items": quotes}


@quotes_blp.route("/<int:quote_id>/requote")
class Requote(MethodView):
    decorators = [ratelimit.limited(ratelimit.QUOTE_UPLOADS)]

    @quotes_blp.response(201, QuoteSchema)
    def post(self, quote_id):
        """Quote the same part again against today's capacity and rates (reorder: same material, quantity, options
        and file; the old wish date is dropped). Order from the new quote as usual."""
        quote = get_readable(Quote, quote_id, owner="buyer_firm_id")
        require_kind("buyer")
        fresh = services.requote(quote, current_user, utcnow(), upload_dir=upload_dir(),
                                 max_upload_bytes=max_upload_bytes(),
                                 valid_days=current_app.config["QUOTE_VALID_DAYS"])
        db.session.commit()
        return fresh


BLUEPRINTS = (quotes_blp,)
