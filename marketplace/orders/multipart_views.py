"""Page: order several quoted parts together, joined by an assembly step (marketplace/orders/multipart.py)."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from marketplace import bounded
from marketplace.accounts.auth import firm_required
from marketplace.addresses import services as addresses
from marketplace.db_types import utcnow
from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.orders import multipart
from marketplace.orders.models import Order, OrderLine
from marketplace.quotes.models import Quote

multipart_web = Blueprint("multipart", __name__)


def orderable_quotes(firm, now) -> list[Quote]:
    """The firm's valid, makeable quotes that no order uses yet, newest first."""
    used = select(Order.quote_id).where(Order.quote_id.is_not(None)).union(select(OrderLine.quote_id))
    return db.session.scalars(select(Quote).where(Quote.buyer_firm_id == firm.id, Quote.feasible.is_(True),
                                                  Quote.valid_until > now, Quote.id.not_in(used))
                              .order_by(Quote.id.desc()).limit(100)).all()


def _assembly(form) -> dict:
    try:
        minutes = bounded.parse_float(form.get("assembly_minutes", ""), max_abs=Decimal(100_000))
        sets = form.get("assembly_sets", "").strip()
        return {"minutes_per_set": minutes,
                "sets": bounded.parse_int(sets, max_abs=Decimal(10**7)) if sets else None}
    except ValueError:
        raise FieldError("assembly_minutes", _("Give the assembly minutes per set (up to a day) and at most as "
                                               "many sets as the smallest line has parts.")) from None


@multipart_web.route("/orders/multi-part", methods=["GET", "POST"])
@firm_required("buyer")
def place():
    firm, now, errors = current_user.firm, utcnow(), {}
    picked = request.form.getlist("quote_id") if request.method == "POST" else request.args.getlist("quote_id")
    chosen = [int(v) for v in picked if v.isdigit() and len(v) < 10]
    if request.method == "POST":
        try:
            delivery = addresses.delivery_from_form(request.form, firm, firm.cluster)
            order = multipart.place_multi_part(chosen, current_user, request.form.get("tier", "standard"),
                                               _assembly(request.form), delivery, request.form.get("title") or None,
                                               now)
            db.session.commit()
            flash(_("Order %(ref)s placed. Pay to start production.", ref=order.reference), "success")
            return redirect(url_for("orders.detail", order_id=order.id))
        except FieldError as exc:
            db.session.rollback()
            errors[exc.field] = exc.message
    return render_template("orders/multipart.html", quotes=orderable_quotes(firm, now), chosen=set(chosen),
                           errors=errors, cluster=firm.cluster, addresses=addresses.saved(firm),
                           sites=addresses.reference_sites(firm.cluster)), 422 if errors else 200
