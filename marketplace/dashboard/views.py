"""Pages: the operator's dashboard (charts drawn by static/js/dashboard.js from the API, tables rendered here so
everything reads without JavaScript) and the CSV export of every figure."""

from __future__ import annotations

import marshmallow as ma
from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user

from marketplace.accounts.auth import firm_required
from marketplace.dashboard import services, tables
from marketplace.dashboard.schemas import LimitArgs, RangeArgs, TrendArgs, UtilisationArgs
from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.i18n import select_locale

dashboard_web = Blueprint("dashboard", __name__)


class PageArgs(UtilisationArgs, TrendArgs):
    class Meta:
        unknown = ma.EXCLUDE  # a page tolerates stray arguments (the language switch adds none, but links may)


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


@dashboard_web.route("/dashboard")
@firm_required("operator")
def index():
    args, errors = _args(PageArgs)
    if errors:
        return render_template("dashboard/index.html", errors=errors, values=request.args, figures=None,
                               tables=None, kpis=None), 422
    figures = _all(args)
    built = {name: builder(figures[tables.SOURCE.get(name, name)]) for name, builder in tables.BUILDERS.items()}
    values = {"start": figures["kpis"]["start"].isoformat(), "end": figures["kpis"]["end"].isoformat(),
              "group_by": figures["utilisation"]["group_by"], "interval": figures["trend"]["interval"]}
    return render_template("dashboard/index.html", errors={}, values=values, figures=figures, tables=built,
                           kpis=tables.kpi_by_key(figures["kpis"]), groups=tables.GROUP_LABELS,
                           kpi_definition=tables.kpi_definition)


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
