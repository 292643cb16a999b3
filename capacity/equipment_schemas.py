"""Schemas of leasable equipment, its instalment plans and availability."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate as v

from capacity.schemas import POSITIVE_MM, RATE_FEN, TOLERANCE
from marketplace.api_common import ID_RANGE, ListArgs, StrictSchema


class InstalmentPlanSchema(StrictSchema):
    id = ma.fields.Integer(dump_only=True)
    months = ma.fields.Integer(required=True, validate=v.Range(min=2, max=60))
    annual_rate_bp = ma.fields.Integer(
        load_default=0,
        validate=v.Range(min=0, max=3600),
        metadata={"description": "Annual interest rate in basis points (650 = 6.5 %)"},
    )


class AvailabilitySchema(StrictSchema):
    id = ma.fields.Integer(dump_only=True)
    start_date = ma.fields.Date(required=True)
    end_date = ma.fields.Date(required=True)

    @ma.validates_schema(skip_on_field_errors=True)
    def _order(self, data, **kwargs):
        if data["end_date"] < data["start_date"]:
            raise ma.ValidationError("Must be on or after start_date.", "end_date")
        if (data["end_date"] - data["start_date"]).days > 3 * 366:
            raise ma.ValidationError("At most three years at a time.", "end_date")


class EquipmentSchema(StrictSchema):
    id = ma.fields.Integer(dump_only=True)
    owner_firm_id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(required=True, validate=v.Length(min=1, max=200))
    description = ma.fields.String(load_default="", validate=v.Length(max=5000))
    process_code = ma.fields.String(required=True, validate=v.Length(min=1, max=32))
    site_factory_id = ma.fields.Integer(allow_none=True, load_default=None, validate=ID_RANGE)
    delivered_to_lessee = ma.fields.Boolean(load_default=False)
    envelope_x_mm = ma.fields.Float(required=True, validate=POSITIVE_MM)
    envelope_y_mm = ma.fields.Float(required=True, validate=POSITIVE_MM)
    envelope_z_mm = ma.fields.Float(required=True, validate=POSITIVE_MM)
    best_tolerance_mm = ma.fields.Float(required=True, validate=TOLERANCE)
    daily_rate_fen = ma.fields.Integer(required=True, validate=RATE_FEN)
    deposit_fen = ma.fields.Integer(load_default=0, validate=v.Range(min=0, max=1_000_000_000))
    currency = ma.fields.String(dump_only=True)
    min_days = ma.fields.Integer(load_default=1, validate=v.Range(min=1, max=365))
    listed = ma.fields.Boolean(load_default=True)
    instalment_plans = ma.fields.List(ma.fields.Nested(InstalmentPlanSchema), dump_only=True)
    availability = ma.fields.List(ma.fields.Nested(AvailabilitySchema), dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)


class EquipmentListArgs(ListArgs):
    process = ma.fields.String(validate=v.Length(max=32))
    max_daily_rate_fen = ma.fields.Integer(validate=RATE_FEN)
    q = ma.fields.String(validate=v.Length(max=100))
