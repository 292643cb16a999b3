"""Marshmallow schemas of the capacity API: what goes in and out, and every per-field rule."""

from __future__ import annotations

import re
from datetime import timedelta

import marshmallow as ma
from marshmallow import validate as v

from capacity.models import CERTIFICATIONS
from marketplace.api_common import ID_RANGE, ListArgs, StrictSchema, check_range

POSITIVE_MM = v.Range(min=0, min_inclusive=False, max=20_000, error="Must be greater than 0 and at most 20000 mm.")
TOLERANCE = v.Range(min=0, min_inclusive=False, max=10, error="Must be greater than 0 and at most 10 mm.")
RATE_FEN = v.Range(min=1, max=100_000_000, error="Must be a positive amount in fen (1 CNY = 100 fen).")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")


def hhmm_to_minute(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def minute_to_hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


class ProcessSchema(ma.Schema):
    code = ma.fields.String()
    name_en = ma.fields.String()
    name_zh = ma.fields.String()
    category = ma.fields.String()
    unit_of_work = ma.fields.String()
    cost_drivers = ma.fields.List(ma.fields.String())


class MaterialSchema(ma.Schema):
    code = ma.fields.String()
    name_en = ma.fields.String()
    name_zh = ma.fields.String()
    family = ma.fields.String()
    density_g_cm3 = ma.fields.Float()
    price_fen_per_kg = ma.fields.Integer()
    currency = ma.fields.String()


class FactorySchema(StrictSchema):
    id = ma.fields.Integer(dump_only=True)
    firm_id = ma.fields.Integer(dump_only=True)
    cluster_id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(required=True, validate=v.Length(min=1, max=200))
    address = ma.fields.String(validate=v.Length(max=300), load_default="")
    latitude = ma.fields.Float(required=True, validate=v.Range(min=-90, max=90))
    longitude = ma.fields.Float(required=True, validate=v.Range(min=-180, max=180))
    certifications = ma.fields.List(
        ma.fields.String(validate=v.OneOf(CERTIFICATIONS)),
        validate=v.Length(max=len(CERTIFICATIONS)),
        load_default=list,
    )
    contact_name = ma.fields.String(validate=v.Length(max=100), load_default="")
    contact_phone = ma.fields.String(validate=v.Length(max=40), load_default="")
    created_at = ma.fields.AwareDateTime(dump_only=True)


class FactoryListArgs(ListArgs):
    q = ma.fields.String(validate=v.Length(max=100))
    certification = ma.fields.String(validate=v.OneOf(CERTIFICATIONS))


class MachineSchema(StrictSchema):
    id = ma.fields.Integer(dump_only=True)
    factory_id = ma.fields.Integer(required=True, validate=ID_RANGE)
    name = ma.fields.String(required=True, validate=v.Length(min=1, max=100))
    process_code = ma.fields.String(required=True, validate=v.Length(min=1, max=32))
    units = ma.fields.Integer(load_default=1, validate=v.Range(min=1, max=100))
    envelope_x_mm = ma.fields.Float(required=True, validate=POSITIVE_MM)
    envelope_y_mm = ma.fields.Float(required=True, validate=POSITIVE_MM)
    envelope_z_mm = ma.fields.Float(required=True, validate=POSITIVE_MM)
    best_tolerance_mm = ma.fields.Float(required=True, validate=TOLERANCE)
    hourly_rate_fen = ma.fields.Integer(required=True, validate=RATE_FEN)
    currency = ma.fields.String(dump_only=True)
    setup_minutes = ma.fields.Integer(load_default=30, validate=v.Range(min=0, max=10_080))
    speed_factor = ma.fields.Float(load_default=1.0, validate=v.Range(min=0, min_inclusive=False, max=10))
    materials = ma.fields.List(
        ma.fields.String(validate=v.Length(min=1, max=32)), load_default=list, validate=v.Length(max=50)
    )
    active = ma.fields.Boolean(load_default=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)

    @ma.pre_dump
    def _material_codes(self, machine, **kwargs):
        return _with(machine, materials=machine.material_codes)


class MachineUpdateSchema(MachineSchema):
    factory_id = ma.fields.Integer(dump_only=True)


class MachineListArgs(ListArgs):
    factory_id = ma.fields.Integer(validate=ID_RANGE)
    process = ma.fields.String(validate=v.Length(max=32))
    material = ma.fields.String(validate=v.Length(max=32))
    active = ma.fields.Boolean()


class WeeklyWindowSchema(StrictSchema):
    id = ma.fields.Integer(dump_only=True)
    machine_id = ma.fields.Integer(dump_only=True)
    weekday = ma.fields.Integer(
        required=True, validate=v.Range(min=0, max=6), metadata={"description": "0 = Monday ... 6 = Sunday"}
    )
    start = ma.fields.String(
        required=True,
        validate=v.Regexp(TIME_RE, error="Use HH:MM (00:00-23:59)."),
        metadata={"description": "Local time HH:MM"},
    )
    end = ma.fields.String(
        required=True,
        validate=v.Regexp(TIME_RE, error="Use HH:MM (00:00-24:00)."),
        metadata={"description": "Local time HH:MM; at or before start = next day"},
    )

    @ma.validates_schema(skip_on_field_errors=True)
    def _not_empty(self, data, **kwargs):
        if "start" in data and "end" in data:
            start, end = hhmm_to_minute(data["start"]), hhmm_to_minute(data["end"]) % 1440
            if start == 1440:
                raise ma.ValidationError("Start must be before 24:00.", "start")
            if start == end:
                raise ma.ValidationError("End must differ from start.", "end")

    @ma.pre_dump
    def _times(self, window, **kwargs):
        return _with(window, start=minute_to_hhmm(window.start_minute), end=minute_to_hhmm(window.end_minute))


class CalendarExceptionSchema(StrictSchema):
    id = ma.fields.Integer(dump_only=True)
    machine_id = ma.fields.Integer(dump_only=True)
    kind = ma.fields.String(required=True, validate=v.OneOf(("open", "blackout")))
    starts_at = ma.fields.AwareDateTime(required=True)
    ends_at = ma.fields.AwareDateTime(required=True)
    note = ma.fields.String(load_default="", validate=v.Length(max=200))

    @ma.validates_schema(skip_on_field_errors=True)
    def _order(self, data, **kwargs):
        if data["ends_at"] <= data["starts_at"]:
            raise ma.ValidationError("Must be after starts_at.", "ends_at")
        if data["ends_at"] - data["starts_at"] > timedelta(days=366):
            raise ma.ValidationError("A window may span at most 366 days.", "ends_at")


class IdleArgs(StrictSchema):
    start = ma.fields.AwareDateTime(required=True)
    end = ma.fields.AwareDateTime(required=True)

    @ma.validates_schema(skip_on_field_errors=True)
    def _range(self, data, **kwargs):
        check_range(data, "start", "end", max_days=92)


class IntervalSchema(ma.Schema):
    start = ma.fields.AwareDateTime()
    end = ma.fields.AwareDateTime()


class IdleSchema(ma.Schema):
    machine_id = ma.fields.Integer()
    start = ma.fields.AwareDateTime()
    end = ma.fields.AwareDateTime()
    idle_minutes = ma.fields.Integer()
    intervals = ma.fields.List(ma.fields.Nested(IntervalSchema))


def _with(obj, **extra):
    """A read-only view of a row with a few computed attributes for dumping."""

    class View:
        def __getattr__(self, name):
            return extra[name] if name in extra else getattr(obj, name)

    return View()
