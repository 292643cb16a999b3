"""The demo's money side: a voucher programme, leases, and orders in every state paid through the payments server.

Needs the payments server (localstripe, started by scripts/demo.sh); when it does not answer, this step says so and
leaves the money side empty rather than failing the demo.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx
from flask import current_app
from sqlalchemy import func, select

from capacity.lease_models import Lease
from capacity.leasing import lease
from capacity.models import Equipment, Factory, Machine
from marketplace.extensions import db
from marketplace.orders.checkout import cancel, pay
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import Booking, Order, OrderStep
from marketplace.orders.tracking import rate
from marketplace.outbox.runner import drain
from marketplace.payments import services as payments
from marketplace.payments.settlement import payout_order
from marketplace.vouchers import services as vouchers
from marketplace.vouchers.models import VoucherProgramme

# target state -> how many demo orders end there
STATES = {"quoted": 1, "accepted": 2, "paid": 1, "in_production": 2, "shipped": 1, "delivered": 1, "completed": 6,
          "cancelled": 1, "refunded": 1, "disputed": 1}
_PRODUCTION = ["planned", "in_production"]
WALKS = {"paid": [], "in_production": _PRODUCTION, "shipped": [*_PRODUCTION, "shipped"],
         "delivered": [*_PRODUCTION, "shipped", "delivered"],
         "completed": [*_PRODUCTION, "shipped", "delivered", "completed"],
         "disputed": [*_PRODUCTION, "shipped", "disputed"]}


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
        "valid_from": context.today.replace(month=1, day=1), "valid_until": context.today.replace(month=12, day=31)})
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
        plan = item.instalment_plans[-1].months if item.instalment_plans and n % 2 else None
        lease(item, lessee, start, start + timedelta(days=max(item.min_days, 7) - 1), site=site,
              instalment_months=plan, today=context.today)


# the money handlers only: the planning run the paid orders ask for runs when the app serves (in the background)
MONEY_HANDLERS = ("payments.charge", "payments.release")


def seed_order_history(context) -> None:
    if getattr(context, "money_seeded", False) or db.session.scalar(
            select(func.count(Order.id)).where(Order.cluster_id == context.cluster.id, Order.reference.like("HIS-%"))):
        return
    if not payments_server_up():
        context.notes.append("payments server not reachable: no paid orders in the demo (scripts/demo.sh starts it)")
        return
    tz = ZoneInfo(context.cluster.timezone)
    rng = context.rng
    mills = db.session.scalars(select(Machine).join(Factory).where(Factory.cluster_id == context.cluster.id,
                                                                   Machine.process_code == "cnc_mill_3ax")).all()
    anodisers = db.session.scalars(select(Machine).join(Factory).where(Factory.cluster_id == context.cluster.id,
                                                                       Machine.process_code == "anodise")).all()
    voucher_codes = {v.firm_id: v.code for p in db.session.scalars(select(VoucherProgramme)) for v in p.vouchers}
    n = 0
    for target, count in STATES.items():
        for _ in range(count):
            n += 1
            buyer = context.buyer_firms[n % len(context.buyer_firms)]
            days_ago = rng.randint(12, 60) if target in ("completed", "delivered", "disputed", "refunded") else 3
            start = datetime.combine(context.today - timedelta(days=days_ago), time(8), tzinfo=tz)
            order = Order(reference=f"HIS-{n:04d}", cluster_id=context.cluster.id, buyer=buyer,
                          title="铝合金面板 Aluminium panel", status="quoted", material_code="al6061",
                          quantity=rng.randint(20, 120), release_date=start.date(),
                          due_date=(start + timedelta(days=10)).date(), total_fen=rng.randint(300, 3000) * 100,
                          delivery_latitude=22.81, delivery_longitude=113.80,
                          promised_at=(start + timedelta(days=10)).astimezone(UTC))
            mill, anodise = mills[n % len(mills)], anodisers[n % len(anodisers)]
            for sequence, (machine, hours) in enumerate(((mill, 6), (anodise, 2)), start=1):
                step = OrderStep(sequence=sequence, process_code=machine.process_code, run_minutes_per_unit=3)
                order.steps.append(step)
                begin = start + timedelta(hours=8 * (sequence - 1))
                db.session.add(Booking(machine=machine, step=step, starts_at=begin,
                                       ends_at=begin + timedelta(hours=hours), status="accepted",
                                       cost_fen=machine.hourly_rate_fen * hours))
            db.session.add(order)
            db.session.flush()
            if target == "quoted":
                db.session.commit()
                continue
            transition(order, "accepted", None, "demo history")
            db.session.commit()
            if target == "accepted":
                continue
            code = voucher_codes.get(buyer.id) if n % 2 else None
            try:
                pay(order, None, code, context.today)
            except Exception:  # the voucher does not apply: pay in full
                db.session.rollback()
                pay(order, None, None, context.today)
            drain(handlers=MONEY_HANDLERS)
            db.session.refresh(order)
            if target == "cancelled":
                cancel(order, None, "buyer changed the design")
                drain(handlers=MONEY_HANDLERS)
                continue
            if target == "refunded":
                payment = payments.capture_order(order)
                payments.refund_order(order, payment.captured_fen - payment.refunded_fen, "supplier could not start")
                db.session.commit()
                continue
            for status in WALKS[target]:
                if status == "in_production":
                    for step in order.steps:
                        step.status, step.started_at = "started", start
                if status == "shipped":
                    for step in order.steps:
                        step.status, step.finished_at = "done", start + timedelta(hours=10)
                if status == "completed":  # the buyer confirmed delivery: capture, pay the factories out
                    payments.capture_order(order)
                    payout_order(order)
                transition(order, status, None, "demo history")
                if status == "delivered":
                    order.delivered_at = start + timedelta(days=rng.choice([6, 8, 9, 11]))
                db.session.commit()
            if order.status == "completed":
                for firm in {mill.factory.firm, anodise.factory.firm}:
                    rate(order, None, firm.id, rng.choice([4, 5, 5, 3]), rng.choice(
                        ["准时交货，质量稳定", "Good finish, on time", "沟通顺畅", "Slightly late but fine"]))
                db.session.commit()
    context.money_seeded = True
