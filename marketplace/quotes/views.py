"""Pages: the Instant quote form, the issued quote (breaks, tiers, breakdown, warnings) and the buyer's quotes."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from capacity.forms import choices
from capacity.models import Material, Process
from marketplace.accounts.auth import firm_required
from marketplace.bids.models import BidRequest
from marketplace.db_types import utcnow
from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.i18n import is_chinese
from marketplace.orders.models import Order
from marketplace.quotes import part_files, services
from marketplace.quotes.api import max_upload_bytes, upload_dir
from marketplace.quotes.breakdown import buyer_lines
from marketplace.quotes.forms import QuoteForm
from marketplace.quotes.models import Quote
from marketplace.quotes.splitting import issue_split_quotes
from marketplace.security import ratelimit
from marketplace.tenancy import get_readable, scope

quotes_web = Blueprint("quotes", __name__, url_prefix="/quotes")

FORM_FIELDS = {
    "bbox_mm": "length_mm",
    "volume_mm3": "volume_cm3",
    "setups": "file",
    "surface_area_mm2": "file",
    "route": "route",
}


def _choices(form: QuoteForm) -> None:
    zh = is_chinese()
    form.material.choices = choices(
        (m.code, m.name_zh if zh else m.name_en)
        for m in db.session.scalars(select(Material).order_by(Material.code))
    )
    processes = choices(
        [("", _("Automatic"))]
        + [(p.code, p.name_zh if zh else p.name_en) for p in db.session.scalars(select(Process).order_by(Process.code))]
    )
    for entry in form.route:
        entry.choices = processes


def _report(form: QuoteForm, exc: FieldError) -> None:
    name = FORM_FIELDS.get(exc.field, exc.field)
    field = getattr(form, name, None)
    if field is None or name == "route":
        form.form_errors.append(f"{exc.field}: {exc.message}")
    else:
        field.errors = [*field.errors, exc.message]


@quotes_web.route("/")
@firm_required("buyer", "operator")
def index():
    quotes = db.session.scalars(scope(select(Quote), Quote, "buyer_firm_id").order_by(Quote.id.desc()).limit(100)).all()
    return render_template("quotes/index.html", quotes=quotes, now=utcnow())


@quotes_web.route("/new", methods=["GET", "POST"])
@firm_required("buyer")
@ratelimit.limited(ratelimit.QUOTE_UPLOADS)
def new():
    form = QuoteForm()
    _choices(form)
    if form.validate_on_submit():
        upload = None
        storage = form.file.data
        if storage and getattr(storage, "filename", ""):
            upload = services.Upload(storage.filename, storage.read())
        limits = dict(upload_dir=upload_dir(), max_upload_bytes=max_upload_bytes(),
                      valid_days=current_app.config["QUOTE_VALID_DAYS"])
        try:
            if form.split.data:
                parts = issue_split_quotes(current_user.firm, current_user, form.inputs(), upload, utcnow(),
                                           **limits)
            else:
                quote = services.issue_quote(current_user.firm, current_user, form.inputs(), upload, utcnow(),
                                             **limits)
        except FieldError as exc:
            db.session.rollback()
            _report(form, exc)
        else:
            db.session.commit()
            if form.split.data:
                flash(_("%(n)d parts quoted one by one: order them together here.", n=len(parts)), "success")
                return redirect(url_for("multipart.place", quote_id=[q.id for q in parts]))
            return redirect(url_for("quotes.show", quote_id=quote.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("quotes/new.html", form=form, max_mb=max_upload_bytes() // (1024 * 1024)), status


@quotes_web.route("/<int:quote_id>")
@firm_required("buyer", "operator")
def show(quote_id: int):
    quote = get_readable(Quote, quote_id, owner="buyer_firm_id")
    bid_request = db.session.scalar(select(BidRequest).where(BidRequest.quote_id == quote.id))
    ordered = db.session.scalar(select(Order.id).where(Order.quote_id == quote.id))
    return render_template("quotes/show.html", quote=quote, tiers=quote.offers, now=utcnow(),
                           buyer_lines=buyer_lines, show_build_up=current_user.firm.is_operator,
                           bid_request=bid_request, quote_taken=bool(bid_request or ordered))


@quotes_web.route("/<int:quote_id>/requote", methods=["POST"])
@firm_required("buyer")
@ratelimit.limited(ratelimit.QUOTE_UPLOADS)
def requote(quote_id: int):
    """Quote the same part again against today's capacity (reorder a past order or refresh an expired quote)."""
    quote = db.session.get(Quote, quote_id)
    if quote is None or quote.buyer_firm_id != current_user.firm_id:
        abort(404)
    try:
        fresh = services.requote(quote, current_user, utcnow(), upload_dir=upload_dir(),
                                 max_upload_bytes=max_upload_bytes(),
                                 valid_days=current_app.config["QUOTE_VALID_DAYS"])
        db.session.commit()
    except FieldError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("quotes.show", quote_id=quote.id))
    flash(_("New quote %(ref)s against today's capacity (from %(old)s).", ref=fresh.reference, old=quote.reference),
          "success")
    return redirect(url_for("quotes.show", quote_id=fresh.id))


@quotes_web.route("/<int:quote_id>/part.<kind>")
@login_required
def part_file(quote_id: int, kind: str):
    """The quote's part for the 3D view (STL) or the static top view (PNG); see quotes/part_files.py."""
    quote = db.session.get(Quote, quote_id)
    if quote is None:
        abort(404)
    path = part_files.preview_file(quote, kind)
    return send_file(path, mimetype=part_files.KINDS[kind], max_age=3600)
