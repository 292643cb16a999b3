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
from marketplace.orders.models import Booking, Order, OrderStep, Rating
from marketplace.orders.tracking import rate
from marketplace.outbox.runner import drain
from marketplace.payments import services as payments
from marketplace.payments.models import Payment, Payout
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
                          title=rng.choice(TITLES), status="quoted", material_code="al6061", created_at=start,
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
            first, second = sorted(order.steps, key=lambda s: s.sequence)
            for status in WALKS[target]:
                if status == "in_production":  # milling starts the morning after payment
                    first.status, first.started_at = "started", start + timedelta(days=1)
                if status == "shipped":  # milling took 6 h, anodising started 2 h later and took 2 h
                    first.status, first.finished_at = "done", start + timedelta(days=1, hours=6)
                    second.status, second.started_at = "done", start + timedelta(days=1, hours=8)
                    second.finished_at = start + timedelta(days=1, hours=10)
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
                        ["准时交货，质量稳定", "表面处理很好，按时交付", "沟通顺畅", "稍有延迟，总体满意"]))
                db.session.commit()
            _backdate(order, start)
            db.session.commit()
    context.money_seeded = True


TITLES = ("铝合金面板", "无人机电机座", "散热器外壳", "不锈钢支架", "模具镶件", "传感器底座")
# When each step of an order's history happened, counted from the morning it was placed (hours).
EVENT_HOURS = {"accepted": 0.2, "paid": 1, "planned": 2, "cancelled": 5, "refunded": 6, "in_production": 24,
               "shipped": 36, "disputed": 24 * 6}


def _backdate(order: Order, start: datetime) -> None:
    """The services stamp what they write with the moment the demo is loaded; move an order's history to when it
    happened: its events, payment, refunds, payouts and ratings (delivery and completion at delivered_at)."""
    delivered = order.delivered_at
    for event in order.events:
        if event.to_status in ("delivered", "completed") and delivered:
            event.created_at = delivered + (timedelta(hours=1) if event.to_status == "completed" else timedelta())
        else:
            event.created_at = start + timedelta(hours=EVENT_HOURS.get(event.to_status, 0))
    paid_at = start + timedelta(hours=EVENT_HOURS["paid"])
    for payment in db.session.scalars(select(Payment).where(Payment.order_id == order.id)):
        payment.created_at = paid_at
        for refund in payment.refunds:
            refund.created_at = start + timedelta(hours=EVENT_HOURS["refunded"])
    later = (delivered or start) + timedelta(hours=1)
    for payout in db.session.scalars(select(Payout).where(Payout.order_id == order.id)):
        payout.created_at = later
    for rating in db.session.scalars(select(Rating).where(Rating.order_id == order.id)):
        rating.created_at = later
