"""The credit factors in the reader's language."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.i18n import yuan

FACTOR_NAMES = {
    "delivery": _l("On-time delivery"), "ratings": _l("Buyers' ratings"), "disputes": _l("Disputes and refunds"),
    "reliability": _l("Declines and cancellations"), "volume": _l("Trade volume"), "tenure": _l("Time on the platform"),
}
GRADE_NOTES = {"A": _l("very reliable"), "B": _l("reliable"), "C": _l("some concerns"), "D": _l("high risk"),
               "NR": _l("not rated: fewer than 5 orders")}


def explain(factor: dict) -> str:
    p, code, reason = factor["params"], factor["code"], factor["reason"]
    if reason == "too_few" and code == "delivery":
        return _("%(n)d deliveries as a supplier so far; %(needed)d are needed to judge: half the points.",
                 n=p["delivered"], needed=p["needed"])
    if reason == "too_few":
        return _("%(n)d ratings so far; %(needed)d are needed to judge: half the points.", n=p["ratings"],
                 needed=p["needed"])
    if reason == "no_orders":
        return _("No orders yet: half the points.")
    if code == "delivery":
        return _("%(on_time)d of %(delivered)d orders it worked on were delivered by their due date.", **p)
    if code == "ratings":
        return _("Average %(average).2f of 5 stars from %(ratings)d ratings.", **p)
    if code == "disputes":
        return _("%(disputed)d disputed and %(refunded)d refunded of %(orders)d orders (20 %% or more gives no "
                 "points).", disputed=p["disputed"], refunded=p["refunded"], orders=p["orders"])
    if code == "reliability":
        return _("%(declines)d steps declined and %(cancelled)d own orders cancelled, of %(orders)d orders (25 %% "
                 "or more gives no points).", **p)
    if code == "volume":
        return _("%(n)d orders delivered; settled to it %(paid)s, paid by it %(spent)s (full points at 50 orders).",
                 n=p["delivered"], paid=yuan(p["paid_out_fen"]), spent=yuan(p["spent_fen"]))
    return _("%(days)d days on the platform (full points at two years).", days=p["days"])
