"""REST API for orders: place from a quote, pay (with a service voucher), cancel, track, ship, confirm delivery,
rate suppliers; factories start and finish their steps."""

from __future__ import annotations

from flask import abort
from flask.views import MethodView
from flask_login import current_user

from marketplace.accounts.auth import require_kind
from marketplace.addresses import services as addresses
from marketplace.api_common import api_blueprint, page_of, paginate
from marketplace.db_types import utcnow
from marketplace.extensions import db
from marketplace.i18n import local_today
from marketplace.orders import checkout, multipart, tracking
from marketplace.orders.access import buyer_order, cluster_supplier, own_booking, readable_order, visible_orders
from marketplace.orders.models import Order
from marketplace.orders.schemas import (
    OrderListArgs,
    OrderSchema,
    PaySchema,
    PlaceMultiPartSchema,
    PlaceOrderSchema,
    RatingSchema,
    SupplierProfileSchema,
    TimelineEntrySchema,
)
from marketplace.quotes.models import Quote
from marketplace.tenancy import current_firm

orders_blp = api_blueprint("orders_api", __name__, "", "Orders: checkout, payment, tracking, delivery and ratings")


@orders_blp.route("/orders")
class Orders(MethodView):
    @orders_blp.arguments(OrderListArgs, location="query")
    @orders_blp.response(200, page_of(OrderSchema))
    def get(self, args):
        """Your orders (buyers), the orders you work on (factories), or the cluster's (operators)"""
        stmt = visible_orders(current_firm())
        if "status" in args:
            stmt = stmt.where(Order.status == args["status"])
        return paginate(stmt, args)

    @orders_blp.arguments(PlaceOrderSchema)
    @orders_blp.response(201, OrderSchema)
    def post(self, data):
        """Place an order from one of your quotes, at a lead-time tier"""
        require_kind("buyer")
        quote = db.session.get(Quote, data["quote_id"])
        if quote is None or quote.buyer_firm_id != current_firm().id:
            abort(404, f"No quote with id {data['quote_id']}.")
        if "delivery_address_id" in data:
            saved = addresses.own(current_firm(), data["delivery_address_id"])
            delivery = {"address": saved.address, "latitude": saved.latitude, "longitude": saved.longitude}
        else:
            delivery = {"address": data["delivery_address"], "latitude": data["delivery_latitude"],
                        "longitude": data["delivery_longitude"]}
        order = checkout.place_order(quote, current_user, data["tier"], delivery, data["title"], utcnow())
        db.session.commit()
        return order


@orders_blp.route("/orders/multi-part")
class MultiPartOrders(MethodView):
    @orders_blp.arguments(PlaceMultiPartSchema)
    @orders_blp.response(201, OrderSchema)
    def post(self, data):
        """Place one order from several of your quotes (one line per part) with an assembly step that waits for
        every line — planned across factories with the transport legs between them; its promise is the assembly's"""
        require_kind("buyer")
        firm = current_firm()
        form = {k: v for k, v in data.items() if k.startswith("delivery_")}
        delivery = addresses.delivery_from_form(form, firm, firm.cluster)
        order = multipart.place_multi_part(data["quote_ids"], current_user, data["tier"], data["assembly"], delivery,
                                           data["title"], utcnow())
        db.session.commit()
        return order


@orders_blp.route("/orders/<int:order_id>")
class OrderItem(MethodView):
    @orders_blp.response(200, OrderSchema)
    def get(self, order_id):
        """One order with its steps and audit trail"""
        return readable_order(order_id)


@orders_blp.route("/orders/<int:order_id>/pay")
class Pay(MethodView):
    @orders_blp.arguments(PaySchema)
    @orders_blp.response(202, OrderSchema)
    def post(self, data, order_id):
        """Pay for an accepted order, optionally with a service voucher. Answers at once (202): the charge runs in
        the background and the order becomes `paid` (then `planned`); `in_progress` lists the work still running.
        Repeating the request while a payment is under way queues nothing more."""
        order = buyer_order(order_id)
        checkout.pay(order, current_user, data["voucher_code"], local_today())
        return order


@orders_blp.route("/orders/<int:order_id>/cancel")
class Cancel(MethodView):
    @orders_blp.response(202, OrderSchema)
    def post(self, order_id):
        """Cancel an order before production: capacity and voucher return now; the payment is voided or refunded
        in the background (`in_progress`). Repeating it is harmless."""
        order = buyer_order(order_id)
        checkout.cancel(order, current_user, "cancelled by the buyer")
        return order


@orders_blp.route("/orders/<int:order_id>/timeline")
class Timeline(MethodView):
    @orders_blp.response(200, TimelineEntrySchema(many=True))
    def get(self, order_id):
        """Every step across factories and the transport legs between them"""
        return tracking.timeline(readable_order(order_id))


@orders_blp.route("/orders/<int:order_id>/ship")
class Ship(MethodView):
    @orders_blp.response(200, OrderSchema)
    def post(self, order_id):
        """Ship a finished order (a factory that worked on it)"""
        order = readable_order(order_id)
        if order.buyer_firm_id == current_firm().id or current_firm().is_operator:
            require_kind("factory")
        tracking.ship(order, current_user)
        db.session.commit()
        return order


@orders_blp.route("/orders/<int:order_id>/confirm-delivery")
class ConfirmDelivery(MethodView):
    @orders_blp.response(202, OrderSchema)
    def post(self, order_id):
        """Confirm delivery (the buyer): the order is `delivered` now; the payment is captured, the factories are
        paid out and the order completes in the background. Repeating it is harmless."""
        order = buyer_order(order_id)
        tracking.confirm_delivery(order, current_user)
        return order


@orders_blp.route("/orders/<int:order_id>/ratings")
class Ratings(MethodView):
    @orders_blp.arguments(RatingSchema)
    @orders_blp.response(201, RatingSchema)
    def post(self, data, order_id):
        """Rate a supplier of a delivered order, 1 to 5"""
        rating = tracking.rate(buyer_order(order_id), current_user, **data)
        db.session.commit()
        return rating


@orders_blp.route("/bookings/<int:booking_id>/start")
class StartStep(MethodView):
    @orders_blp.response(200, OrderSchema)
    def post(self, booking_id):
        """Start the step of this booking (the factory)"""
        booking = own_booking(booking_id)
        tracking.start_step(booking, current_user)
        db.session.commit()
        return booking.step.order


@orders_blp.route("/bookings/<int:booking_id>/finish")
class FinishStep(MethodView):
    @orders_blp.response(200, OrderSchema)
    def post(self, booking_id):
        """Finish the step of this booking (the factory)"""
        booking = own_booking(booking_id)
        tracking.finish_step(booking, current_user)
        db.session.commit()
        return booking.step.order


@orders_blp.route("/suppliers/<int:firm_id>")
class SupplierProfile(MethodView):
    @orders_blp.response(200, SupplierProfileSchema)
    def get(self, firm_id):
        """A supplier's public profile in your cluster, with its ratings"""
        firm = cluster_supplier(firm_id)
        average, count = tracking.supplier_rating(firm.id)
        recent = tracking.recent_ratings(firm.id, 20)
        return {"firm_id": firm.id, "name": firm.name, "rating": average, "ratings": count, "recent": recent}


BLUEPRINTS = (orders_blp,)
