"""Voucher applications in the inbox: the cluster's operators hear of each application, the SME of a rejection
(an approval issues a voucher, which tells the SME itself)."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.accounts.models import Firm
from marketplace.events import VoucherApplicationChanged
from marketplace.extensions import db
from marketplace.i18n import yuan
from marketplace.notifications.handlers import _users_of, notify
from marketplace.outbox import subscribe
from marketplace.vouchers.models import VoucherApplication


@subscribe(VoucherApplicationChanged, name="notifications.voucher_application")
def voucher_application(event: VoucherApplicationChanged) -> None:
    application = db.session.get(VoucherApplication, event.application_id)
    if application is None:
        return
    programme = application.programme
    params = {"firm": application.firm.name, "programme": programme.name, "amount": yuan(application.requested_fen),
              "note": application.decision_note}
    source = f"voucher-application:{application.id}:{event.status}"
    if event.status == "applied":
        operators = db.session.scalars(select(Firm.id).where(Firm.cluster_id == programme.cluster_id,
                                                             Firm.is_operator.is_(True)))
        notify(_users_of(list(operators)), "voucher_applied", params, f"/vouchers/{programme.id}#applications",
               source)
    elif event.status == "rejected":
        notify(_users_of([application.firm_id]), "voucher_rejected", params, "/vouchers/mine", source)
