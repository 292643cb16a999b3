"""Schemas of orders, checkout, tracking and ratings."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate as v

from marketplace.api_common import ID_RANGE, ListArgs, StrictSchema
from marketplace.orders.checkout import amount_due
from marketplace.outbox import pending_for


class PlaceOrderSchema(StrictSchema):
    quote_id = ma.fields.Integer(required=True, validate=ID_RANGE)
    tier = ma.fields.String(load_default="standard", validate=v.OneOf(("expedite", "standard", "economy")))
    title = ma.fields.String(load_default=None, validate=v.Length(max=200))
    delivery_address_id = ma.fields.Integer(validate=ID_RANGE, metadata={
        "description": "one of your saved addresses (/api/v1/addresses); or give the three fields below"})
    delivery_address = ma.fields.String(load_default="", validate=v.Length(max=300))
    delivery_latitude = ma.fields.Float(validate=v.Range(min=-90, max=90))
    delivery_longitude = ma.fields.Float(validate=v.Range(min=-180, max=180))

    @ma.validates_schema
    def _point(self, data, **kwargs):
        if "delivery_address_id" not in data and ("delivery_latitude" not in data
                                                  or "delivery_longitude" not in data):
            raise ma.ValidationError("Give delivery_address_id, or delivery_latitude and delivery_longitude.",
                                     "delivery_latitude")


class AssemblySchema(StrictSchema):
    minutes_per_set = ma.fields.Float(required=True, validate=v.Range(min=0.1, max=24 * 60))
    sets = ma.fields.Integer(validate=v.Range(min=1, max=10_000_000), metadata={
        "description": "assembled sets (default: the smallest line's quantity)"})


class PlaceMultiPartSchema(StrictSchema):
    quote_ids = ma.fields.List(ma.fields.Integer(validate=ID_RANGE), required=True, validate=v.Length(min=2, max=20))
    tier = ma.fields.String(load_default="standard", validate=v.OneOf(("expedite", "standard", "economy")))
    title = ma.fields.String(load_default=None, validate=v.Length(max=200))
    assembly = ma.fields.Nested(AssemblySchema, required=True, metadata={
        "description": "the step that joins the lines (its predecessors are every line's last step)"})
    delivery_address_id = ma.fields.Integer(validate=ID_RANGE)
    delivery_address = ma.fields.String(load_default="", validate=v.Length(max=300))
    delivery_latitude = ma.fields.Float(validate=v.Range(min=-90, max=90))
    delivery_longitude = ma.fields.Float(validate=v.Range(min=-180, max=180))


class PaySchema(StrictSchema):
    voucher_code = ma.fields.String(load_default=None, validate=v.Length(min=4, max=24))


class OrderLineSchema(ma.Schema):
    id = ma.fields.Integer()
    position = ma.fields.Integer()
    quote_id = ma.fields.Integer()
    title = ma.fields.String()
    material_code = ma.fields.String()
    quantity = ma.fields.Integer()
    total_fen = ma.fields.Integer()
    ship_by = ma.fields.AwareDateTime(allow_none=True)


class OrderStepSchema(ma.Schema):
    id = ma.fields.Integer()
    sequence = ma.fields.Integer()
    line = ma.fields.Function(lambda s: s.line.position if s.line is not None else None, allow_none=True,
                              metadata={"description": "the line (part) the step makes; none for an assembly"})
    predecessors = ma.fields.List(ma.fields.Integer(), metadata={
        "description": "sequences it waits for ([] = the previous step, [0] = none)"})
    process_code = ma.fields.String()
    status = ma.fields.String()
    started_at = ma.fields.AwareDateTime(allow_none=True)
    finished_at = ma.fields.AwareDateTime(allow_none=True)


class OrderEventSchema(ma.Schema):
    from_status = ma.fields.String()
    to_status = ma.fields.String()
    reason = ma.fields.String()
    created_at = ma.fields.AwareDateTime()


class OrderSchema(ma.Schema):
    id = ma.fields.Integer()
    reference = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.String()
    tier = ma.fields.String()
    quote_id = ma.fields.Integer(allow_none=True)
    material_code = ma.fields.String()
    quantity = ma.fields.Integer()
    release_date = ma.fields.Date()
    due_date = ma.fields.Date()
    promised_at = ma.fields.AwareDateTime(allow_none=True)
    delivered_at = ma.fields.AwareDateTime(allow_none=True)
    total_fen = ma.fields.Integer(allow_none=True)
    subsidy_fen = ma.fields.Integer(dump_only=True, metadata={"description": "drawn from a service voucher"})
    payable_fen = ma.fields.Integer(dump_only=True, metadata={"description": "what the buyer pays (total - subsidy)"})
    currency = ma.fields.String()
    delivery_address = ma.fields.String()
    lines = ma.fields.List(ma.fields.Nested(OrderLineSchema), metadata={
        "description": "the parts of a multi-part order (empty for an order of one part)"})
    steps = ma.fields.List(ma.fields.Nested(OrderStepSchema))
    events = ma.fields.List(ma.fields.Nested(OrderEventSchema))
    in_progress = ma.fields.Method("_in_progress",
                                   metadata={"description": "background work still running for this order (topics)"})
    created_at = ma.fields.AwareDateTime()

    @ma.post_dump(pass_original=True)
    def _amount_due(self, data: dict, order, **kwargs) -> dict:
        data["subsidy_fen"], data["payable_fen"] = amount_due(order)  # one voucher lookup for both figures
        return data

    def _in_progress(self, order) -> list[str]:
        return pending_for(f"order:{order.id}")


class OrderListArgs(ListArgs):
    status = ma.fields.String(validate=v.Length(max=20))


class TimelineEntrySchema(ma.Schema):
    kind = ma.fields.String()
    sequence = ma.fields.Integer()
    line = ma.fields.Integer(allow_none=True)
    process = ma.fields.String()
    status = ma.fields.String()
    factory = ma.fields.String(allow_none=True)
    factory_firm_id = ma.fields.Integer(allow_none=True)
    machine = ma.fields.String(allow_none=True)
    planned_start = ma.fields.AwareDateTime(allow_none=True)
    planned_end = ma.fields.AwareDateTime(allow_none=True)
    started_at = ma.fields.AwareDateTime(allow_none=True)
    finished_at = ma.fields.AwareDateTime(allow_none=True)
    from_ = ma.fields.String(data_key="from", attribute="from")
    to = ma.fields.String()
    km = ma.fields.Float()
    minutes = ma.fields.Integer()
    cost_fen = ma.fields.Integer()


class RatingSchema(StrictSchema):
    id = ma.fields.Integer(dump_only=True)
    supplier_firm_id = ma.fields.Integer(required=True, validate=ID_RANGE)
    score = ma.fields.Integer(required=True, validate=v.Range(min=1, max=5))
    comment = ma.fields.String(load_default="", validate=v.Length(max=2000))
    created_at = ma.fields.AwareDateTime(dump_only=True)


class SupplierProfileSchema(ma.Schema):
    firm_id = ma.fields.Integer()
    name = ma.fields.String()
    rating = ma.fields.Float(allow_none=True)
    ratings = ma.fields.Integer()
    recent = ma.fields.List(ma.fields.Nested(RatingSchema))
