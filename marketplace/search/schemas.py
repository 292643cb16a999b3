"""Query arguments and results of the search API (the pages validate with the same schemas)."""
from __future__ import annotations

from datetime import timedelta

import marshmallow as ma
from marshmallow import validate as v

from capacity.models import CERTIFICATIONS
from marketplace.accounts.models import FirmKind
from marketplace.api_common import ListArgs

CODE = v.Length(min=1, max=32)
MAX_IDLE_SPAN_DAYS = 92


class SearchArgs(ListArgs):
    q = ma.fields.String(load_default="", validate=[v.Length(max=200),
                                                    v.Regexp(r"^[^\x00]*$", error="Must not contain NUL characters.")],
                         metadata={"description": "Free text (Chinese or English); every word must appear."})
    sort = ma.fields.String(load_default="relevance", validate=v.OneOf(("relevance",)))


class GeoArgs(SearchArgs):
    lat = ma.fields.Float(validate=v.Range(min=-90, max=90))
    lon = ma.fields.Float(validate=v.Range(min=-180, max=180))
    max_km = ma.fields.Float(validate=v.Range(min=0, min_inclusive=False, max=20_000))
    process = ma.fields.List(ma.fields.String(validate=CODE), validate=v.Length(max=20),
                             metadata={"description": "Process codes; any of them."})
    material = ma.fields.List(ma.fields.String(validate=CODE), validate=v.Length(max=20),
                              metadata={"description": "Material codes; any of them."})

    @ma.validates_schema(skip_on_field_errors=True)
    def _geo(self, data, **kwargs):
        if ("lat" in data) != ("lon" in data):
            raise ma.ValidationError("Give lat and lon together.", "lon" if "lat" in data else "lat")
        if "max_km" in data and "lat" not in data:
            raise ma.ValidationError("A maximum distance needs lat and lon.", "max_km")
        if data.get("sort") == "distance" and "lat" not in data:
            raise ma.ValidationError("Sorting by distance needs lat and lon.", "sort")


class CapacityArgs(GeoArgs):
    sort = ma.fields.String(load_default="relevance", validate=v.OneOf(("relevance", "distance", "rate", "rating")))
    certification = ma.fields.List(ma.fields.String(validate=v.OneOf(CERTIFICATIONS)), validate=v.Length(max=8),
                                   metadata={"description": "Certifications; all of them."})
    min_rate_fen = ma.fields.Integer(validate=v.Range(min=0, max=100_000_000))
    max_rate_fen = ma.fields.Integer(validate=v.Range(min=0, max=100_000_000))
    min_rating = ma.fields.Float(validate=v.Range(min=0, max=5))
    idle_from = ma.fields.Date(metadata={"description": "First day (cluster-local) of the idle-capacity window."})
    idle_to = ma.fields.Date(metadata={"description": "Last day (inclusive) of the idle-capacity window."})
    min_idle_hours = ma.fields.Float(validate=v.Range(min=0, min_inclusive=False, max=100_000))

    @ma.validates_schema(skip_on_field_errors=True)
    def _ranges(self, data, **kwargs):
        if "min_rate_fen" in data and "max_rate_fen" in data and data["max_rate_fen"] < data["min_rate_fen"]:
            raise ma.ValidationError("Must be at least min_rate_fen.", "max_rate_fen")
        if ("idle_from" in data) != ("idle_to" in data):
            raise ma.ValidationError("Give idle_from and idle_to together.",
                                     "idle_to" if "idle_from" in data else "idle_from")
        if "min_idle_hours" in data and "idle_from" not in data:
            raise ma.ValidationError("Minimum idle hours need idle_from and idle_to.", "min_idle_hours")
        if "idle_from" in data:
            if data["idle_to"] < data["idle_from"]:
                raise ma.ValidationError("Must be on or after idle_from.", "idle_to")
            if data["idle_to"] - data["idle_from"] >= timedelta(days=MAX_IDLE_SPAN_DAYS):
                raise ma.ValidationError(f"At most {MAX_IDLE_SPAN_DAYS} days at a time.", "idle_to")


class JobArgs(GeoArgs):
    sort = ma.fields.String(load_default="relevance", validate=v.OneOf(("relevance", "distance")))
    window_from = ma.fields.Date(metadata={"description": "Jobs whose release..due window overlaps from this day."})
    window_to = ma.fields.Date(metadata={"description": "... to this day (inclusive)."})

    @ma.validates_schema(skip_on_field_errors=True)
    def _window(self, data, **kwargs):
        if ("window_from" in data) != ("window_to" in data):
            raise ma.ValidationError("Give window_from and window_to together.",
                                     "window_to" if "window_from" in data else "window_from")
        if "window_from" in data and data["window_to"] < data["window_from"]:
            raise ma.ValidationError("Must be on or after window_from.", "window_to")


class FirmArgs(SearchArgs):
    kind = ma.fields.List(ma.fields.String(validate=v.OneOf([k.value for k in FirmKind])), validate=v.Length(max=4),
                          metadata={"description": "Firm kinds; any of them."})


class FacetBucketSchema(ma.Schema):
    value = ma.fields.String()
    label = ma.fields.String()
    count = ma.fields.Integer()


class SearchHitSchema(ma.Schema):
    kind = ma.fields.String()
    id = ma.fields.Integer(attribute="object_id")
    firm_id = ma.fields.Integer()
    title = ma.fields.String()
    score = ma.fields.Float()
    rate_fen = ma.fields.Integer(allow_none=True)
    rating = ma.fields.Float(allow_none=True, metadata={"description": "No ratings yet: always null."})
    latitude = ma.fields.Float(allow_none=True)
    longitude = ma.fields.Float(allow_none=True)
    distance_km = ma.fields.Float(allow_none=True)
    idle_minutes = ma.fields.Integer(allow_none=True)
    details = ma.fields.Dict(attribute="payload")


class SearchPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(SearchHitSchema))
    page = ma.fields.Integer()
    page_size = ma.fields.Integer()
    total = ma.fields.Integer()
    facets = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.Nested(FacetBucketSchema)))
    backend = ma.fields.String()
