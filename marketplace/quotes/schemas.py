"""Schemas of instant quotes: the request (JSON with declared geometry, or multipart with a CAD file) and the
issued quote."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate as v
from werkzeug.datastructures import FileStorage

from marketplace.api_common import ListArgs, StrictSchema
from marketplace.db_types import utcnow
from marketplace.quotes.breakdown import buyer_lines
from marketplace.wording import Worded
from quoting.specs import FINISHES, LEAD_TIME_TIERS, MAX_QUANTITY, PROCESS_HINTS, TOLERANCE_CLASSES

QUANTITY = v.Range(min=1, max=MAX_QUANTITY, error=f"Must be a whole number from 1 to {MAX_QUANTITY}.")


class ListOrCsv(ma.fields.List):
    """A list in JSON; in a form, one comma-separated value ("1, 10, 50")."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        return super()._deserialize(value, attr, data, **kwargs)


class QuoteInputSchema(StrictSchema):
    material = ma.fields.String(
        required=True,
        validate=v.Length(min=1, max=32),
        metadata={"description": "material code, see GET /api/v1/materials"},
    )
    quantity = ma.fields.Integer(required=True, validate=QUANTITY)
    quantity_breaks = ListOrCsv(
        ma.fields.Integer(validate=QUANTITY),
        validate=v.Length(max=12),
        load_default=None,
        metadata={"description": "further quantities to price (default 1, 10, 50, 100, 500)"},
    )
    route = ListOrCsv(
        ma.fields.String(validate=v.Length(min=1, max=32)),
        validate=v.Length(min=1, max=8),
        load_default=None,
        metadata={"description": "process codes in order; omit to let the quoter propose a route"},
    )
    process_hint = ma.fields.String(validate=v.OneOf(PROCESS_HINTS), load_default=None)
    tolerance_class = ma.fields.String(
        validate=v.OneOf(TOLERANCE_CLASSES),
        load_default="m",
        metadata={"description": "ISO 2768-1 class: f fine, m medium, c coarse"},
    )
    finish = ma.fields.String(validate=v.OneOf(FINISHES), load_default="none")
    heat_treat = ma.fields.Boolean(load_default=False)
    lead_time_tier = ma.fields.String(validate=v.OneOf(LEAD_TIME_TIERS), load_default="standard")
    due_date = ma.fields.Date(load_default=None, metadata={"description": "wanted ship date (cluster local)"})
    bbox_mm = ListOrCsv(
        ma.fields.Float(validate=v.Range(min=0, min_inclusive=False, max=100_000)),
        validate=v.Length(equal=3),
        metadata={"description": "declared box x, y, z in mm"},
    )
    volume_mm3 = ma.fields.Float(validate=v.Range(min=0, min_inclusive=False, max=1e12))
    surface_area_mm2 = ma.fields.Float(validate=v.Range(min=0, min_inclusive=False, max=1e12), load_default=None)
    setups = ma.fields.Integer(validate=v.Range(min=1, max=6), load_default=None)
    rotational = ma.fields.Boolean(load_default=None)
    complex_surfaces = ma.fields.Boolean(load_default=False)
    through_holes = ma.fields.Integer(validate=v.Range(min=0, max=10_000), load_default=0)
    sheet_thickness_mm = ma.fields.Float(validate=v.Range(min=0, min_inclusive=False, max=100), load_default=None)
    bends = ma.fields.Integer(validate=v.Range(min=0, max=100), load_default=0)

    @ma.validates_schema(skip_on_field_errors=True)
    def _geometry(self, data, **kwargs):
        if data.get("file") is None:
            missing = {
                name: ["Required without a CAD file."] for name in ("bbox_mm", "volume_mm3") if data.get(name) is None
            }
            if missing:
                raise ma.ValidationError(missing)


class QuoteCreateSchema(QuoteInputSchema):
    """JSON body: declared geometry (bbox_mm and volume_mm3 required)."""


STL_UNITS = ("mm", "cm", "m", "inch")


class QuoteUploadSchema(QuoteInputSchema):
    """multipart/form-data: a CAD file (STL; STEP when the server has cascadio) plus the same fields as text."""

    file = ma.fields.Raw(load_default=None, metadata={"type": "string", "format": "binary"})
    unit = ma.fields.String(
        validate=v.OneOf(STL_UNITS), load_default=None,
        metadata={"description": "the STL's length unit (default mm; a STEP file declares its own)"})

    @ma.validates("file")
    def _file(self, value, **kwargs):
        if value is not None and not isinstance(value, FileStorage):
            raise ma.ValidationError("Must be an uploaded file.")

    @ma.validates_schema(skip_on_field_errors=True)
    def _one_geometry(self, data, **kwargs):
        if data.get("file") is not None and data.get("bbox_mm") is not None:
            raise ma.ValidationError("Give either a CAD file or declared dimensions, not both.", "bbox_mm")


