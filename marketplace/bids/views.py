"""Pages: publish a quote for bids, the bids board, one request (bid on it, or compare and award), its CAD file."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace import bounded
from marketplace.accounts.auth import firm_required
from marketplace.addresses import services as addresses
from marketplace.bids import services
from marketplace.bids.models import MAX_LEAD_DAYS
from marketplace.db_types import utcnow
from marketplace.documents.services import quote_file
from marketplace.documents.views import quote_file_response
from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.fees import price_with_fee
from marketplace.forms_util import commit_or_flash
from marketplace.quotes.models import Quote

bids_web = Blueprint("bids", __name__, url_prefix="/bids")


def parse_yuan(raw: str) -> int:
    """'1,234.5' -> 123450 fen; ValueError for anything that is not an amount."""
    value = bounded.parse_decimal((raw or "").replace(",", "").replace("¥", "").strip(), max_abs=Decimal(10**9))
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@bids_web.route("/")
@login_required
def index():
    return render_template("bids/index.html", requests=services.visible_requests(current_user.firm), now=utcnow())


@bids_web.route("/from-quote/<int:quote_id>", methods=["POST"])
@firm_required("buyer")
def publish(quote_id: int):
    quote = db.session.get(Quote, quote_id)
    if quote is None or quote.buyer_firm_id != current_user.firm_id:
        abort(404)
    try:
        days = bounded.parse_int(request.form.get("deadline_days", "7"), max_abs=Decimal(1000))
        bid_request = services.publish(quote, current_user, days, request.form.get("notes", ""), utcnow())
        db.session.commit()
    except ValueError as exc:
        db.session.rollback()
        flash(exc.message if isinstance(exc, FieldError) else _("Give the factories 1 to %(n)d days to bid.",
                                                                  n=services.MAX_DEADLINE_DAYS), "error")
        return redirect(url_for("quotes.show", quote_id=quote.id))
    flash(_("%(ref)s is published to the factories that can make it.", ref=bid_request.reference), "success")
    return redirect(url_for("bids.show", request_id=bid_request.id))


@bids_web.route("/<int:request_id>")
@login_required
def show(request_id: int):
    bid_request = services.readable_request(request_id)
    firm = current_user.firm
    mine = next((b for b in bid_request.bids if b.firm_id == firm.id), None)
    is_buyer = bid_request.buyer_firm_id == firm.id
    bids = bid_request.bids if is_buyer or firm.is_operator else ([mine] if mine else [])
    return render_template("bids/show.html", req=bid_request, quote=bid_request.quote, bids=bids, mine=mine,
                           is_buyer=is_buyer, now=utcnow(), buyer_price=price_with_fee,
                           route=services.route_of(bid_request),
                           can_bid=firm.is_factory and not is_buyer and bid_request.is_open(utcnow()),
                           addresses=addresses.saved(firm) if is_buyer else [],
                           sites=addresses.reference_sites(firm.cluster) if is_buyer else [])


@bids_web.route("/<int:request_id>/bid", methods=["POST"])
@firm_required("factory")
def bid(request_id: int):
    bid_request = services.readable_request(request_id)

    def submit():
        try:
            price = parse_yuan(request.form.get("price_yuan", ""))
        except ValueError:
            raise FieldError("price_fen", _("Give the price in yuan, e.g. 12800 or 12800.50.")) from None
        try:
            days = bounded.parse_int(request.form.get("lead_days", ""), max_abs=Decimal(100_000))
        except ValueError:
            raise FieldError("lead_days", _("Give a lead time of 1 to %(n)d days.", n=MAX_LEAD_DAYS)) from None
        services.submit(bid_request, current_user.firm, current_user, price, days, request.form.get("notes", ""),
                        utcnow())

    commit_or_flash(submit, _("Your bid is in. You can revise it until the deadline."))
    return redirect(url_for("bids.show", request_id=bid_request.id))


@bids_web.route("/<int:request_id>/questions", methods=["POST"])
@firm_required("factory")
def ask(request_id: int):
    bid_request = services.readable_request(request_id)
    commit_or_flash(lambda: services.ask(bid_request, current_user.firm, current_user, request.form.get("question", ""),
                               utcnow()), _("Your question is sent to the buyer."))
    return redirect(url_for("bids.show", request_id=bid_request.id, _anchor="questions"))


@bids_web.route("/<int:request_id>/questions/<int:question_id>/answer", methods=["POST"])
@firm_required("buyer")
def answer(request_id: int, question_id: int):
    bid_request = services.readable_request(request_id)
    commit_or_flash(lambda: services.answer(bid_request, question_id, current_user, request.form.get("answer", ""),
                                  utcnow()), _("Answered: every factory that sees the request can read it."))
    return redirect(url_for("bids.show", request_id=bid_request.id, _anchor="questions"))


@bids_web.route("/<int:request_id>/withdraw", methods=["POST"])
@firm_required("factory")
def withdraw(request_id: int):
    bid_request = services.readable_request(request_id)
    commit_or_flash(lambda: services.withdraw(bid_request, current_user.firm, utcnow()))
    return redirect(url_for("bids.show", request_id=bid_request.id))


@bids_web.route("/<int:request_id>/award", methods=["POST"])
@firm_required("buyer")
def award(request_id: int):
    bid_request = services.readable_request(request_id)
    try:
        bid_id = bounded.parse_int(request.form.get("bid_id", ""), max_abs=bounded.MAX_ID)
    except ValueError:
        bid_id = 0
    try:
        delivery = addresses.delivery_from_form(request.form, current_user.firm, current_user.firm.cluster)
        order = services.award(bid_request, bid_id, current_user, delivery, utcnow())
        db.session.commit()
    except FieldError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("bids.show", request_id=bid_request.id))
    flash(_("Order %(ref)s placed. Pay to start production.", ref=order.reference), "success")
    return redirect(url_for("orders.detail", order_id=order.id))


@bids_web.route("/<int:request_id>/file")
@login_required
def cad_file(request_id: int):
    """The part's CAD file, for everyone who may read the request (the factories above all)."""
    return quote_file_response(quote_file(services.readable_request(request_id).quote))
