"""A lease from request to return: who may move it where, and the event each move emits.

    requested --approve (lessor)--> approved --(payments: deposit + first rent)--> paid --hand over (lessor)-->
    active --return (either side)--> returned --inspect (lessor: deposit refunded, or part kept with a reason)-->
    closed.   requested --decline (lessor)--> declined.   approved --(charge declined)--> payment_failed --pay
    again (lessee)--> approved.   requested / approved / payment_failed / paid --cancel (lessee, before the
    start)--> cancelled (what was paid is refunded).

Every move is one conditional UPDATE (`... WHERE status = <from>`), so two presses, two tabs or a lessor and a
lessee acting at once move a lease once; the winner emits `LeaseChanged` in the same transaction, and the payments
and notifications features follow up after commit. Payments report back through `mark_paid` / `mark_unpaid`.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import update

from capacity.lease_models import Lease
from marketplace.db_types import utcnow
from marketplace.errors import FieldError
from marketplace.events import LeaseChanged
from marketplace.extensions import db
from marketplace.outbox import emit

CANCELLABLE = ("requested", "approved", "payment_failed", "paid")
NOTE_MAX = 2000


def is_lessor(record: Lease, firm) -> bool:
    return firm is not None and record.equipment.owner_firm_id == firm.id


def is_lessee(record: Lease, firm) -> bool:
    return firm is not None and record.lessee_firm_id == firm.id


def actions(record: Lease, firm, today: date) -> tuple[str, ...]:
    """What `firm` may do with the lease now: the one rule behind the buttons and the API's refusals (422)."""
    found = []
    if is_lessor(record, firm):
        found += {"requested": ["approve", "decline"], "paid": ["hand_over"], "active": ["return"],
                  "returned": ["inspect"]}.get(record.status, [])
    if is_lessee(record, firm):
        if record.status == "payment_failed":
            found.append("pay_again")
        if record.status == "active":
            found.append("return")
        if record.status in CANCELLABLE and record.start_date > today:
            found.append("cancel")
    return tuple(dict.fromkeys(found))


def _transition(record: Lease, sources: tuple[str, ...], to: str, *, per_attempt: bool = True, **values) -> bool:
    """The one conditional move: `sources` -> `to` (with `values`) unless the lease moved meanwhile; the winner emits
    LeaseChanged, deduplicated per status (and per payment attempt unless `per_attempt` is False)."""
    moved = db.session.execute(
        update(Lease).where(Lease.id == record.id, Lease.status.in_(sources))
        .values(status=to, **values).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(record)
    if moved:
        suffix = f":{record.payment_attempt}" if per_attempt else ""
        emit(LeaseChanged(lease_id=record.id, status=to, attempt=record.payment_attempt),
             dedupe=f"lease:{record.id}:{to}{suffix}")
    return bool(moved)


def _move(record: Lease, action: str, firm, today: date, to: str, **values) -> Lease:
    if action not in actions(record, firm, today):
        raise FieldError("status", _("A lease in status %(status)s cannot be changed this way.",
                                     status=status_name(record.status)))
    if not _transition(record, (record.status,), to, **values):
        db.session.rollback()
        raise FieldError("status", _("Someone else changed this lease a moment ago; reload the page."))
    return record


def _note(value: str | None, field: str, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise FieldError(field, _("Please write a few words."))
    if len(text) > NOTE_MAX:
        raise FieldError(field, _("At most %(n)d characters.", n=NOTE_MAX))
    return text


def approve(record: Lease, firm, today: date) -> Lease:
    return _move(record, "approve", firm, today, "approved", decided_at=utcnow())


def decline(record: Lease, firm, today: date, reason: str) -> Lease:
    return _move(record, "decline", firm, today, "declined", decided_at=utcnow(),
                 decision_note=_note(reason, "reason", required=True)[:300])


def pay_again(record: Lease, firm, today: date) -> Lease:
    return _move(record, "pay_again", firm, today, "approved", payment_attempt=record.payment_attempt + 1)


def cancel(record: Lease, firm, today: date) -> Lease:
    return _move(record, "cancel", firm, today, "cancelled")


def hand_over(record: Lease, firm, today: date, note: str) -> Lease:
    return _move(record, "hand_over", firm, today, "active", handed_over_at=utcnow(),
                 handover_note=_note(note, "note", required=True))


def give_back(record: Lease, firm, today: date, note: str) -> Lease:
    return _move(record, "return", firm, today, "returned", returned_at=utcnow(), return_note=_note(note, "note"))


def inspect(record: Lease, firm, today: date, kept_fen: int, reason: str) -> Lease:
    """Close a returned lease: the deposit is refunded, less `kept_fen` (with a reason the lessee sees)."""
    if isinstance(kept_fen, bool) or not isinstance(kept_fen, int) or not 0 <= kept_fen <= record.deposit_fen:
        raise FieldError("kept_fen", _("Keep between nothing and the whole deposit of %(amount)s fen.",
                                       amount=record.deposit_fen))
    reason = _note(reason, "reason", required=kept_fen > 0)[:300]
    return _move(record, "inspect", firm, today, "closed", closed_at=utcnow(), kept_fen=kept_fen, kept_reason=reason)


# -- what the payments feature reports back (no permission: the charge's outcome decides) ---------------------------
def mark_paid(record: Lease) -> bool:
    """The start charge succeeded: approved (or payment_failed, when a late success arrives) -> paid."""
    return _transition(record, ("approved", "payment_failed"), "paid", per_attempt=False)


def mark_unpaid(record: Lease) -> bool:
    """The start charge was declined: approved -> payment_failed (the lessee is told and may pay again)."""
    return _transition(record, ("approved",), "payment_failed")


def status_name(status: str) -> str:
    return {"requested": _("requested"), "approved": _("approved, awaiting payment"),
            "payment_failed": _("payment failed"), "paid": _("paid, awaiting handover"), "active": _("in use"),
            "returned": _("returned, awaiting inspection"), "closed": _("closed"), "declined": _("declined"),
            "cancelled": _("cancelled")}.get(status, status)
