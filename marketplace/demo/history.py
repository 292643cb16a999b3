"""The demo cluster's past 90 days, replayed through the real services with the app's clock set to the moment each
thing happened (``db_types.clock_at``).

Buyers ask for instant quotes (live capacity at that moment) and order from most of them; they pay — with their
service voucher where they hold one — through the payments server; each morning the plan of the paid orders is
confirmed and the factories accept their bookings; factories start and finish their steps and the last one ships;
buyers confirm delivery, which captures the payment and pays the factories (the outbox handlers run, at that
moment), and rate their suppliers. A few orders are never paid, cancelled, or refunded. Every timestamp, state and
figure is what the services wrote: nothing is edited afterwards.

A discrete-event loop: a heap of (moment, action); an action may schedule the next ones (a step's finish once it
has started). Actions that would happen after now are not run, so recent orders are naturally in production.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.db_types import clock_at, utcnow
from marketplace.demo.capacity import TOWN_BOX
from marketplace.demo.money import payments_server_up
from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.orders import checkout, tracking
from marketplace.orders.models import Booking, Order, OrderStep
from marketplace.outbox.runner import drain
from marketplace.payments import services as payments
from marketplace.planning import services as planning
from marketplace.planning.adapter import current_plan, load_problem, store_plan
from marketplace.quotes.api import upload_dir as quote_upload_dir
from marketplace.quotes.services import issue_quote

DAYS = 90
ORDERS = 28
# (title, material, quantity range, box mm, volume as a share of the box, finish, heat treatment)
PARTS = (  # quantities a shared factory runs in a shift or two
    ("铝合金面板", "al6061", (10, 40), (200, 120, 8), 0.8, "anodised", False),
    ("散热器外壳", "al6061", (10, 50), (150, 100, 40), 0.35, "anodised", False),
    ("电机端盖", "al7075", (20, 80), (90, 90, 35), 0.6, "none", False),
    ("传动轴", "steel1045", (10, 40), (280, 40, 40), 0.7, "none", True),
    ("不锈钢支架", "ss304", (4, 12), (120, 80, 30), 0.5, "none", False),
    ("无人机电机座", "al6061", (20, 80), (60, 60, 25), 0.45, "anodised", False),
    ("模具镶件", "steel1045", (2, 6), (80, 60, 40), 0.85, "none", True),
)
# what becomes of an order, by weight: most run their course; some are only quoted, never paid, cancelled, refunded
FATES = (("run", 24), ("quote_only", 3), ("unpaid", 2), ("cancel", 2), ("refund", 2))
RATING_COMMENTS = ("准时交货，质量稳定", "表面处理很好，按时交付", "沟通顺畅，包装仔细", "稍有延迟，总体满意",
                   "尺寸全部合格", "交期比承诺早一天")
MONEY_HANDLERS = ("payments.charge", "payments.release", "payments.settle", "payments.refund")


@dataclass
class Story:
    """One buyer's order from quote to rating."""

    buyer: object
    user: User
    part: tuple
    quantity: int
    tier: str
    fate: str
    voucher: str | None
    quote: object = None
    order: Order | None = None


