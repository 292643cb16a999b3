"""Pages: the operator's dashboard (charts drawn by static/js/dashboard.js from the API, tables rendered here so
everything reads without JavaScript) and the CSV export of every figure."""

from __future__ import annotations

from datetime import date

import marshmallow as ma
from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.accounts.auth import firm_required
from marketplace.dashboard import services, tables
from marketplace.dashboard.queries import GROUPS
from marketplace.dashboard.schemas import LimitArgs, RangeArgs, TrendArgs, UtilisationArgs
from marketplace.dashboard.services import MAX_DAYS
from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.i18n import select_locale

dashboard_web = Blueprint("dashboard", __name__)


def _args(schema: type[ma.Schema]) -> tuple[dict, dict]:
    try:
        return schema(unknown=ma.EXCLUDE).load(request.args.to_dict()), {}
    except ma.ValidationError as exc:
        return {}, {k: v if isinstance(v, list) else [str(v)] for k, v in exc.messages.items()}


def _figure(name: str, args: dict, **options) -> dict:
    try:
        data, wrote = services.payload(db.session, current_user.firm.cluster, name, args.get("start"),
                                       args.get("end"), select_locale(), **options)
    except FieldError as exc:
        abort(422, exc.message)
    if wrote:
        db.session.commit()
    return data


def _all(args: dict) -> dict:
    try:
        figures, wrote = services.page(db.session, current_user.firm.cluster, args.get("start"), args.get("end"),
                                       select_locale(), group_by=args.get("group_by", "factory"),
                                       interval=args.get("interval", "day"), limit=10)
    except FieldError as exc:
        abort(422, exc.message)
    if wrote:
        db.session.commit()
    return figures


def _page_args() -> tuple[dict, dict[str, list[str]]]:
    """The page's range and options. A bad date or range is a message by its field, in the user's language; the
    page then shows the default range. Unknown grouping options fall back to the defaults."""
    args, errors = {}, {}
    for field in ("start", "end"):
        raw = request.args.get(field, "").strip()
        if raw:
            try:
                if len(raw) != 10:  # YYYY-MM-DD only (fromisoformat also reads 20261123 and week dates)
                    raise ValueError(raw)
                args[field] = date.fromisoformat(raw)
            except ValueError:
                errors[field] = [_("Enter a date such as 2026-11-23.")]
    if "start" in args and "end" in args:
        if args["end"] < args["start"]:
            errors["end"] = [_("The end must be on or after the start.")]
        elif (args["end"] - args["start"]).days + 1 > MAX_DAYS:
            errors["end"] = [_("At most %(n)d days at a time.", n=MAX_DAYS)]
    group_by, interval = request.args.get("group_by", "factory"), request.args.get("interval", "day")
    args["group_by"] = group_by if group_by in GROUPS else "factory"
    args["interval"] = interval if interval in ("day", "week") else "day"
    if errors:
        args.pop("start", None), args.pop("end", None)
    return args, errors


@dashboard_web.route("/dashboard")
@firm_required("operator")
def index():
    args, errors = _page_args()
    figures = _all(args)
    built = {name: builder(figures[tables.SOURCE.get(name, name)]) for name, builder in tables.BUILDERS.items()}
    values = {"start": figures["kpis"]["start"].isoformat(), "end": figures["kpis"]["end"].isoformat(),
              "group_by": figures["utilisation"]["group_by"], "interval": figures["trend"]["interval"]}
    if errors:  # keep what was typed in the fields, beside the message
        values |= {field: request.args.get(field, "") for field in ("start", "end")}
    return render_template("dashboard/index.html", errors=errors, values=values, figures=figures, tables=built,
                           kpis=tables.kpi_by_key(figures["kpis"]), groups=tables.GROUP_LABELS,
                           kpi_definition=tables.kpi_definition), 422 if errors else 200


EXPORT_ARGS = {"utilisation": UtilisationArgs, "trend": TrendArgs, "under-used": LimitArgs,
               "over-demanded": LimitArgs}


@dashboard_web.route("/dashboard/export/<name>.csv")
@firm_required("operator")
def export(name: str):
    if name not in tables.BUILDERS:
        abort(404)
    source = tables.SOURCE.get(name, name)
    args, errors = _args(EXPORT_ARGS.get(source, RangeArgs))
    if errors:
        abort(422, "; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items()))
    options = {k: args[k] for k in ("group_by", "interval", "limit") if k in args}
    data = _figure(source, args, **options)
    if source == "utilisation":
        data["group_by"] = options["group_by"]
    table = tables.BUILDERS[name](data)
    filename = f"dashboard-{name}-{data['start'].isoformat()}-{data['end'].isoformat()}.csv"
    return Response(table.csv_bytes(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