class QuoteListArgs(ListArgs):
    pass


class StepPriceSchema(ma.Schema):
    process = ma.fields.String(allow_none=True, metadata={"description": "process code; null for transport"})
    fen = ma.fields.Integer(metadata={"description": "the step's price, the factories' overhead and margin included"})


class BreakSchema(ma.Schema):
    quantity = ma.fields.Integer()
    unit_price_fen = ma.fields.Integer()
    total_fen = ma.fields.Integer(metadata={"description": "what the buyer pays (standard lead time)"})
    subtotal_fen = ma.fields.Integer(metadata={"description": "the factories' price: what they are paid in full"})
    platform_fee_fen = ma.fields.Integer(metadata={"description": "the platform fee inside the total"})
    transport_fen = ma.fields.Integer()
    steps = ma.fields.Method("_steps", metadata={"description": "price per process step; they sum to subtotal_fen"})

    def _steps(self, brk) -> list[dict]:
        return [{"process": line["process"], "fen": line["fen"]} for line in buyer_lines(brk)]


class PlacementSchema(ma.Schema):
    step = ma.fields.String()
    machine_id = ma.fields.Integer(allow_none=True)
    equipment_id = ma.fields.Integer(allow_none=True)
    site_factory_id = ma.fields.Integer(allow_none=True)
    unit = ma.fields.Integer()
    starts_at = ma.fields.String()
    ends_at = ma.fields.String()
    processing_fen = ma.fields.Integer()
    lease_fen = ma.fields.Integer()


class TierSchema(ma.Schema):
    tier = ma.fields.String(metadata={"description": "expedite, standard or economy"})
    feasible = ma.fields.Boolean()
    reasons = ma.fields.List(Worded())
    price_fen = ma.fields.Integer(allow_none=True, metadata={"description": "total for the requested quantity"})
    adjustment_fen = ma.fields.Integer(allow_none=True)
    rate = ma.fields.Float(allow_none=True)
    completion_at = ma.fields.String(allow_none=True)
    ship_by = ma.fields.String(allow_none=True, metadata={"description": "promised ship date-time (UTC, ISO 8601)"})
    meets_due = ma.fields.Boolean(allow_none=True)
    scarcity = ma.fields.Float()
    matching_cost_fen = ma.fields.Integer()
    placements = ma.fields.List(
        ma.fields.Nested(PlacementSchema), metadata={"description": "tentative machine slots (reserved when ordered)"}
    )


class WarningSchema(ma.Schema):
    code = ma.fields.String()
    severity = ma.fields.String(metadata={"description": "info, warning or blocking"})
    message = Worded(metadata={"description": "the finding in the request's language; `code` names it"})
    process = ma.fields.String(allow_none=True)


class QuoteSummarySchema(ma.Schema):
    id = ma.fields.Integer()
    reference = ma.fields.String()
    created_at = ma.fields.AwareDateTime()
    valid_until = ma.fields.AwareDateTime()
    expired = ma.fields.Method("_expired")
    currency = ma.fields.String()
    material_code = ma.fields.String()
    quantity = ma.fields.Integer()
    route = ma.fields.List(ma.fields.String())
    feasible = ma.fields.Boolean()
    unit_price_fen = ma.fields.Integer(metadata={"description": "requested quantity, before the tier adjustment"})
    total_fen = ma.fields.Integer()
    file_name = ma.fields.String(allow_none=True)

    def _expired(self, quote) -> bool:
        return quote.expired(utcnow())


class QuoteSchema(QuoteSummarySchema):
    cluster_id = ma.fields.Integer()
    buyer_firm_id = ma.fields.Integer()
    quantities = ma.fields.List(ma.fields.Integer())
    route_proposed = ma.fields.Boolean()
    lead_time_tier = ma.fields.String()
    inputs = ma.fields.Dict()
    geometry = ma.fields.Dict(metadata={"description": "part features the price was computed from"})
    breaks = ma.fields.List(ma.fields.Nested(BreakSchema))
    tiers = ma.fields.List(ma.fields.Nested(TierSchema))
    work_content = ma.fields.List(ma.fields.Dict())
    warnings = ma.fields.List(ma.fields.Nested(WarningSchema))
    assumptions = ma.fields.List(Worded())
    plan_epoch = ma.fields.AwareDateTime(allow_none=True)
    calibration_id = ma.fields.Integer(allow_none=True)
    file_size = ma.fields.Integer(allow_none=True)
    file_sha256 = ma.fields.String(allow_none=True)