class Replay:
    def __init__(self, context, upload_dir: Path):
        self.context, self.rng, self.upload_dir = context, context.rng, upload_dir
        self.tz = ZoneInfo(context.cluster.timezone)
        self.end = utcnow()
        self.heap: list = []
        self.seq = itertools.count()

    def at(self, moment: datetime, action, *args) -> None:
        if moment < self.end:
            heapq.heappush(self.heap, (moment, next(self.seq), action, args))

    def run(self) -> None:
        while self.heap:
            moment, _, action, args = heapq.heappop(self.heap)
            with clock_at(moment):
                try:
                    action(moment, *args)
                    db.session.commit()
                except FieldError as exc:  # the services refused (a quote with no capacity, a voucher spent)
                    db.session.rollback()
                    self.context.notes.append(f"history {moment:%m-%d %H:%M} {action.__name__}: {exc.message}")

    def local(self, day, hour: float) -> datetime:
        return datetime.combine(day, time(), self.tz) + timedelta(hours=hour)

    # ------------------------------------------------------------------------------------------------ buyers
    def ask_quote(self, moment: datetime, story: Story) -> None:
        title, material, _, box, fill, finish, heat = story.part
        inputs = {"material": material, "quantity": story.quantity, "quantity_breaks": [1, 10, 50, 100, 500],
                  "route": None, "tolerance_class": "m", "finish": finish, "heat_treat": heat,
                  "lead_time_tier": story.tier, "due_date": None, "bbox_mm": list(box),
                  "volume_mm3": box[0] * box[1] * box[2] * fill}
        story.quote = issue_quote(story.buyer, story.user, inputs, None, moment, upload_dir=self.upload_dir,
                                  valid_days=current_app.config["QUOTE_VALID_DAYS"])
        if story.fate != "quote_only" and story.quote.feasible:
            self.at(moment + timedelta(minutes=self.rng.randint(10, 90)), self.place, story)

    def place(self, moment: datetime, story: Story) -> None:
        lat = round(self.rng.uniform(TOWN_BOX[0], TOWN_BOX[1]), 5)
        lon = round(self.rng.uniform(TOWN_BOX[2], TOWN_BOX[3]), 5)
        delivery = {"address": f"东莞市长安镇 {story.buyer.name}", "latitude": lat, "longitude": lon}
        story.order = checkout.place_order(story.quote, story.user, story.tier, delivery, story.part[0], moment)
        if story.fate != "unpaid":
            self.at(moment + timedelta(minutes=self.rng.randint(20, 240)), self.pay, story)
        else:  # never paid: the buyer withdraws it some days later (in the morning), which frees the reserved
            # capacity; one whose withdrawal day has not come is still waiting for payment, whatever the hour now
            withdrawal = moment.astimezone(self.tz).date() + timedelta(days=self.rng.randint(3, 8))
            if withdrawal < self.end.astimezone(self.tz).date():
                self.at(self.local(withdrawal, 9), self.withdraw, story)

    def pay(self, moment: datetime, story: Story) -> None:
        try:
            checkout.pay(story.order, story.user, story.voucher, moment.astimezone(self.tz).date())
        except FieldError:  # the voucher no longer covers it: pay in full
            db.session.rollback()
            checkout.pay(story.order, story.user, None, moment.astimezone(self.tz).date())
        drain(handlers=MONEY_HANDLERS)
        if story.fate == "cancel":
            self.at(moment + timedelta(hours=self.rng.uniform(1, 3)), self.cancel, story)
        elif story.fate == "refund":
            self.at(moment + timedelta(hours=self.rng.randint(3, 30)), self.refund, story)

    def withdraw(self, moment: datetime, story: Story) -> None:
        checkout.cancel(story.order, story.user, "未付款，买方撤回订单")

    def cancel(self, moment: datetime, story: Story) -> None:
        checkout.cancel(story.order, story.user, "采购计划取消")
        drain(handlers=MONEY_HANDLERS)

    def refund(self, moment: datetime, story: Story) -> None:
        """The supplier cannot start (a machine broke down): the operator refunds the buyer in full."""
        order = story.order
        if order.status not in ("paid", "planned"):
            return
        payment = payments.capture_order(order)
        payments.refund_order(order, payment.captured_fen - payment.refunded_fen, "设备故障，工厂无法开工")

    def confirm_delivery(self, moment: datetime, story: Story) -> None:
        tracking.confirm_delivery(story.order, story.user, moment)
        drain(handlers=MONEY_HANDLERS)  # capture, pay the factories, complete
        self.at(moment + timedelta(hours=self.rng.randint(4, 48)), self.rate, story)

    def rate(self, moment: datetime, story: Story) -> None:
        for firm in tracking.suppliers_of(story.order):
            tracking.rate(story.order, story.user, firm.id, self.rng.choice([5, 5, 4, 4, 3]),
                          self.rng.choice(RATING_COMMENTS))

    # ------------------------------------------------------------------------------------------------ the cluster
    def morning(self, moment: datetime, stories: list[Story]) -> None:
        """07:00: the plan of the paid orders is confirmed; the factories accept their steps and start them on time."""
        paid = [s for s in stories if s.order is not None and s.order.status == "paid"]
        if not paid:
            return
        loaded = load_problem(self.context.cluster, moment, horizon_days=current_app.config["PLANNING_HORIZON_DAYS"])
        store_plan(loaded, current_plan(loaded), None)
        db.session.commit()
        for story in paid:
            db.session.refresh(story.order)
            if story.order.status != "planned":
                continue
            for step in story.order.steps:
                booking = self.booking(step)
                if booking is not None and booking.status == "planned":
                    planning.accept(booking)
            first = min(story.order.steps, key=lambda s: s.sequence)
            self.at(self.start_time(first, moment), self.start, story, first.sequence)

    def booking(self, step: OrderStep) -> Booking | None:
        return db.session.scalar(select(Booking).where(Booking.order_step_id == step.id).order_by(Booking.starts_at))

    def start_time(self, step: OrderStep, earliest: datetime) -> datetime:
        booking = self.booking(step)
        planned = booking.starts_at if booking is not None else earliest
        return max(planned, earliest) + timedelta(minutes=self.rng.randint(0, 40))

    def step(self, story: Story, sequence: int) -> OrderStep:
        return next(s for s in story.order.steps if s.sequence == sequence)

    def start(self, moment: datetime, story: Story, sequence: int) -> None:
        step = self.step(story, sequence)
        booking = self.booking(step)
        if booking is None or story.order.status not in ("planned", "in_production"):
            return
        tracking.start_step(booking, self.user_of(booking.factory.firm_id), moment)
        planned = booking.ends_at - booking.starts_at
        self.at(moment + planned * self.rng.uniform(0.9, 1.25), self.finish, story, sequence)

    def finish(self, moment: datetime, story: Story, sequence: int) -> None:
        step = self.step(story, sequence)
        booking = self.booking(step)
        tracking.finish_step(booking, self.user_of(booking.factory.firm_id), moment)
        following = [s for s in story.order.steps if s.sequence == sequence + 1]
        if following:
            self.at(self.start_time(following[0], moment + timedelta(minutes=30)), self.start, story,
                    sequence + 1)
        else:
            self.at(moment + timedelta(hours=self.rng.randint(1, 5)), self.ship, story, booking.factory.firm_id)

    def ship(self, moment: datetime, story: Story, firm_id: int) -> None:
        tracking.ship(story.order, self.user_of(firm_id))
        arrive = (moment + timedelta(days=1)).astimezone(self.tz).date()
        self.at(self.local(arrive, self.rng.uniform(9, 17)), self.confirm_delivery, story)

    def user_of(self, firm_id: int) -> User:
        return db.session.scalar(select(User).where(User.firm_id == firm_id).order_by(User.id))


