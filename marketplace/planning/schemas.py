"""Schemas of planning runs and the factory schedule."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate as v

from marketplace.api_common import ListArgs, StrictSchema, check_range


class PlanRunRequestSchema(StrictSchema):
    reason = ma.fields.String(load_default="", validate=v.Length(max=200))
    time_limit_s = ma.fields.Float(load_default=None, allow_none=True, validate=v.Range(min=1, max=300))


class PlanRunSchema(ma.Schema):
    id = ma.fields.Integer()
    state = ma.fields.String(metadata={"description": "queued, running, done or failed"})
    reason = ma.fields.String()
    solver_status = ma.fields.String()
    objective = ma.fields.Integer(allow_none=True)
    best_bound = ma.fields.Integer(allow_none=True)
    gap = ma.fields.Float(allow_none=True)
    wall_s = ma.fields.Float(allow_none=True)
    time_limit_s = ma.fields.Float()
    orders = ma.fields.Integer()
    assignments = ma.fields.Integer()
    weighted_tardiness_min = ma.fields.Integer(allow_none=True)
    cost_fen = ma.fields.Integer(allow_none=True)
    greedy_objective = ma.fields.Integer(allow_none=True)
    unplaced = ma.fields.List(ma.fields.Dict())
    attempts = ma.fields.Integer()
    error = ma.fields.String()
    created_at = ma.fields.AwareDateTime()
    started_at = ma.fields.AwareDateTime(allow_none=True)
    finished_at = ma.fields.AwareDateTime(allow_none=True)


class ScheduleArgs(StrictSchema):
    start = ma.fields.AwareDateTime(required=True)
    end = ma.fields.AwareDateTime(required=True)
    machine_id = ma.fields.Integer(validate=v.Range(min=1, max=2**31 - 1))

    @ma.validates_schema(skip_on_field_errors=True)
    def _range(self, data, **kwargs):
        check_range(data, "start", "end", max_days=92)


class BookingSchema(ma.Schema):
    id = ma.fields.Integer()
    machine_id = ma.fields.Integer(allow_none=True)
    equipment_id = ma.fields.Integer(allow_none=True)
    unit = ma.fields.Integer()
    starts_at = ma.fields.AwareDateTime()
    ends_at = ma.fields.AwareDateTime()
    status = ma.fields.String()
    cost_fen = ma.fields.Integer()
    order_reference = ma.fields.String(attribute="step.order.reference", allow_none=True)
    order_title = ma.fields.String(attribute="step.order.title", allow_none=True)
    process_code = ma.fields.String(attribute="step.process_code", allow_none=True)
    step_sequence = ma.fields.Integer(attribute="step.sequence", allow_none=True)
    quantity = ma.fields.Integer(attribute="step.order.quantity", allow_none=True)
    note = ma.fields.String()


class DeclineSchema(StrictSchema):
    reason = ma.fields.String(load_default="", validate=v.Length(max=200))


class PlanRunListArgs(ListArgs):
    state = ma.fields.String(validate=v.OneOf(("queued", "running", "done", "failed")))


class CounterOfferRequestSchema(StrictSchema):
    starts_at = ma.fields.AwareDateTime(required=True, metadata={"description": "the later start the factory can do"})
    note = ma.fields.String(load_default="", validate=v.Length(max=300))


class CounterOfferSchema(ma.Schema):
    id = ma.fields.Integer()
    order_id = ma.fields.Integer()
    order_step_id = ma.fields.Integer()
    booking_id = ma.fields.Integer(allow_none=True)
    machine_id = ma.fields.Integer()
    firm_id = ma.fields.Integer()
    firm_name = ma.fields.String(attribute="firm.name")
    process_code = ma.fields.String(attribute="step.process_code")
    planned_start = ma.fields.AwareDateTime()
    planned_end = ma.fields.AwareDateTime()
    proposed_start = ma.fields.AwareDateTime()
    proposed_end = ma.fields.AwareDateTime()
    note = ma.fields.String()
    status = ma.fields.String(metadata={"description": "open, accepted, rejected or withdrawn"})
    created_at = ma.fields.AwareDateTime()
    decided_at = ma.fields.AwareDateTime(allow_none=True)
