"""Voucher programmes: issue vouchers, and redeem them at checkout without ever overspending a budget.

The budget and the per-firm cap are drawn with conditional UPDATEs (`... SET spent = spent + x WHERE spent + x <=
budget`), which the database applies atomically per row: concurrent checkouts on PostgreSQL queue on the row lock and
re-check the condition; SQLite serialises writers. A draw that does not fit changes nothing and is refused.
"""

from __future__ import annotations

import secrets
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select, update

from marketplace.accounts.models import Firm
from marketplace.db_types import utcnow
from marketplace.errors import FieldError
from marketplace.events import VoucherIssued
from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.outbox import emit_notice
from marketplace.vouchers.models import Voucher, VoucherProgramme, VoucherRedemption


def create_programme(cluster_id: int, data: dict) -> VoucherProgramme:
    if data["kind"] == "percent" and not 0 < data.get("percent_bp", 0) <= 10_000:
        raise FieldError("percent_bp", _("A percentage voucher needs a percentage between 0 and 100."))
    if data["kind"] == "fixed" and data.get("value_fen", 0) <= 0:
        raise FieldError("value_fen", _("A fixed voucher needs a positive value."))
    if data["per_firm_cap_fen"] > data["budget_fen"]:
        raise FieldError("per_firm_cap_fen", _("The per-firm cap cannot exceed the budget."))
    if db.session.scalar(select(VoucherProgramme.id).where(VoucherProgramme.cluster_id == cluster_id,
                                                            VoucherProgramme.name == data["name"])):
        raise FieldError("name", _("'%(name)s' is already used; names must be unique.", name=data["name"]))
    programme = VoucherProgramme(cluster_id=cluster_id, **data)
    db.session.add(programme)
    db.session.flush()
    return programme


def check_size(programme: VoucherProgramme, firm: Firm, field: str) -> None:
    """A programme for small firms (max_employees) takes firms that stated a headcount within it."""
    if programme.max_employees is None:
        return
    if firm.employees is None:
        raise FieldError(field, _("This programme is for firms of at most %(max)d employees: state the firm's "
                                  "number of employees on its profile first.", max=programme.max_employees))
    if firm.employees > programme.max_employees:
        raise FieldError(field, _("This programme is for firms of at most %(max)d employees; %(firm)s has %(n)d.",
                                  max=programme.max_employees, firm=firm.name, n=firm.employees))


def issue(programme: VoucherProgramme, firm: Firm, cap_fen: int | None = None) -> Voucher:
    if firm.cluster_id != programme.cluster_id or not firm.is_buyer:
        raise FieldError("firm_id", _("Vouchers go to SME buyers of the programme's cluster."))
    check_size(programme, firm, "firm_id")
    cap = min(cap_fen or programme.per_firm_cap_fen, programme.per_firm_cap_fen)
    if db.session.scalar(select(Voucher.id).where(Voucher.programme_id == programme.id, Voucher.firm_id == firm.id)):
        raise FieldError("firm_id", _("This firm already holds a voucher of this programme."))
    voucher = Voucher(programme=programme, firm=firm, cap_fen=cap, code=f"SV-{secrets.token_hex(5).upper()}")
    db.session.add(voucher)
    db.session.flush()
    emit_notice(VoucherIssued(voucher_id=voucher.id), dedupe=f"voucher:{voucher.id}")
    return voucher


def subsidy_for(voucher: Voucher, order: Order, price_fen: int, today: date) -> int:
    """What the voucher would pay towards this order, before budget checks (0 when it does not apply)."""
    programme = voucher.programme
    if voucher.status != "issued" or not programme.active or voucher.firm_id != order.buyer_firm_id:
        return 0
    if not programme.valid_from <= today <= programme.valid_until:
        return 0
    processes = {s.process_code for s in order.steps}
    if programme.eligible_processes and not processes & set(programme.eligible_processes):
        return 0
    value = price_fen * programme.percent_bp // 10_000 if programme.kind == "percent" else programme.value_fen
    return max(0, min(value, price_fen, voucher.available_fen, programme.remaining_fen))


