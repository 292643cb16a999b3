"""A firm's credit score from its platform history: pure (plain data in and out, no Flask, no database).

Six factors, 100 points in all; each says how it was reached as a code with parameters, which the app words:

  delivery      25  share of the orders it worked on that were delivered by their due date (3 deliveries or more)
  ratings       20  buyers' mean rating, 1..5 stars mapped to 0..20 (3 ratings or more)
  disputes      20  orders (worked on or placed) that went into dispute or were refunded: 20 % of them or more -> 0
  reliability   10  steps declined and own orders cancelled, per order: 25 % or more -> 0
  volume        15  orders delivered (as supplier or buyer), on a log scale reaching 15 at 50
  tenure        10  days on the platform, reaching 10 at two years

Without enough history a factor gives half its points and says so. Grade: A from 80, B from 65, C from 50, else D;
NR (not rated) and `thin` when the firm has fewer than 5 orders in all: the score then says more about the lack of
history than about the firm, and a new firm must not look like a high risk.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

MIN_DELIVERIES = MIN_RATINGS = 3
THIN_HISTORY = 5
GRADES = ((80, "A"), (65, "B"), (50, "C"), (0, "D"))


@dataclass
class Facts:
    firm_id: int
    tenure_days: int
    supplied: int = 0            # orders it worked on
    delivered: int = 0           # of those, delivered
    on_time: int = 0             # delivered by the due date
    ratings: int = 0
    rating_avg: float | None = None
    declines: int = 0            # order steps it declined
    disputed_supplied: int = 0   # orders it worked on that went into dispute
    refunded_supplied: int = 0   # orders it worked on with money refunded to the buyer
    paid_out_fen: int = 0        # settlements to it (not failed)
    placed: int = 0              # its own orders past the draft
    received: int = 0            # of those, delivered to it
    cancelled: int = 0           # of those, cancelled
    disputes_opened: int = 0     # of those, disputed
    spent_fen: int = 0           # captured from it, less refunds


def _factor(code: str, points: float, maximum: int, reason: str, **params) -> dict:
    return {"code": code, "points": round(max(0.0, min(points, maximum)), 1), "max": maximum, "reason": reason,
            "params": params}


def _delivery(f: Facts) -> dict:
    if f.delivered < MIN_DELIVERIES:
        return _factor("delivery", 12.5, 25, "too_few", delivered=f.delivered, needed=MIN_DELIVERIES)
    return _factor("delivery", 25 * f.on_time / f.delivered, 25, "on_time", on_time=f.on_time,
                   delivered=f.delivered)


def _ratings(f: Facts) -> dict:
    if f.ratings < MIN_RATINGS or f.rating_avg is None:
        return _factor("ratings", 10, 20, "too_few", ratings=f.ratings, needed=MIN_RATINGS)
    return _factor("ratings", 20 * (f.rating_avg - 1) / 4, 20, "average", average=f.rating_avg, ratings=f.ratings)


def _orders(f: Facts) -> int:
    return f.supplied + f.placed


def _disputes(f: Facts) -> dict:
    troubled = f.disputed_supplied + f.refunded_supplied + f.disputes_opened
    if not _orders(f):
        return _factor("disputes", 10, 20, "no_orders")
    return _factor("disputes", 20 * (1 - 5 * troubled / _orders(f)), 20, "share", troubled=troubled,
                   orders=_orders(f), disputed=f.disputed_supplied + f.disputes_opened, refunded=f.refunded_supplied)


def _reliability(f: Facts) -> dict:
    if not _orders(f):
        return _factor("reliability", 5, 10, "no_orders")
    dropped = f.declines + f.cancelled
    return _factor("reliability", 10 * (1 - 4 * dropped / _orders(f)), 10, "share", declines=f.declines,
                   cancelled=f.cancelled, orders=_orders(f))


def _volume(f: Facts) -> dict:
    done = f.delivered + f.received
    return _factor("volume", 15 * math.log1p(done) / math.log1p(50), 15, "delivered", delivered=done,
                   paid_out_fen=f.paid_out_fen, spent_fen=f.spent_fen)


def _tenure(f: Facts) -> dict:
    return _factor("tenure", 10 * f.tenure_days / 730, 10, "days", days=f.tenure_days)


FACTORS = (_delivery, _ratings, _disputes, _reliability, _volume, _tenure)


def grade_of(score: float) -> str:
    return next(letter for floor, letter in GRADES if score >= floor)


def score(f: Facts) -> dict:
    """{firm_id, score, grade, thin, factors[{code, points, max, reason, params}], facts}."""
    factors = [fn(f) for fn in FACTORS]
    total = round(sum(x["points"] for x in factors), 1)
    thin = _orders(f) < THIN_HISTORY
    return {"firm_id": f.firm_id, "score": total, "grade": "NR" if thin else grade_of(total), "thin": thin,
            "factors": factors, "facts": asdict(f)}
