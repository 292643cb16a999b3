"""Shared pieces of the REST API: a blueprint that requires authentication, list arguments and pages."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

import marshmallow as ma
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask_smorest import Blueprint
from sqlalchemy import func, select
from webargs.flaskparser import FlaskParser
from werkzeug.routing import IntegerConverter

from marketplace.accounts.auth import require_api_user
from marketplace.errors import PlatformApi
from marketplace.extensions import db

MAX_PAGE_SIZE = 200
DB_INT_MAX = 2**31 - 1
ID_RANGE = ma.validate.Range(min=1, max=DB_INT_MAX, error="Must be an id between 1 and 2147483647.")


def _no_subnormal(value):
    """A float too small for PostgreSQL's double precision (5e-324 underflows it) is 0."""
    if isinstance(value, float) and value != 0 and abs(value) < 1e-300:
        return 0.0
    if isinstance(value, list):
        return [_no_subnormal(v) for v in value]
    return value


def check_range(data: dict, start: str, end: str, *, max_days: int, same_day_ok: bool = False,
                max_label: str | None = None) -> None:
    """The one rule for a range of two fields: `end` after `start` (or on the same day, for dates), and at most
    `max_days` apart (counting both days when the ends are dates). Raises marshmallow's error on `end`."""
    first, last = data.get(start), data.get(end)
    if first is None or last is None:
        return
    if last < first or (last == first and not same_day_ok):
        raise ma.ValidationError(f"Must be on or after {start}." if same_day_ok else f"Must be after {start}.", end)
    span = (last - first).days + 1 if same_day_ok else (last - first) / timedelta(days=1)
    if span > max_days:
        raise ma.ValidationError(f"At most {max_label or f'{max_days} days'} at a time.", end)


class StrictSchema(ma.Schema):
    """Unknown fields are errors (a misspelt filter is a 422, never silently ignored); subnormal floats are 0."""

    class Meta:
        unknown = ma.RAISE

    @ma.post_load
    def _flush_subnormal_floats(self, data, **kwargs):
        return {key: _no_subnormal(value) for key, value in data.items()}


class ListArgs(StrictSchema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100_000))
    page_size = ma.fields.Integer(load_default=20, validate=ma.validate.Range(min=1, max=MAX_PAGE_SIZE))


_page_schemas: dict[type, type] = {}


def page_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """A schema for `{"items": [...], "page", "page_size", "total"}` around item_schema."""
    if item_schema not in _page_schemas:
        name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
        _page_schemas[item_schema] = type(
            name,
            (ma.Schema,),
            {
                "items": ma.fields.List(ma.fields.Nested(item_schema)),
                "page": ma.fields.Integer(),
                "page_size": ma.fields.Integer(),
                "total": ma.fields.Integer(),
            },
        )
    return _page_schemas[item_schema]


def paginate(stmt, args: dict) -> dict:
    page, size = args["page"], args["page_size"]
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = db.session.scalars(stmt.offset((page - 1) * size).limit(size)).unique().all()
    return {"items": items, "page": page, "page_size": size, "total": total}


class IdConverter(IntegerConverter):
    """`<int:id>` limited to the range of a database integer column."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)


class StrictQueryParser(FlaskParser):
    """Query strings follow the schema's `unknown` (RAISE), so a misspelt filter is a 422, not ignored."""

    DEFAULT_UNKNOWN_BY_LOCATION: ClassVar[dict] = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": None,
        "querystring": None,
    }


class PlatformBlueprint(Blueprint):
    ARGUMENTS_PARSER = StrictQueryParser()


def api_blueprint(name: str, import_name: str, url_prefix: str, description: str) -> Blueprint:
    blp = PlatformBlueprint(name, import_name, url_prefix=f"/api/v1{url_prefix}", description=description)
    blp.before_request(require_api_user)
    return blp


def schema_name(schema) -> str:
    """OpenAPI component names: FactorySchema -> Factory; a partial (PATCH) instance -> FactoryPatch."""
    name = resolve_schema_cls(schema).__name__.removesuffix("Schema")
    if isinstance(schema, ma.Schema) and schema.partial:
        name += "Patch"
    return name


def make_api(app) -> PlatformApi:
    return PlatformApi(app, spec_kwargs={"marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=schema_name)})
