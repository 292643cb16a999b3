"""How each kind of notification reads: a title and a line, with the notification's parameters (the order's
reference and title, who wrote, ...). Worded in the reader's language when shown or e-mailed."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from marketplace.i18n import local_datetime
from marketplace.wording import process_name

KINDS = {
    "order_paid": (_l("Payment received for %(ref)s"),
                   _l("The payment for “%(title)s” is in; the order is being planned across the cluster's factories.")),
    "order_planned": (_l("%(ref)s is planned"),
                      _l("“%(title)s” has its factories and dates. Follow every step on the order page.")),
    "work_assigned": (_l("New work for you: %(ref)s"),
                      _l("A step of “%(title)s” is booked on your machines. Open the order to see the files, "
                         "the dates and what you are paid.")),
    "production_started": (_l("Production of %(ref)s has started"), _l("The first step of “%(title)s” started.")),
    "order_shipped": (_l("%(ref)s is on its way"),
                      _l("“%(title)s” has been shipped. Confirm delivery when the parts arrive.")),
    "rating_asked": (_l("%(ref)s delivered: rate your suppliers"),
                     _l("You confirmed delivery of “%(title)s”. Tell the cluster how the factories did.")),
    "order_delivered": (_l("%(ref)s delivered"),
                        _l("The buyer confirmed delivery of “%(title)s”; your payout is being made.")),
    "order_completed": (_l("%(ref)s completed"), _l("“%(title)s” is completed and paid out.")),
    "order_cancelled": (_l("%(ref)s was cancelled"), _l("“%(title)s” was cancelled before production.")),
    "order_refunded": (_l("%(ref)s was refunded"), _l("The payment for “%(title)s” was refunded.")),
    "order_disputed": (_l("%(ref)s is disputed"),
                       _l("The buyer's bank disputes the payment for “%(title)s”; payouts wait until it is closed.")),
    "message": (_l("New message on %(ref)s"), _l("%(author)s (%(firm)s): %(excerpt)s")),
    "step_done": (_l("%(ref)s: %(process)s done"),
                  _l("%(done)d of %(steps)d steps of “%(title)s” are finished.")),
    "voucher_issued": (_l("Service voucher %(ref)s for you"),
                       _l("%(programme)s: up to %(amount)s towards your orders. Enter the code when you pay.")),
    "bid_requested": (_l("Bids wanted: %(ref)s"),
                      _l("A buyer asks the cluster's factories to bid on “%(title)s” until %(deadline)s. Open it to "
                         "see the part and its files.")),
    "bid_received": (_l("New bid on %(ref)s"), _l("%(firm)s bids %(price)s. Compare the bids and award one.")),
    "bid_question": (_l("A question on %(ref)s"), _l("A factory asks: %(excerpt)s. Answer it on the request.")),
    "bid_answer": (_l("The buyer answered a question on %(ref)s"), _l("Question: %(excerpt)s")),
    "bid_won": (_l("You won %(ref)s"), _l("Your bid was awarded: order %(order)s. The buyer pays next.")),
    "bid_lost": (_l("%(ref)s was awarded to another factory"), _l("Thank you for bidding on “%(title)s”.")),
    "counter_offer": (_l("Counter-offer on %(ref)s"),
                      _l("%(firm)s can do %(process)s of “%(title)s” from %(start)s instead. Accept or reject it on "
                         "the order page.")),
    "counter_offer_accepted": (_l("Counter-offer accepted: %(ref)s"),
                               _l("The buyer accepted your start of %(process)s at %(start)s; it is committed.")),
    "counter_offer_rejected": (_l("Counter-offer rejected: %(ref)s"),
                               _l("The buyer keeps the date; %(process)s of “%(title)s” goes to other capacity.")),
    "lease_requested": (_l("Lease request %(ref)s"),
                        _l("%(lessee)s asks to lease %(equipment)s from %(start)s to %(end)s. Approve or decline it.")),
    "lease_approved": (_l("Lease %(ref)s approved"),
                       _l("The lessor approved %(equipment)s for %(start)s – %(end)s; the deposit %(deposit)s and "
                          "the first rent are being charged.")),
    "lease_declined": (_l("Lease %(ref)s declined"), _l("The lessor declined %(equipment)s: %(reason)s")),
    "lease_payment_failed": (_l("Payment for lease %(ref)s failed"),
                             _l("The deposit and first rent for %(equipment)s could not be charged. Pay again on "
                                "the lease page.")),
    "lease_paid": (_l("Lease %(ref)s paid"),
                   _l("%(lessee)s paid the deposit and first rent for %(equipment)s. Hand it over on %(start)s.")),
    "lease_cancelled": (_l("Lease %(ref)s cancelled"),
                        _l("%(lessee)s cancelled the lease of %(equipment)s; what was paid is refunded.")),
    "lease_handed_over": (_l("%(equipment)s handed over"),
                          _l("Lease %(ref)s is in use until %(end)s. The handover notes are on the lease page.")),
    "lease_returned": (_l("%(equipment)s returned"),
                       _l("%(lessee)s returned %(equipment)s (lease %(ref)s). Inspect it and settle the deposit.")),
    "lease_closed": (_l("Lease %(ref)s closed"),
                     _l("Deposit %(deposit)s: %(back)s refunded to you, %(kept)s kept by the lessor. %(reason)s")),
    "voucher_applied": (_l("Voucher application from %(firm)s"),
                        _l("%(firm)s asks %(programme)s for %(amount)s. Review it with the programme's other "
                           "applications.")),
    "voucher_rejected": (_l("Voucher application not approved"),
                         _l("%(programme)s did not approve your application for %(amount)s: %(note)s")),
    "instalment_due": (_l("Instalment %(number)d of lease %(ref)s due on %(due)s"),
                       _l("%(amount)s for %(equipment)s is charged on %(due)s.")),
    "instalment_overdue": (_l("Instalment %(number)d of lease %(ref)s is overdue"),
                           _l("%(amount)s for %(equipment)s, due on %(due)s, could not be charged. It is tried "
                              "again every day.")),
}
# what the preferences page calls each kind a user can switch off by e-mail, in its order
LABELS = {
    "order_paid": _l("My order's payment is received"), "order_planned": _l("My order is planned"),
    "work_assigned": _l("Work is assigned to my factory"), "production_started": _l("Production starts"),
    "order_shipped": _l("My order is shipped"), "rating_asked": _l("Delivered: rate the suppliers"),
    "order_delivered": _l("The buyer confirms delivery"), "order_completed": _l("An order is completed and paid out"),
    "order_cancelled": _l("An order is cancelled"), "order_refunded": _l("My order is refunded"),
    "order_disputed": _l("A payment is disputed"), "message": _l("A new message in an order's thread"),
    "bid_requested": _l("Bids are wanted on a part my factory can make"), "bid_received": _l("A bid on my request"),
    "bid_won": _l("My bid is awarded"), "bid_lost": _l("My bid is not chosen"),
    "bid_question": _l("A factory asks about my request"), "bid_answer": _l("The buyer answers a question"),
    "counter_offer": _l("A factory proposes a later start"),
    "counter_offer_accepted": _l("The buyer accepts my counter-offer"),
    "counter_offer_rejected": _l("The buyer rejects my counter-offer"),
    "lease_requested": _l("A firm asks to lease my equipment"), "lease_approved": _l("My lease is approved"),
    "lease_declined": _l("My lease is declined"), "lease_payment_failed": _l("A lease payment fails"),
    "lease_paid": _l("A lease of my equipment is paid"), "lease_cancelled": _l("A lease of my equipment is cancelled"),
    "lease_handed_over": _l("Leased equipment is handed over to me"),
    "lease_returned": _l("Leased equipment is returned"), "lease_closed": _l("My lease is closed"),
    "voucher_applied": _l("An SME applies for a voucher"), "voucher_rejected": _l("My voucher application is rejected"),
    "instalment_due": _l("An instalment is due soon"), "instalment_overdue": _l("An instalment is overdue"),
    "step_done": _l("A step of my order is finished"), "voucher_issued": _l("A service voucher is issued to my firm"),
}
PREFERENCE_KINDS = tuple(LABELS)
LESSEE_KINDS = ("lease_approved", "lease_declined", "lease_payment_failed", "lease_handed_over", "lease_closed",
                "instalment_due", "instalment_overdue")
LESSOR_KINDS = ("lease_requested", "lease_paid", "lease_cancelled", "lease_returned", "instalment_overdue")
# which kinds reach which kind of firm (a firm of several kinds gets the union): the preferences page lists these
KINDS_FOR = {
    "buyer": ("order_paid", "order_planned", "production_started", "step_done", "order_shipped", "rating_asked",
              "order_cancelled", "order_refunded", "message", "bid_received", "bid_question", "voucher_issued",
              "counter_offer", "voucher_rejected") + LESSEE_KINDS,
    "factory": ("work_assigned", "order_delivered", "order_completed", "order_cancelled", "order_disputed", "message",
                "bid_requested", "bid_answer", "bid_won", "bid_lost", "counter_offer_accepted",
                "counter_offer_rejected") + LESSEE_KINDS + LESSOR_KINDS,
    "lessor": ("message",) + LESSOR_KINDS,
    "operator": ("message", "voucher_applied"),
}


def kinds_for(firm) -> tuple[str, ...]:
    wanted = {kind for role in firm.kinds for kind in KINDS_FOR.get(role, ())}
    return tuple(kind for kind in PREFERENCE_KINDS if kind in wanted)


def _worded(params: dict) -> dict:
    """Codes among the parameters in the reader's language (a process by its name, never cnc_mill_3ax)."""
    worded = dict(params)
    if "process" in params:
        worded["process"] = process_name(params["process"])
    if "start" in params:  # stored as an ISO moment; read in the reader's zone
        worded["start"] = local_datetime(datetime.fromisoformat(params["start"]))
    return worded


def title(kind: str, params: dict) -> str:
    return str(KINDS[kind][0] % _worded(params)) if kind in KINDS else kind


def line(kind: str, params: dict) -> str:
    return str(KINDS[kind][1] % _worded(params)) if kind in KINDS else ""
