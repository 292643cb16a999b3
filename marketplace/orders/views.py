"""Order pages: place an order from a quote, pay (with a voucher), follow it across factories, confirm delivery,
rate suppliers; factories start and finish steps, ship, and see their payables and payouts."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from capacity.models import Factory
from marketplace import bounded
from marketplace.accounts.auth import firm_required
from marketplace.addresses import services as addresses
from marketplace.db_types import utcnow
from marketplace.documents.services import order_documents, order_quote_file
from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.forms_util import commit_or_flash
from marketplace.i18n import local_today
from marketplace.messages.services import read_thread, unread_by_order
from marketplace.orders import checkout, tracking
from marketplace.orders.access import buyer_order, cluster_supplier, own_booking, readable_order, visible_orders
from marketplace.orders.lifecycle import can
from marketplace.orders.models import Booking, Rating
from marketplace.orders.shares import order_shares
from marketplace.outbox import pending_for
from marketplace.payments import settlement as payments
from marketplace.payments import statement
from marketplace.payments.models import Payment
from marketplace.planning import counter_offers
from marketplace.quotes.models import Quote
from marketplace.vouchers.models import Voucher
from marketplace.web.redirects import same_site

orders_web = Blueprint("orders", __name__)


@orders_web.route("/orders")
@login_required
def index():
    firm = current_user.firm
    orders = db.session.scalars(visible_orders(firm).limit(200)).all()
    # the buyer (and the operator) see the price; a factory sees what it receives for its steps, not the price
    receive = {o.id: sum(s.net_fen for s in order_shares(o) if s.firm_id == firm.id) for o in orders
               if o.buyer_firm_id != firm.id and not firm.is_operator}
    return render_template("orders/index.html", orders=orders, receive=receive,
                           unread=unread_by_order(current_user, [o.id for o in orders]))


@orders_web.route("/quotes/<int:quote_id>/order", methods=["GET", "POST"])
@firm_required("buyer")
def place(quote_id: int):
    quote = db.session.get(Quote, quote_id)
    if quote is None or quote.buyer_firm_id != current_user.firm_id:
        abort(404)
    cluster = current_user.firm.cluster
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            delivery = addresses.delivery_from_form(request.form, current_user.firm, cluster)
            order = checkout.place_order(quote, current_user, request.form.get("tier", "standard"), delivery,
                                         request.form.get("title") or None, utcnow())
            db.session.commit()
            flash(_("Order %(ref)s placed. Pay to start production.", ref=order.reference), "success")
            return redirect(url_for("orders.detail", order_id=order.id))
        except FieldError as exc:
            db.session.rollback()
            errors[exc.field] = exc.message
    return render_template("orders/place.html", quote=quote, errors=errors, cluster=cluster,
                           addresses=addresses.saved(current_user.firm), sites=addresses.reference_sites(cluster)), \
        422 if errors else 200


@orders_web.route("/orders/<int:order_id>")
@login_required
def detail(order_id: int):
    order = readable_order(order_id)
    subsidy, payable = checkout.amount_due(order)
    suppliers = tracking.suppliers_of(order)
    rated = set(db.session.scalars(select(Rating.supplier_firm_id).where(Rating.order_id == order.id)))
    vouchers = db.session.scalars(select(Voucher).where(Voucher.firm_id == current_user.firm_id,
                                                        Voucher.status == "issued")).all()
    bookings = db.session.scalars(select(Booking).where(Booking.order_step_id.in_([s.id for s in order.steps])))
    my_bookings = [b for b in bookings if b.factory and b.factory.firm_id == current_user.firm_id]
    is_buyer = order.buyer_firm_id == current_user.firm_id
    # a factory sees what it is paid for its steps, never the buyer's price (docs/payments.md, "Fee model")
    receive = None if is_buyer or current_user.firm.is_operator else sum(
        s.net_fen for s in order_shares(order) if s.firm_id == current_user.firm_id)
    messages = read_thread(order, current_user)
    db.session.commit()  # the thread is read up to its newest message
    last_step = order.steps[-1] if order.steps else None
    # where the parts go: the buyer, the operator and the factory that makes the last step (it ships)
    show_address = is_buyer or current_user.firm.is_operator or any(
        b.order_step_id == getattr(last_step, "id", None) for b in my_bookings)
    return render_template("orders/detail.html", order=order, subsidy=subsidy, payable=payable, receive=receive,
                           timeline=tracking.timeline(order), suppliers=suppliers, rated=rated, can=can,
                           vouchers=vouchers, my_bookings=my_bookings, in_progress=pending_for(f"order:{order.id}"),
                           payment=db.session.scalar(select(Payment).where(Payment.order_id == order.id)),
                           is_buyer=is_buyer, documents=order_documents(order), messages=messages,
                           show_address=show_address, order_quote_file=(order_quote_file(order) or (None,))[0],
                           offers=[o for o in counter_offers.of_order(order)
                                   if is_buyer or current_user.firm.is_operator or o.firm_id == current_user.firm_id])


@orders_web.route("/orders/<int:order_id>/pay", methods=["POST"])
@login_required
def pay(order_id: int):
    order = buyer_order(order_id)
    code = request.form.get("voucher_code", "").strip()
    today = local_today()
    commit_or_flash(lambda: checkout.pay(order, current_user, code, today))
    return redirect(url_for("orders.detail", order_id=order.id))


@orders_web.route("/orders/<int:order_id>/cancel", methods=["POST"])
@login_required
def cancel(order_id: int):
    order = buyer_order(order_id)
    commit_or_flash(lambda: checkout.cancel(order, current_user, request.form.get("reason", "")))
    return redirect(url_for("orders.detail", order_id=order.id))


@orders_web.route("/orders/<int:order_id>/confirm", methods=["POST"])
@login_required
def confirm(order_id: int):
    order = buyer_order(order_id)
    try:
        if tracking.confirm_delivery(order, current_user):
            flash(_("Delivery confirmed; the factories are being paid."), "success")
    except FieldError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("orders.detail", order_id=order.id))


@orders_web.route("/orders/<int:order_id>/rate", methods=["POST"])
@login_required
def rate(order_id: int):
    order = buyer_order(order_id)
    try:
        score = bounded.parse_int(request.form.get("score", ""), max_abs=5)
        supplier = bounded.parse_int(request.form.get("supplier_firm_id", ""), max_abs=bounded.MAX_ID)
    except ValueError:
        flash(_("Choose a score from 1 to 5."), "error")
        return redirect(url_for("orders.detail", order_id=order.id))
    if not 1 <= score <= 5:
        flash(_("Choose a score from 1 to 5."), "error")
        return redirect(url_for("orders.detail", order_id=order.id))
    commit_or_flash(lambda: tracking.rate(order, current_user, supplier, score, request.form.get("comment", "")[:2000]))
    return redirect(url_for("orders.detail", order_id=order.id))


@orders_web.route("/orders/<int:order_id>/ship", methods=["POST"])
@firm_required("factory")
def ship(order_id: int):
    order = readable_order(order_id)
    commit_or_flash(lambda: tracking.ship(order, current_user))
    return redirect(url_for("orders.detail", order_id=order.id))


@orders_web.route("/bookings/<int:booking_id>/<action>", methods=["POST"])
@firm_required("factory")
def step_action(booking_id: int, action: str):
    booking = own_booking(booking_id)
    order = booking.step.order
    if action == "start":
        commit_or_flash(lambda: tracking.start_step(booking, current_user))
    elif action == "finish":
        commit_or_flash(lambda: tracking.finish_step(booking, current_user))
    else:
        abort(404)
    return redirect(same_site(request.form.get("next"), url_for("orders.detail", order_id=order.id)))


def _month() -> date:
    """The ?month=YYYY-MM of the money page (default: this month in the cluster's time zone)."""
    value = request.args.get("month", "")
    try:
        return datetime.strptime(value, "%Y-%m").date() if value else local_today()
    except ValueError:
        abort(404)


@orders_web.route("/payouts")
@login_required
def payouts():
    """Money: a factory's receivables, its monthly statement (对账单) and payouts; the operator's platform fees."""
    firm = current_user.firm
    fees = None
    if firm.is_operator:
        end = utcnow()
        fees = payments.platform_fees(firm.cluster, end - timedelta(days=365), end + timedelta(minutes=1))
    payables = payments.firm_payables(firm) if firm.is_factory else None
    month = _month()
    monthly = statement.statement(firm, month) if firm.is_factory else None
    return render_template("orders/payouts.html", payables=payables, statement=monthly, fees=fees,
                           previous=(month.replace(day=1) - timedelta(days=1)).strftime("%Y-%m"),
                           following=(month.replace(day=28) + timedelta(days=4)).strftime("%Y-%m"))


@orders_web.route("/payouts/statement-<month>.csv")
@firm_required("factory")
def statement_csv(month: str):
    try:
        when = datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        abort(404)
    body = statement.csv_bytes(statement.statement(current_user.firm, when))
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="statement-{month}.csv"'})


@orders_web.route("/suppliers/<int:firm_id>")
@login_required
def supplier(firm_id: int):
    firm = cluster_supplier(firm_id)
    average, count = tracking.supplier_rating(firm.id)
    ratings = tracking.recent_ratings(firm.id, 50)
    sites = db.session.scalars(select(Factory).where(Factory.firm_id == firm.id).order_by(Factory.name)).all()
    return render_template("orders/supplier.html", firm=firm, average=average, count=count, ratings=ratings,
                           sites=sites)
