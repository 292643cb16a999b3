"""The metrics a programme target can be set on. Each names the dashboard KPI (`dashboard.kpis`) its actual value
is read from for the plan's period, so the report's figures are the dashboard's figures for the same range.

Stored targets are integers: counts as they are, money in fen, ratios in basis points (10000 = 100 %), days in
hundredths. The API takes and returns targets in the metric's own unit (count, fen, ratio 0..1, days).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable

from flask_babel import lazy_gettext as _l

SCALE = {"count": 1, "fen": 1, "ratio": 10000, "days": 100}


@dataclass(frozen=True)
class Metric:
    key: str
    label: object              # lazy translated label
    unit: str                  # count | fen | ratio | days
    at_most: bool              # the target is a ceiling (lead time), else a floor
    cumulative: bool           # grows through the period (orders, money): progress can be judged pro rata
    kpi: str                   # the dashboard KPI it is read from
    pick: Callable[[object], object]  # KPI value -> this metric's actual (None when not available)

    def stored(self, value) -> int:
        """A target in the metric's unit -> the stored integer."""
        return int((Decimal(str(value)) * SCALE[self.unit]).quantize(Decimal(1), ROUND_HALF_UP))

    def shown(self, stored: int):
        """The stored integer -> the metric's unit (int for counts and money, float for ratios and days)."""
        return stored if SCALE[self.unit] == 1 else stored / SCALE[self.unit]


def _key(name):
    return lambda value: None if value is None else value[name]


def _stage(name):
    return lambda value: None if value is None else value["stages"][name]


def _same(value):
    return value


METRICS = (
    Metric("firms", _l("Firms on the platform"), "count", False, False, "firms", _key("total")),
    Metric("factory_firms", _l("Factories on the platform"), "count", False, False, "firms", _key("factory")),
    Metric("buyer_firms", _l("SME buyers on the platform"), "count", False, False, "firms", _key("buyer")),
    Metric("orders_posted", _l("Orders posted"), "count", False, True, "order_funnel", _stage("posted")),
    Metric("orders_accepted", _l("Orders accepted"), "count", False, True, "order_funnel", _stage("accepted")),
    Metric("orders_completed", _l("Orders delivered"), "count", False, True, "order_funnel", _stage("completed")),
    Metric("gmv_fen", _l("GMV"), "fen", False, True, "gmv_fen", _same),
    Metric("voucher_subsidies_fen", _l("Service vouchers redeemed"), "fen", False, True, "money_flows",
           _key("subsidies_fen")),
    Metric("platform_fees_fen", _l("Platform fees"), "fen", False, True, "platform_fees_fen", _same),
    Metric("utilisation", _l("Utilisation of offered idle hours"), "ratio", False, False, "utilisation", _same),
    Metric("on_time_rate", _l("On-time delivery rate"), "ratio", False, False, "on_time_rate", _same),
    Metric("quote_to_order", _l("Quote-to-order conversion"), "ratio", False, False, "quote_to_order", _same),
    Metric("average_lead_time_days", _l("Average lead time"), "days", True, False, "average_lead_time_days",
           _same),
)
BY_KEY = {m.key: m for m in METRICS}

# the largest target a metric takes, in its own unit (a ratio cannot pass 100 %)
MAXIMUM = {"count": 10**7, "fen": 10**14, "ratio": 1, "days": 3650}
