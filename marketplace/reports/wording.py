"""The report's words in both languages: government readers get Chinese first with the English beside it."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from marketplace.dashboard.tables import KPI_DEFINITIONS
from marketplace.i18n import yuan
from marketplace.reports.metrics import BY_KEY

LOCALES = ("zh_Hans_CN", "en")

STATUS = {
    "met": _l("Met"), "on_track": _l("On track"), "behind": _l("Behind"), "no_data": _l("No data yet"),
    "not_started": _l("Not started"),
}
HEADINGS = {
    "title": _l("Programme performance report"), "metric": _l("Metric"), "target": _l("Target"),
    "actual": _l("Actual"), "progress": _l("Progress"), "expected": _l("Expected by now"), "status": _l("Status"),
    "period": _l("Reporting period"), "as_of": _l("As of"),
    "counted_days": _l("Actuals counted"), "elapsed": _l("Period elapsed"), "cluster": _l("Cluster"),
    "counted": _l("How it is counted"), "ceiling": _l("at most"),
    "source": _l("Figures are the platform's own records, counted as on the operator dashboard for the same "
                 "range of local days."),
}


def both(text) -> dict[str, str]:
    """A lazy string in each report language: {"zh_Hans_CN": ..., "en": ...}."""
    out = {}
    for locale in LOCALES:
        with force_locale(locale):
            out[locale] = str(text)
    return out


# where the dashboard KPI a metric is read from counts more than the metric shows
OWN_DEFINITIONS = {
    "voucher_subsidies_fen": _l("service-voucher subsidies drawn by the orders created in the range (ledger)"),
    "orders_accepted": _l("orders created in the range that were accepted (or got further)"),
    "orders_completed": _l("orders created in the range that were delivered"),
}


def definition(metric_key: str, lead_source: str | None = None):
    if metric_key in OWN_DEFINITIONS:
        return OWN_DEFINITIONS[metric_key]
    metric = BY_KEY[metric_key]
    key = metric.kpi + (":promised" if metric.kpi == "average_lead_time_days" and lead_source == "promised" else "")
    return KPI_DEFINITIONS[key]


def value_text(unit: str, value) -> str:
    """A target or an actual as the report prints it."""
    if value is None:
        return "—"
    if unit == "fen":
        return yuan(round(value))
    if unit == "ratio":
        return f"{value * 100:.1f} %"
    if unit == "days":
        return f"{value:.2f}"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def labels_of(data: dict) -> dict:
    """Everything the PDF and the workbook print, in both languages."""
    return {"headings": {k: both(v) for k, v in HEADINGS.items()},
            "status": {k: both(v) for k, v in STATUS.items()},
            "metrics": {row["metric"]: both(BY_KEY[row["metric"]].label) for row in data["rows"]},
            "definitions": {row["metric"]: both(definition(row["metric"], data.get("lead_source")))
                            for row in data["rows"]}}
