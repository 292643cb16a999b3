"""The demo's voucher programme (set up before the history, which redeems its vouchers), its equipment leases and the
targets of the provincial programme the cluster reports to (half-way through its year: the mid-term review)."""

from __future__ import annotations

from datetime import timedelta

import httpx
from flask import current_app
from sqlalchemy import func, select

from capacity import lease_lifecycle
from capacity.lease_models import Lease
from capacity.leasing import lease, plans_for
from capacity.models import Equipment, Factory
from marketplace.extensions import db
from marketplace.outbox.runner import drain
from marketplace.reports import services as reports
from marketplace.reports.models import ReportPlan
from marketplace.vouchers import services as vouchers
from marketplace.vouchers.models import VoucherProgramme


def payments_server_up() -> bool:
    try:
        httpx.get(current_app.config["STRIPE_API_BASE"] + "/v1/customers",
                  auth=(current_app.config["STRIPE_API_KEY"], ""), timeout=1.0)
        return True
    except httpx.TransportError:
        return False


def seed_vouchers(context) -> None:
    if db.session.scalar(select(func.count(VoucherProgramme.id)).where(
            VoucherProgramme.cluster_id == context.cluster.id)):
        return
    programme = vouchers.create_programme(context.cluster.id, {
        "name": "2026 长安镇数字化服务券 Digital manufacturing vouchers", "budget_fen": 50_000_000,
        "per_firm_cap_fen": 2_000_000, "kind": "percent", "percent_bp": 3000,
        "eligible_processes": ["cnc_mill_3ax", "cnc_mill_5ax", "cnc_turn", "sls_print", "cmm_inspect"],
        "valid_from": context.today - timedelta(days=120), "valid_until": context.today + timedelta(days=240)})
    for firm in context.buyer_firms[:20]:
        vouchers.issue(programme, firm)
    context.voucher_programme = programme


def seed_leases(context) -> None:
    leases = select(func.count(Lease.id)).join(Equipment).where(Equipment.cluster_id == context.cluster.id)
    if db.session.scalar(leases):
        return
    items = db.session.scalars(select(Equipment).where(Equipment.cluster_id == context.cluster.id)
                               .order_by(Equipment.id)).all()
    lessees = [f for f in context.factory_firms if not f.is_lessor]
    for n, item in enumerate(items[:4]):
        lessee = lessees[n * 3 % len(lessees)]
        site = db.session.scalar(select(Factory).where(Factory.firm_id == lessee.id).limit(1))
        window = item.availability[0]
        start = max(window.start_date, context.today + timedelta(days=1))
        end = min(window.end_date, start + timedelta(days=max(item.min_days, 95 if n % 2 else 7) - 1))
        fitting = plans_for(item, start, end) if n % 2 else []
        plan = fitting[-1].months if fitting else None
        record = lease(item, lessee, start, end, site=site, instalment_months=plan, today=context.today)
        owner = item.owner
        if n == 0:
            continue  # one request waits for its lessor
        if n == 3:
            lease_lifecycle.decline(record, owner, context.today, "维护期间不出租 In maintenance that week")
            continue
        lease_lifecycle.approve(record, owner, context.today)  # paid through the payments API below
    db.session.commit()
    if payments_server_up():
        drain(handlers=("payments.lease_money",))


def seed_programme_plan(context) -> None:
    if db.session.scalar(select(func.count(ReportPlan.id)).where(ReportPlan.cluster_id == context.cluster.id)):
        return
    start = context.today - timedelta(days=182)
    name = "广东省共享制造示范平台（2026–2027 年度）"
    reports.create_plan(context.cluster, name, start, start + timedelta(days=364), {
                            "firms": 100, "factory_firms": 40, "buyer_firms": 60, "orders_accepted": 300,
                            "orders_completed": 200, "gmv_fen": 300_000_000, "voucher_subsidies_fen": 20_000_000,
                            "utilisation": 0.35, "on_time_rate": 0.9, "average_lead_time_days": 12}, None)
