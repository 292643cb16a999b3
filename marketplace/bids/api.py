"""REST API of bids (需求发榜): publish a quote for bids, list and read requests, bid, withdraw, award."""

from __future__ import annotations

import marshmallow as ma
from flask import abort
from flask.views import MethodView
from flask_login import current_user

from marketplace.addresses import services as addresses
from marketplace.api_common import StrictSchema, api_blueprint
from marketplace.bids import services
from marketplace.bids.models import MAX_LEAD_DAYS, MAX_PRICE_FEN
from marketplace.db_types import utcnow
from marketplace.extensions import db
from marketplace.fees import price_with_fee
from marketplace.orders.schemas import OrderSchema
from marketplace.quotes.models import Quote
from marketplace.tenancy import current_firm

bids_blp = api_blueprint("bids_api", __name__, "/bid-requests", "Bids where instant pricing stops (需求发榜)")


class BidSchema(ma.Schema):
    id = ma.fields.Integer()
    firm_id = ma.fields.Integer()
    firm_name = ma.fields.Function(lambda b: b.firm.name)
    price_fen = ma.fields.Integer(metadata={"description": "what the factory is paid for the whole order"})
    buyer_price_fen = ma.fields.Function(lambda b: price_with_fee(b.price_fen),
                                         metadata={"description": "the buyer's price: the bid plus the platform fee"})
    lead_days = ma.fields.Integer()
    notes = ma.fields.String()
    status = ma.fields.String(metadata={"enum": ["active", "withdrawn", "won", "lost"]})
    updated_at = ma.fields.DateTime()


class QuestionSchema(ma.Schema):
    id = ma.fields.Integer()
    question = ma.fields.String()
    answer = ma.fields.String()
    asked_at = ma.fields.DateTime()
    answered_at = ma.fields.DateTime(allow_none=True)


class AskSchema(StrictSchema):
    question = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000))


class AnswerSchema(StrictSchema):
    answer = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000))


class BidRequestSchema(ma.Schema):
    id = ma.fields.Integer()
    reference = ma.fields.String()
    quote_id = ma.fields.Integer()
    title = ma.fields.String()
    notes = ma.fields.String()
    material = ma.fields.Function(lambda r: r.quote.material_code)
    quantity = ma.fields.Function(lambda r: r.quote.quantity)
    route = ma.fields.Function(lambda r: services.route_of(r))
    deadline_at = ma.fields.DateTime()
    status = ma.fields.String(metadata={"enum": ["open", "awarded", "withdrawn"]})
    order_id = ma.fields.Integer(allow_none=True)
    bids = ma.fields.Method("_bids", metadata={"description": "all bids for the buyer and operator; yours else"})
    questions = ma.fields.List(ma.fields.Nested(QuestionSchema), metadata={
        "description": "factories' questions and the buyer's answers, for all who see the request (not who asked)"})

    def _bids(self, request):
        firm = current_firm()
        visible = request.bids if request.buyer_firm_id == firm.id or firm.is_operator else [
            b for b in request.bids if b.firm_id == firm.id]
        return BidSchema(many=True).dump(visible)


class PublishSchema(StrictSchema):
    quote_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=2**31 - 1))
    deadline_days = ma.fields.Integer(load_default=7, validate=ma.validate.Range(min=1,
                                                                                  max=services.MAX_DEADLINE_DAYS))
    notes = ma.fields.String(load_default="", validate=ma.validate.Length(max=4000))


class SubmitSchema(StrictSchema):
    price_fen = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=MAX_PRICE_FEN))
    lead_days = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=MAX_LEAD_DAYS))
    notes = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))


class AwardSchema(StrictSchema):
    bid_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=2**31 - 1))
    delivery_address_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1),
                                            metadata={"description": "one of your saved addresses"})
    delivery_address = ma.fields.String(validate=ma.validate.Length(max=300))
    delivery_latitude = ma.fields.Float(validate=ma.validate.Range(min=-90, max=90))
    delivery_longitude = ma.fields.Float(validate=ma.validate.Range(min=-180, max=180))


@bids_blp.route("")
class Requests(MethodView):
    @bids_blp.response(200, BidRequestSchema(many=True))
    def get(self):
        """Your requests (buyers), the open requests your machines can make (factories), the cluster's (operator)"""
        return services.visible_requests(current_firm())

    @bids_blp.arguments(PublishSchema)
    @bids_blp.response(201, BidRequestSchema)
    def post(self, data):
        """Publish one of your quotes for bids until a deadline (also one the instant quote cannot price)"""
        quote = db.session.get(Quote, data["quote_id"])
        if quote is None or quote.buyer_firm_id != current_firm().id:
            abort(404, f"No quote with id {data['quote_id']}.")
        request = services.publish(quote, current_user, data["deadline_days"], data["notes"], utcnow())
        db.session.commit()
        return request


@bids_blp.route("/<int:bid_request_id>")
class RequestItem(MethodView):
    @bids_blp.response(200, BidRequestSchema)
    def get(self, bid_request_id):
        """One request with the bids you may see"""
        return services.readable_request(bid_request_id)


@bids_blp.route("/<int:bid_request_id>/bids")
class Bids(MethodView):
    @bids_blp.arguments(SubmitSchema)
    @bids_blp.response(201, BidSchema)
    def post(self, data, bid_request_id):
        """Bid (factories that can make every step), or revise your bid, until the deadline"""
        request = services.readable_request(bid_request_id)
        bid = services.submit(request, current_firm(), current_user, data["price_fen"], data["lead_days"],
                              data["notes"], utcnow())
        db.session.commit()
        return bid


@bids_blp.route("/<int:bid_request_id>/bids/withdraw")
class Withdraw(MethodView):
    @bids_blp.response(200, BidRequestSchema)
    def post(self, bid_request_id):
        """Withdraw your open bid"""
        request = services.readable_request(bid_request_id)
        services.withdraw(request, current_firm(), utcnow())
        db.session.commit()
        return request


@bids_blp.route("/<int:bid_request_id>/questions")
class Questions(MethodView):
    @bids_blp.arguments(AskSchema)
    @bids_blp.response(201, QuestionSchema)
    def post(self, data, bid_request_id):
        """Ask the buyer about the request (factories that may bid, until the deadline)"""
        request = services.readable_request(bid_request_id)
        question = services.ask(request, current_firm(), current_user, data["question"], utcnow())
        db.session.commit()
        return question


@bids_blp.route("/<int:bid_request_id>/questions/<int:question_id>/answer")
class Answer(MethodView):
    @bids_blp.arguments(AnswerSchema)
    @bids_blp.response(200, QuestionSchema)
    def post(self, data, bid_request_id, question_id):
        """Answer a question (the buyer); every factory that sees the request is told"""
        request = services.readable_request(bid_request_id)
        question = services.answer(request, question_id, current_user, data["answer"], utcnow())
        db.session.commit()
        return question


@bids_blp.route("/<int:bid_request_id>/award")
class Award(MethodView):
    @bids_blp.arguments(AwardSchema)
    @bids_blp.response(201, OrderSchema)
    def post(self, data, bid_request_id):
        """Award one bid: the order is placed at its price plus the platform fee, every step assigned to its
        factory (planning keeps that); pay it next like any order. Once per request."""
        request = services.readable_request(bid_request_id)
        delivery = addresses.delivery_from_form(data, current_firm(), current_firm().cluster)
        order = services.award(request, data["bid_id"], current_user, delivery, utcnow())
        db.session.commit()
        return order


BLUEPRINTS = (bids_blp,)
