"""The search page: a form with filters and facets, results as a list (works without JavaScript) and on a map."""
from __future__ import annotations

from decimal import Decimal

import marshmallow as ma
from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from capacity.models import CERTIFICATIONS, Material, Process
from marketplace import bounded
from marketplace.errors import flatten_errors
from marketplace.extensions import db
from marketplace.search import services
from marketplace.search.schemas import CapacityArgs, FirmArgs, JobArgs
from marketplace.security import ratelimit

search_web = Blueprint("search", __name__, url_prefix="/search")
ratelimit.limit_blueprint(search_web, ratelimit.SEARCHES)

SCHEMAS = {"capacity": CapacityArgs, "supplier": CapacityArgs, "job": JobArgs, "firm": FirmArgs}
LIST_FIELDS = ("process", "material", "certification", "kind")


def tabs_for(firm) -> list[tuple[str, str]]:
    tabs = [("capacity", _("Idle capacity")), ("supplier", _("Suppliers"))]
    if firm.is_factory:
        tabs.append(("job", _("Job board")))
    if firm.is_operator:
        tabs.append(("firm", _("Firms")))
    return tabs


MAX_RATE_YUAN = Decimal(10**6)  # the schema's limit of 10**8 fen


def _form_data(kind: str) -> tuple[dict, dict]:
    """request.args -> schema input (empty fields dropped, yuan -> fen) and errors found on the way."""
    data, errors = {}, {}
    for key in request.args:
        values = [v for v in request.args.getlist(key) if v.strip()]
        if not values:
            continue
        data[key] = values if key in LIST_FIELDS else values[-1]
    for field in ("min_rate", "max_rate"):
        if field in data:
            raw = data.pop(field)
            try:
                data[f"{field}_fen"] = str(int(bounded.parse_decimal(raw, max_abs=MAX_RATE_YUAN) * 100))
            except bounded.NumberTooLarge:
                errors[field] = [_("At most %(max)s yuan.", max="1,000,000")]
            except ValueError:
                errors[field] = [_("Enter an amount in yuan, e.g. 120.")]
    return data, errors


@search_web.route("/")
@login_required
def index():
    return _page("capacity")


@search_web.route("/<kind>")
@login_required
def kind(kind: str):
    return _page(kind)


def _page(kind: str):
    firm = current_user.firm
    tabs = tabs_for(firm)
    if kind not in dict(tabs):
        abort(404)
    schema = SCHEMAS[kind]()
    data, errors = _form_data(kind)
    try:
        args = schema.load(data)
    except ma.ValidationError as exc:
        errors.update(flatten_errors(exc.messages))
        args = None
    results = None
    if args is not None and not errors:
        try:
            results = services.run_search(kind, firm, args, str(get_locale()))
        except services.SearchUnavailable:
            errors["_schema"] = [_("Search is unavailable at the moment; try again shortly.")]
    zh = str(get_locale()).startswith("zh")
    processes = {p.code: (p.name_zh if zh else p.name_en) for p in db.session.scalars(select(Process))}
    materials = {m.code: (m.name_zh if zh else m.name_en) for m in db.session.scalars(select(Material))}
    markers = []
    for hit in (results or {}).get("items", ()):
        if hit.latitude is not None and hit.longitude is not None:
            markers.append({"lat": hit.latitude, "lon": hit.longitude, "title": hit.title})
    return render_template(
        "search/index.html", kind=kind, tabs=tabs, results=results, errors=errors, form=request.args,
        selected={f: request.args.getlist(f) for f in LIST_FIELDS}, processes=processes, materials=materials,
        certifications=CERTIFICATIONS, markers=markers, tile_url=current_app.config["SEARCH_MAP_TILE_URL"],
        tile_attribution=current_app.config["SEARCH_MAP_ATTRIBUTION"],
        page_url=lambda page: url_for("search.kind", kind=kind, **{**request.args.to_dict(flat=False), "page": page}),
        kind_labels={code: str(label) for code, label in services.FIRM_KIND_LABELS.items()},
    ), 422 if errors else 200
