"""Figures as tables: the page's table views (no JavaScript needed) and the CSV export read the same rows.

Numbers stay numbers (hours with one decimal, utilisation in percent) so a spreadsheet can sum them; CSV files
start with a UTF-8 byte-order mark so Excel shows Chinese names correctly.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

TITLES = {
    "heatmap": _l("Utilisation heat map (factory × day)"),
    "trend": _l("Utilisation trend"),
    "utilisation": _l("Utilisation"),
    "under-used": _l("Most under-used capacity"),
    "over-demanded": _l("Most over-demanded processes"),
    "demand-supply": _l("Demand versus supply per process"),
    "funnel": _l("Order funnel"),
    "firms": _l("Firms on the platform by kind"),
    "kpis": _l("Programme KPIs"),
}
GROUP_LABELS = {"factory": _l("Factory"), "machine": _l("Machine"), "process": _l("Process"), "day": _l("Day"),
                "week": _l("Week starting")}


@dataclass
class Table:
    name: str
    title: str
    headers: list[str]
    rows: list[list]

    def csv_bytes(self) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.headers)
        for row in self.rows:
            writer.writerow(["" if v is None else v for v in row])
        return ("\ufeff" + out.getvalue()).encode("utf-8")


def pct(value) -> float | None:
    return None if value is None else round(value * 100, 1)


def _hours_cols():
    return [_("Offered idle hours"), _("Booked hours"), _("Utilisation") + " (%)", _("Booked outside offered hours")]


def _hours_vals(row):
    return [row["offered_h"], row["booked_h"], pct(row["utilisation"]), row["outside_h"]]


def utilisation(data: dict) -> Table:
    group = data["group_by"]
    extra_h, extra = [], lambda row: []
    if group == "factory":
        extra_h, extra = [_("Firm")], lambda row: [row.get("firm")]
    elif group == "machine":
        extra_h, extra = [_("Factory"), _("Process"), _("Units")], lambda row: [row.get("factory"),
                                                                                 row.get("process_code"),
                                                                                 row.get("units")]
    headers = [str(GROUP_LABELS[group]), *extra_h, *_hours_cols()]
    rows = [[row["label"], *extra(row), *_hours_vals(row)] for row in data["items"]]
    return Table("utilisation", f"{TITLES['utilisation']} · {GROUP_LABELS[group]}", headers, rows)


def heatmap(data: dict) -> Table:
    days = data["days"]
    grid = {(c[1], c[0]): c[2] for c in data["cells"]}
    rows = [[f["label"], *(pct(grid.get((i, j))) for j in range(len(days)))] for i, f in enumerate(data["factories"])]
    return Table("heatmap", str(TITLES["heatmap"]), [_("Factory"), *days], rows)


def trend(data: dict) -> Table:
    headers = [_("Day") if data["interval"] == "day" else _("Week starting")]
    headers += [s["label"] or _("Whole cluster") for s in data["series"]]
    headers = [f"{h} (%)" if i else h for i, h in enumerate(headers)]
    rows = [[key, *(pct(s["values"][i]) for s in data["series"])] for i, key in enumerate(data["keys"])]
    return Table("trend", str(TITLES["trend"]), headers, rows)


def under_used(data: dict) -> Table:
    headers = [_("Machine"), _("Factory"), _("Firm"), _("Process"), _("Units"), _("Spare hours"), *_hours_cols()]
    rows = [[r["label"], r["factory"], r["firm"], r["process"], r["units"], r["spare_h"], *_hours_vals(r)]
            for r in data["items"]]
    return Table("under-used", str(TITLES["under-used"]), headers, rows)


STATUS = {"ok": _l("enough capacity"), "tight": _l("tight"), "shortage": _l("shortage")}


def advice_text(row: dict) -> str:
    advice = row.get("advice")
    if not advice:
        return ""
    if advice["action"] == "lease":
        names = "、".join(item["name"] for item in advice["equipment"])
        return _("Lease equipment: %(names)s (gap %(gap)s h)", names=names, gap=advice["gap_h"])
    return _("Recruit capacity: no listed equipment fits (gap %(gap)s h)", gap=advice["gap_h"])


def _demand(name: str, data: dict) -> Table:
    headers = [_("Process"), _("Demand hours"), _("of which open orders"), _("of which recent quotes"),
               _("Offered idle hours"), _("Booked hours"), _("Demand / supply") + " (%)", _("Status"), _("Advice")]
    rows = [[r["label"], r["demand_h"], r["order_h"], r["quote_h"], r["offered_h"], r["booked_h"], pct(r["ratio"]),
             str(STATUS[r["status"]]), advice_text(r)] for r in data["items"]]
    return Table(name, str(TITLES[name]), headers, rows)


def demand_supply(data: dict) -> Table:
    return _demand("demand-supply", data)


def over_demanded(data: dict) -> Table:
    return _demand("over-demanded", data)


STAGES = {"posted": _l("Posted"), "quoted": _l("Quoted"), "accepted": _l("Accepted"), "completed": _l("Completed")}
KINDS = {"total": _l("All firms"), "buyer": _l("SME buyers"), "factory": _l("Factories"),
         "lessor": _l("Equipment lessors"), "operator": _l("Operators")}
KPI_LABELS = {
    "firms": _l("Firms on the platform"), "order_funnel": _l("Orders posted"), "gmv_fen": _l("GMV (CNY)"),
    "utilisation": _l("Utilisation of offered idle hours, percent"),
    "quote_to_order": _l("Quote-to-order conversion, percent"), "on_time_rate": _l("On-time delivery rate, percent"),
    "average_lead_time_days": _l("Average lead time (days)"), "voucher_budget": _l("Voucher budget used / remaining"),
    "platform_fees_fen": _l("Platform fees (CNY)"), "money_flows": _l("Money captured (CNY)"),
}


# How each figure is counted, in the user's words (docs/dashboard.md has the full definitions).
KPI_DEFINITIONS = {
    "firms": _l("firms of the cluster now, by kind"),
    "order_funnel": _l("orders created in the range, by how far they got"),
    "gmv_fen": _l("money captured from buyers for orders created in the range, less refunds"),
    "utilisation": _l("booked hours inside offered idle windows / offered idle hours, all machines, in the range"),
    "quote_to_order": _l("quotes issued in the range that became an order"),
    "on_time_rate": _l("orders delivered in the range by their due date"),
    "average_lead_time_days": _l("days from order to delivery, orders delivered in the range"),
    "average_lead_time_days:promised": _l("promised days from order to ship date, orders created in the range"),
    "voucher_budget": _l("all programmes of the cluster, now"),
    "platform_fees_fen": _l("the platform fee inside the buyers' price, of settlements made in the range"),
    "money_flows": _l("orders created in the range: captured + vouchers = paid to factories + fees + refunds + held"),
}


def kpi_definition(k: dict) -> str:
    key = k["key"] + (":promised" if k.get("source") == "promised" else "")
    return str(KPI_DEFINITIONS[key])


def kpi_by_key(data: dict) -> dict:
    return {k["key"]: k for k in data["items"]}


def funnel(data: dict) -> Table:
    stages = kpi_by_key(data)["order_funnel"]["value"]["stages"]
    return Table("funnel", str(TITLES["funnel"]), [_("Stage"), _("Orders")],
                 [[str(STAGES[k]), stages[k]] for k in STAGES])


def firms(data: dict) -> Table:
    counts = kpi_by_key(data)["firms"]["value"]
    return Table("firms", str(TITLES["firms"]), [_("Kind"), _("Firms")], [[str(KINDS[k]), counts[k]] for k in KINDS])


def kpi_display(k: dict):
    value = k["value"]
    if value is None:
        return None
    if k["key"] == "firms":
        return value["total"]
    if k["key"] == "order_funnel":
        return value["stages"]["posted"]
    if k["key"] == "money_flows":
        return round(value["captured_fen"] / 100, 2)
    if k["key"] == "voucher_budget":
        return f"{value['used_fen'] / 100:.2f} / {value['remaining_fen'] / 100:.2f}"
    if k["unit"] == "fen":
        return round(value / 100, 2)
    if k["unit"] == "ratio":
        return pct(value)
    return value


def kpis(data: dict) -> Table:
    rows = [[str(KPI_LABELS[k["key"]]), kpi_display(k), "" if k["available"] else _("not yet available"),
             kpi_definition(k)] for k in data["items"]]
    return Table("kpis", str(TITLES["kpis"]), [_("Figure"), _("Value"), _("Note"), _("Counted")], rows)


BUILDERS = {"utilisation": utilisation, "heatmap": heatmap, "trend": trend, "under-used": under_used,
            "over-demanded": over_demanded, "demand-supply": demand_supply, "funnel": funnel, "firms": firms,
            "kpis": kpis}
SOURCE = {"funnel": "kpis", "firms": "kpis"}  # tables built from another figure's data
