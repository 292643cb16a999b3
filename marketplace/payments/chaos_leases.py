"""The kill harness's leases (see marketplace/payments/chaos.py): each lessee requests an item, its lessor approves,
and then either the whole lease runs (handover, return, inspection keeping part of the deposit) or the lessee
cancels after paying. The checks: every lease ends as its script says, each charge and refund reached the provider
once, the books hold no deposit of a finished lease, and lease_charges agree with the provider."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import select

from capacity.lease_models import Lease
from capacity.models import Equipment, EquipmentAvailability, Factory
from marketplace.accounts.models import ApiToken, Firm, User
from marketplace.extensions import db
from marketplace.payments import ledger
from marketplace.payments.client import received_fen
from marketplace.payments.lease_models import LeaseCharge, LeaseRefund

SCRIPTS = ("lease_close", "lease_cancel")
DEPOSIT, KEPT = 300_000, 12_345


def _token(firm: Firm, email: str) -> str:
    user = User(firm=firm, email=email, name="Chaos", role="owner")
    user.set_password("chaos-pass-2026")
    token, secret = ApiToken.issue(user, "chaos")
    db.session.add_all([user, token])
    return secret


def build_leases(cluster, count: int) -> list[dict]:
    """One lessor with `count` items, each wanted by its own lessee factory (inside build_world's transaction)."""
    lessor = Firm(cluster=cluster, name="Chaos Leasing", is_lessor=True)
    db.session.add(lessor)
    lessor_token = _token(lessor, "lessor@chaos.test")
    out = []
    for n in range(count):
        item = Equipment(owner=lessor, cluster_id=cluster.id, name=f"Mill {n}", process_code="cnc_mill_3ax",
                         delivered_to_lessee=True, envelope_x_mm=600, envelope_y_mm=400, envelope_z_mm=400,
                         best_tolerance_mm=0.01, daily_rate_fen=20_000 + n, deposit_fen=DEPOSIT, min_days=1)
        lessee = Firm(cluster=cluster, name=f"Lessee {n}", is_factory=True)
        site = Factory(firm=lessee, cluster_id=cluster.id, name=f"Lessee plant {n}", latitude=22.8, longitude=113.8)
        db.session.add_all([item, lessee, site, EquipmentAvailability(
            equipment=item, start_date=date.today(), end_date=date.today() + timedelta(days=60))])
        db.session.flush()
        out.append({"item": item.id, "site": site.id, "lessor": lessor_token,
                    "lessee": _token(lessee, f"lessee{n}@chaos.test")})
    return out


def run_lease_script(kind: str, job: dict, request, wait, stop: threading.Event, log: Counter) -> None:
    """`request(method, path, token, **kw)` retries until the app answers; `wait(path, token, wanted)` polls."""
    start = date.today() + timedelta(days=3)
    made = None
    while made is None and not stop.is_set():  # a request whose answer was lost may have been stored: look first
        mine = request("GET", "/api/v1/leases", job["lessee"]).json().get("items", [])
        made = next((m for m in mine if m["status"] != "cancelled"), None)
        if made is None:
            request("POST", "/api/v1/leases", job["lessee"], json={
                "equipment_id": job["item"], "start_date": start.isoformat(),
                "end_date": (start + timedelta(days=4)).isoformat(), "site_factory_id": job["site"]})
    lease = f"/api/v1/leases/{made['id']}"
    request("POST", f"{lease}/approve", job["lessor"])
    if wait(lease, job["lessee"], {"paid"}) != "paid":
        log["lease_not_paid"] += 1
        return
    if kind == "lease_cancel":
        request("POST", f"{lease}/cancel", job["lessee"])
        return
    request("POST", f"{lease}/hand-over", job["lessor"], json={"note": "chaos handover"})
    request("POST", f"{lease}/return", job["lessee"], json={"note": ""})
    request("POST", f"{lease}/inspect", job["lessor"], json={"kept_fen": KEPT, "reason": "scratched"})


def _refunded(lease_id: int) -> int:
    return sum(r.amount_fen for r in db.session.scalars(select(LeaseRefund).where(
        LeaseRefund.lease_id == lease_id, LeaseRefund.status == "succeeded")))


def expected(kind: str, lease: Lease | None) -> bool:
    if lease is None:
        return False
    charged = sum(c.amount_fen for c in db.session.scalars(select(LeaseCharge).where(
        LeaseCharge.lease_id == lease.id, LeaseCharge.status == "succeeded")))
    if kind == "lease_cancel":
        return lease.status == "cancelled" and _refunded(lease.id) == charged
    return lease.status == "closed" and _refunded(lease.id) == DEPOSIT - KEPT and lease.kept_fen == KEPT


def leases_by_script(plan: dict[int, str]) -> dict[str, Lease | None]:
    """The lease each lessee ended with, keyed by its item (one lessee per item)."""
    found = {}
    for item_id in plan:
        found[item_id] = db.session.scalar(select(Lease).where(Lease.equipment_id == item_id)
                                           .order_by(Lease.id.desc()).limit(1))
    return found


def damage(plan: dict[int, str], state: dict) -> dict:
    """Leases' damage counters against the provider's intents and refunds."""
    leases = leases_by_script(plan)
    lease_intents = [i for i in state["intents"] if (i.get("metadata") or {}).get("lease")]
    live = Counter(":".join((i["metadata"].get("charge_key") or "").split(":")[:4]) for i in lease_intents
                   if i.get("status") == "succeeded")  # lease:<id>:charge:<n>, whatever the attempt
    charges = {c.intent_id: c for c in db.session.scalars(
        select(LeaseCharge).where(LeaseCharge.intent_id.is_not(None)))}
    inconsistent, double_refunds = 0, 0
    for intent in lease_intents:
        refunds = state["refunds"][intent["id"]]
        refunded = sum(int(r["amount"]) for r in refunds if r.get("status") == "succeeded")
        received = received_fen(intent) if intent.get("status") == "succeeded" else 0
        keys = Counter((r.get("metadata") or {}).get("refund_key") for r in refunds)
        if refunded > received or any(n > 1 for k, n in keys.items() if k):
            double_refunds += 1
        charge = charges.get(intent["id"])
        if received and (charge is None or charge.status != "succeeded" or charge.refunded_fen != refunded):
            inconsistent += 1
    if ledger.balance("deposits_held") != 0 and all(
            lease is not None and lease.status in ("closed", "cancelled") for lease in leases.values()):
        inconsistent += 1
    return {"lease_inconsistent": inconsistent, "lease_double_charges": sum(1 for n in live.values() if n > 1),
            "lease_double_refunds": double_refunds,
            "stuck_leases": sum(1 for item_id, kind in plan.items() if not expected(kind, leases[item_id])),
            "leases": len(plan)}