def stories(context) -> list[Story]:
    rng = context.rng
    fates = [f for f, weight in FATES for _ in range(weight)]
    codes = {v.firm_id: v.code for v in getattr(context, "voucher_programme", None).vouchers} \
        if getattr(context, "voucher_programme", None) else {}
    out = []
    for n in range(ORDERS):
        buyer = context.buyer_firms[n * 7 % len(context.buyer_firms)]
        part = PARTS[n % len(PARTS)]
        user = db.session.scalar(select(User).where(User.firm_id == buyer.id).order_by(User.id))
        out.append(Story(buyer, user, part, rng.randint(*part[2]), rng.choice(["standard"] * 3 + ["expedite"] * 2),
                         rng.choice(fates), codes.get(buyer.id) if rng.random() < 0.6 else None))
    return out


def seed_history(context) -> None:
    """The past 90 days of the cluster (idempotent: skipped when the cluster already has orders from quotes)."""
    if db.session.scalar(select(Order.id).where(Order.cluster_id == context.cluster.id,
                                                Order.quote_id.is_not(None)).limit(1)):
        return
    if not payments_server_up():
        context.notes.append("payments server not reachable: no order history in the demo (scripts/demo.sh starts it)")
        return
    replay = Replay(context, quote_upload_dir())
    cast = stories(context)
    cast[0].fate = "unpaid"  # yesterday's order the buyer has not paid yet: the operator sees one waiting
    today = replay.end.astimezone(replay.tz).date()
    first = today - timedelta(days=DAYS)
    # quotes spread over the 90 days, half of them in the last ten days (their orders are still under way)
    recent = len(cast) // 2
    days = ([today - timedelta(days=1)] + [today - timedelta(days=context.rng.randint(1, 10)) for _ in cast[1:recent]]
            + [first + timedelta(days=context.rng.randint(0, DAYS - 10)) for _ in cast[recent:]])
    for story, day in zip(cast, days, strict=True):
        replay.at(replay.local(day, context.rng.uniform(8.5, 17.5)), replay.ask_quote, story)
    for offset in range(DAYS + 1):
        replay.at(replay.local(first + timedelta(days=offset), 7), replay.morning, cast)
    replay.run()
    context.history = cast

