"""Lead-time tier pricing: pure function of the base price, the earliest completion per tier
(from the matching layer) and how scarce the capacity is in that window. No clock reads:
the caller passes ``now``."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from .errors import InputError
from .param_files import default_params
from .params import Params
from .results import to_fen
from .specs import LEAD_TIME_TIERS


@dataclass(frozen=True)
class TierInput:
    tier: str                     # expedite, standard or economy
    earliest_completion: datetime | int   # a datetime, or minutes from ``now``
    scarcity: float               # 0..1: share of the relevant idle capacity already booked in the window

    def __post_init__(self) -> None:
        if self.tier not in LEAD_TIME_TIERS:
            raise InputError(f"tier {self.tier!r} unknown; use one of {', '.join(LEAD_TIME_TIERS)}")
        if not (isinstance(self.scarcity, (int, float)) and math.isfinite(self.scarcity)
                and 0.0 <= self.scarcity <= 1.0):
            raise InputError(f"scarcity must be a fraction from 0 to 1, got {self.scarcity!r}")
        if isinstance(self.earliest_completion, int) and self.earliest_completion < 0:
            raise InputError("earliest_completion in minutes must be >= 0")


@dataclass(frozen=True)
class TierQuote:
    tier: str
    price_fen: int           # total for the lot in this tier
    adjustment_fen: int      # surcharge (>0) or discount (<0) against the base total
    rate: float              # adjustment as a fraction of the base
    ship_by: datetime        # promised ship date-time
    scarcity: float
    meets_due: bool | None = None   # ship_by <= due, when a due date-time was given


def tier_rate(tier: str, scarcity: float, params: Params) -> float:
    """Surcharge (+) / discount (-) fraction; non-decreasing in scarcity for every tier."""
    p = params.tiers[tier]
    if tier == "expedite":
        return float(p["base_surcharge"]) + float(p["scarcity_surcharge"]) * scarcity ** 2
    if tier == "standard":
        thr = float(p["scarcity_threshold"])
        over = max(0.0, scarcity - thr) / (1 - thr) if thr < 1 else 0.0
        return float(p["base_surcharge"]) + float(p["scarcity_surcharge"]) * over
    slack_thr = float(p["slack_threshold"])
    slack = max(0.0, slack_thr - scarcity) / slack_thr if slack_thr > 0 else 0.0
    return -float(p["max_discount"]) * slack


def price_tiers(base_total_fen: int, tiers: tuple[TierInput, ...] | list[TierInput], now: datetime,
                params: Params | None = None, due: datetime | None = None) -> tuple[TierQuote, ...]:
    """Price each tier and promise a ship date = earliest completion + handling buffer + promise slack.

    ``base_total_fen`` is the standard quote total for the lot (``QuantityQuote.total_fen``);
    ``due`` (optional) marks which tiers meet the buyer's date."""
    params = params or default_params()
    if not isinstance(base_total_fen, int) or base_total_fen < 0:
        raise InputError("base_total_fen must be a non-negative integer (fen)")
    out = []
    for t in tiers:
        done = (now + timedelta(minutes=t.earliest_completion) if isinstance(t.earliest_completion, int)
                else t.earliest_completion)
        if done < now:
            raise InputError(f"{t.tier}: earliest completion {done.isoformat()} is before now {now.isoformat()}")
        rate = tier_rate(t.tier, t.scarcity, params)
        adj = to_fen(Decimal(base_total_fen) * Decimal(repr(rate)))
        p = params.tiers[t.tier]
        ship = done + timedelta(minutes=float(p["ship_buffer_min"]) + float(p["promise_slack_min"]))
        out.append(TierQuote(t.tier, base_total_fen + adj, adj, round(rate, 6), ship, t.scarcity,
                             None if due is None else ship <= due))
    return tuple(out)
