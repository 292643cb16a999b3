"""Applying for a service voucher (申请) and the operator's review in batches: approving issues the vouchers in
one transaction, never committing more than the programme's budget; rejecting says why.

Each batch is one conditional UPDATE (`... WHERE id IN (...) AND status = 'applied'`): two operators deciding the
same applications at once decide each once; a batch that meets an already decided application changes nothing.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from marketplace.accounts.models import Firm
from marketplace.db_types import utcnow
from marketplace.errors import FieldError
from marketplace.events import VoucherApplicationChanged
from marketplace.extensions import db
from marketplace.i18n import yuan
from marketplace.outbox import emit_notice
from marketplace.vouchers import services
from marketplace.vouchers.models import Voucher, VoucherApplication, VoucherProgramme

PURPOSE_MAX = 500


def open_programmes(firm: Firm, today: date) -> list[VoucherProgramme]:
    """Programmes an SME may apply to now: active, not expired, of its cluster."""
    if not firm.is_buyer:
        return []
    return list(db.session.scalars(select(VoucherProgramme).where(
        VoucherProgramme.cluster_id == firm.cluster_id, VoucherProgramme.active.is_(True),
        VoucherProgramme.valid_until >= today).order_by(VoucherProgramme.valid_until, VoucherProgramme.id)))


def of_firm(firm: Firm) -> list[VoucherApplication]:
    return list(db.session.scalars(select(VoucherApplication).where(VoucherApplication.firm_id == firm.id)
                                   .order_by(VoucherApplication.id.desc())))


def of_programme(programme: VoucherProgramme) -> list[VoucherApplication]:
    return list(db.session.scalars(select(VoucherApplication).where(VoucherApplication.programme_id == programme.id)
                                   .order_by(VoucherApplication.status, VoucherApplication.id)))


def committed_fen(programme: VoucherProgramme) -> int:
    """What the issued vouchers may still draw plus what they drew: the caps of the programme's live vouchers."""
    return int(db.session.scalar(select(func.coalesce(func.sum(Voucher.cap_fen), 0)).where(
        Voucher.programme_id == programme.id, Voucher.status == "issued")) or 0)


def apply(programme: VoucherProgramme, firm: Firm, purpose: str, requested_fen: int, today: date):
    if not firm.is_buyer or firm.cluster_id != programme.cluster_id:
        raise FieldError("programme_id", _("Vouchers go to SME buyers of the programme's cluster."))
    if not programme.active or programme.valid_until < today:
        raise FieldError("programme_id", _("This programme no longer takes applications."))
    services.check_size(programme, firm, "programme_id")
    purpose = " ".join((purpose or "").split())
    if not purpose:
        raise FieldError("purpose", _("Say what the voucher is for (the parts or services you will order)."))
    if len(purpose) > PURPOSE_MAX:
        raise FieldError("purpose", _("At most %(n)d characters.", n=PURPOSE_MAX))
    if isinstance(requested_fen, bool) or not isinstance(requested_fen, int) or not (
            0 < requested_fen <= programme.per_firm_cap_fen):
        raise FieldError("requested_fen", _("Ask for up to the programme's cap of %(cap)s per firm.",
                                            cap=yuan(programme.per_firm_cap_fen)))
    if db.session.scalar(select(Voucher.id).where(Voucher.programme_id == programme.id, Voucher.firm_id == firm.id)):
        raise FieldError("programme_id", _("Your firm already holds a voucher of this programme."))
    if db.session.scalar(select(VoucherApplication.id).where(
            VoucherApplication.programme_id == programme.id, VoucherApplication.firm_id == firm.id,
            VoucherApplication.status == "applied")):
        raise FieldError("programme_id", _("Your firm's application to this programme is being reviewed."))
    application = VoucherApplication(programme=programme, firm=firm, purpose=purpose, requested_fen=requested_fen)
    db.session.add(application)
    db.session.flush()
    emit_notice(VoucherApplicationChanged(application_id=application.id, status="applied"),
                dedupe=f"voucher-application:{application.id}:applied")
    return application


def decide(programme: VoucherProgramme, application_ids: list[int], approve: bool, note: str, user) -> list:
    """Approve (issue each voucher) or reject (with `note`) these applications of `programme`, all or none."""
    ids = sorted(set(application_ids))
    note = " ".join((note or "").split())[:300]
    if not ids:
        raise FieldError("application_ids", _("Tick the applications to decide."))
    if not approve and not note:
        raise FieldError("note", _("Say why the applications are rejected; the firms see it."))
    # Take the programme's row lock first, so two batches never both see the same uncommitted budget.
    db.session.execute(update(VoucherProgramme).where(VoucherProgramme.id == programme.id)
                       .values(active=VoucherProgramme.active).execution_options(synchronize_session=False))
    chosen = list(db.session.scalars(select(VoucherApplication).where(
        VoucherApplication.id.in_(ids), VoucherApplication.programme_id == programme.id)))
    if approve:
        for application in chosen:  # a firm that grew past the programme's size since it applied
            services.check_size(programme, application.firm, "application_ids")
        wanted = sum(min(a.requested_fen, programme.per_firm_cap_fen) for a in chosen)
        free = programme.budget_fen - committed_fen(programme)
        if wanted > free:
            raise FieldError("application_ids", _(
                "Approving these would commit %(wanted)s, more than the %(free)s of the budget not yet committed "
                "to vouchers.", wanted=yuan(wanted), free=yuan(max(free, 0))))
    moved = db.session.execute(
        update(VoucherApplication).where(VoucherApplication.id.in_(ids),
                                         VoucherApplication.programme_id == programme.id,
                                         VoucherApplication.status == "applied")
        .values(status="approved" if approve else "rejected", decision_note=note, decided_by_id=user.id,
                decided_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if moved != len(ids):
        db.session.rollback()
        raise FieldError("application_ids", _("Some of these applications were decided already; reload the page."))
    for application in chosen:
        db.session.refresh(application)
        if approve:
            voucher = services.issue(programme, application.firm, min(application.requested_fen,
                                                                       programme.per_firm_cap_fen))
            application.voucher_id = voucher.id
        else:
            emit_notice(VoucherApplicationChanged(application_id=application.id, status="rejected"),
                        dedupe=f"voucher-application:{application.id}:rejected")
    db.session.flush()
    return chosen