def redeem(code: str, order: Order, price_fen: int, today: date) -> VoucherRedemption:
    """Draw the subsidy from the voucher and its programme's budget for this order, in the caller's transaction."""
    voucher = db.session.scalar(select(Voucher).where(Voucher.code == code.strip().upper()))
    if voucher is None or voucher.firm_id != order.buyer_firm_id:
        raise FieldError("voucher_code", _("No such voucher for your firm."))
    existing = db.session.scalar(select(VoucherRedemption).where(VoucherRedemption.order_id == order.id))
    if existing is not None and existing.reversed_at is None:
        return existing  # a retried checkout: the subsidy was drawn once already
    amount = subsidy_for(voucher, order, price_fen, today)
    if amount <= 0:
        raise FieldError("voucher_code",
                         _("This voucher does not apply to this order (validity, processes or budget)."))
    drawn = db.session.execute(
        update(VoucherProgramme).where(VoucherProgramme.id == voucher.programme_id,
                                       VoucherProgramme.spent_fen + amount <= VoucherProgramme.budget_fen)
        .values(spent_fen=VoucherProgramme.spent_fen + amount).execution_options(synchronize_session=False))
    if drawn.rowcount != 1:
        raise FieldError("voucher_code", _("The programme's budget is used up."))
    capped = db.session.execute(
        update(Voucher).where(Voucher.id == voucher.id, Voucher.used_fen + amount <= Voucher.cap_fen)
        .values(used_fen=Voucher.used_fen + amount).execution_options(synchronize_session=False))
    if capped.rowcount != 1:
        raise FieldError("voucher_code", _("Your firm has used up this voucher."))
    if existing is not None:  # re-redeeming after a reversal
        existing.amount_fen, existing.reversed_at, existing.voucher_id = amount, None, voucher.id
        redemption = existing
    else:
        redemption = VoucherRedemption(voucher_id=voucher.id, order_id=order.id, amount_fen=amount)
        db.session.add(redemption)
    db.session.flush()
    db.session.expire(voucher)
    db.session.expire(voucher.programme)
    return redemption


def reverse(order: Order) -> int:
    """Give a cancelled or refunded order's subsidy back to the voucher and the budget. Returns the amount."""
    redemption = db.session.scalar(select(VoucherRedemption).where(VoucherRedemption.order_id == order.id,
                                                                   VoucherRedemption.reversed_at.is_(None)))
    if redemption is None:
        return 0
    amount = redemption.amount_fen
    voucher = redemption.voucher
    db.session.execute(update(VoucherProgramme).where(VoucherProgramme.id == voucher.programme_id)
                       .values(spent_fen=VoucherProgramme.spent_fen - amount)
                       .execution_options(synchronize_session=False))
    db.session.execute(update(Voucher).where(Voucher.id == voucher.id).values(used_fen=Voucher.used_fen - amount)
                       .execution_options(synchronize_session=False))
    redemption.reversed_at = utcnow()
    db.session.flush()
    return amount


def programme_report(programme: VoucherProgramme) -> dict:
    rows = db.session.execute(
        select(Voucher.firm_id, Firm.name, Voucher.cap_fen, Voucher.used_fen).join(Firm)
        .where(Voucher.programme_id == programme.id).order_by(Voucher.used_fen.desc())).all()
    redeemed = db.session.scalar(
        select(db.func.count(VoucherRedemption.id)).join(Voucher)
        .where(Voucher.programme_id == programme.id, VoucherRedemption.reversed_at.is_(None)))
    return {"programme_id": programme.id, "budget_fen": programme.budget_fen, "spent_fen": programme.spent_fen,
            "remaining_fen": programme.remaining_fen, "vouchers": len(rows), "redemptions": redeemed,
            "firms": [{"firm_id": r.firm_id, "firm": r.name, "cap_fen": r.cap_fen, "used_fen": r.used_fen}
                      for r in rows]}
