"""Arguments and responses of the dashboard API."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate as v

from marketplace.api_common import StrictSchema, check_range
from marketplace.dashboard.queries import GROUPS
from marketplace.dashboard.services import MAX_DAYS


class RangeArgs(StrictSchema):
    start = ma.fields.Date(metadata={"description": "first local day (YYYY-MM-DD); default 30 days ago"})
    end = ma.fields.Date(metadata={"description": f"last local day, inclusive; at most {MAX_DAYS} days after start"})

    @ma.validates_schema(skip_on_field_errors=True)
    def _range(self, data, **kwargs):
        check_range(data, "start", "end", max_days=MAX_DAYS, same_day_ok=True)


class UtilisationArgs(RangeArgs):
    group_by = ma.fields.String(load_default="factory", validate=v.OneOf(GROUPS))


class TrendArgs(RangeArgs):
    interval = ma.fields.String(load_default="day", validate=v.OneOf(("day", "week")))


class LimitArgs(RangeArgs):
    limit = ma.fields.Integer(load_default=10, validate=v.Range(min=1, max=100))


class _Figures(ma.Schema):
    key = ma.fields.String()
    label = ma.fields.String(allow_none=True)
    offered_h = ma.fields.Float(metadata={"description": "offered idle hours (machine units counted)"})
    booked_h = ma.fields.Float(metadata={"description": "booked hours inside offered windows"})
    outside_h = ma.fields.Float(metadata={"description": "booked hours outside offered windows (not counted)"})
    utilisation = ma.fields.Float(allow_none=True, metadata={"description": "booked_h / offered_h, None if no offer"})


class UtilisationRowSchema(_Figures):
    id = ma.fields.Integer()
    firm = ma.fields.String()
    factory = ma.fields.String()
    units = ma.fields.Integer()
    process_code = ma.fields.String()


class UnderUsedRowSchema(UtilisationRowSchema):
    process = ma.fields.String()
    spare_h = ma.fields.Float(metadata={"description": "offered minus booked hours"})


class _Envelope(ma.Schema):
    start = ma.fields.Date()
    end = ma.fields.Date()
    timezone = ma.fields.String()


class UtilisationSchema(_Envelope):
    group_by = ma.fields.String()
    items = ma.fields.List(ma.fields.Nested(UtilisationRowSchema))


class UnderUsedSchema(_Envelope):
    items = ma.fields.List(ma.fields.Nested(UnderUsedRowSchema))


class HeatmapSchema(_Envelope):
    days = ma.fields.List(ma.fields.String(), metadata={"description": "local days, YYYY-MM-DD"})
    factories = ma.fields.List(ma.fields.Dict())
    cells = ma.fields.Raw(metadata={
        "description": "[day index, factory index, utilisation or null]"})


class SeriesSchema(ma.Schema):
    key = ma.fields.String()
    label = ma.fields.String(allow_none=True)
    values = ma.fields.List(ma.fields.Float(allow_none=True))


class TrendSchema(_Envelope):
    interval = ma.fields.String()
    keys = ma.fields.List(ma.fields.String())
    series = ma.fields.List(ma.fields.Nested(SeriesSchema))


class AdviceSchema(ma.Schema):
    action = ma.fields.String(metadata={"description": "lease (listed equipment fits) or recruit (none listed)"})
    equipment = ma.fields.List(ma.fields.Dict())
    gap_h = ma.fields.Float()


class DemandRowSchema(ma.Schema):
    key = ma.fields.String()
    label = ma.fields.String()
    demand_h = ma.fields.Float()
    order_h = ma.fields.Float()
    quote_h = ma.fields.Float()
    offered_h = ma.fields.Float()
    booked_h = ma.fields.Float()
    ratio = ma.fields.Float(allow_none=True)
    status = ma.fields.String(metadata={"description": "ok, tight (>= 80% of supply) or shortage"})
    advice = ma.fields.Nested(AdviceSchema, allow_none=True)


class DemandSupplySchema(_Envelope):
    quotes_counted = ma.fields.Boolean()
    items = ma.fields.List(ma.fields.Nested(DemandRowSchema))


class OverDemandedSchema(_Envelope):
    items = ma.fields.List(ma.fields.Nested(DemandRowSchema))


class KpiSchema(ma.Schema):
    key = ma.fields.String()
    value = ma.fields.Raw(allow_none=True)
    unit = ma.fields.String()
    available = ma.fields.Boolean()
    source = ma.fields.String()


class KpisSchema(_Envelope):
    items = ma.fields.List(ma.fields.Nested(KpiSchema))
