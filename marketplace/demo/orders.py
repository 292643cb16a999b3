"""Open orders of the demo cluster's buyers — priced by the platform's quoting, most of them paid through the
payments server, the others waiting for payment — and a first stored plan for them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

import quoting
from capacity.models import Material
from marketplace.accounts.models import User
from marketplace.demo.capacity import TOWN_BOX
from marketplace.demo.money import payments_server_up
from marketplace.extensions import db
from marketplace.orders.checkout import pay
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import Order, OrderStep
from marketplace.outbox.runner import drain
from marketplace.planning.models import PlanRun
from marketplace.planning.runner import execute
from marketplace.quotes.services import quote_params

# Part archetypes: (title, material, quantity range, envelope mm, tolerance, steps as (process, setup, run min/part))
ARCHETYPES = [
    ("铝合金支架", "al6061", (20, 120), (120, 80, 30), 0.05,
     [("cnc_mill_3ax", 45, 9.0), ("anodise", 30, 0.6), ("cmm_inspect", 20, 1.5)]),
    ("电机端盖", "al7075", (50, 400), (90, 90, 35), 0.02,
     [("cnc_turn", 40, 4.5), ("cnc_mill_3ax", 45, 3.0), ("anodise", 30, 0.4)]),
    ("不锈钢机箱", "ss304", (10, 50), (600, 400, 300), 0.2,
     [("laser_cut", 15, 6.0), ("press_brake", 20, 5.0), ("welding", 30, 12.0), ("powder_coat", 30, 2.0)]),
    ("传动轴", "steel1045", (20, 120), (40, 40, 280), 0.02,
     [("cnc_turn", 40, 3.5), ("heat_treat", 60, 0.8), ("cmm_inspect", 20, 1.0)]),
    ("无人机机臂", "pa12", (50, 500), (180, 40, 25), 0.2, [("sls_print", 30, 2.5)]),
    ("五轴叶轮", "al7075", (4, 16), (110, 110, 60), 0.01,
     [("cnc_mill_5ax", 90, 55.0), ("cmm_inspect", 20, 8.0)]),
    ("塑料外壳", "abs", (300, 1500), (150, 90, 40), 0.1,
     [("injection_mold", 120, 0.25), ("assembly", 15, 0.4)]),
    ("模具镶件", "steel1045", (2, 8), (80, 60, 40), 0.005,
     [("cnc_mill_5ax", 90, 70.0), ("wire_edm", 60, 45.0), ("heat_treat", 60, 5.0)]),
    ("钣金托架", "steel_q235", (100, 1000), (220, 120, 60), 0.2,
     [("sheet_punch", 20, 0.6), ("press_brake", 20, 0.9), ("powder_coat", 30, 0.3)]),
    ("样机外壳", "pla", (1, 6), (200, 150, 60), 0.3, [("fdm_print", 10, 120.0)]),
]
PAID_SHARE = 0.8  # the rest are accepted and wait for payment (the planner reserves capacity for both)
SHEET_PROCESSES = {"laser_cut", "sheet_punch", "press_brake"}
PRECISION_PROCESSES = {"cnc_mill_3ax", "cnc_mill_5ax", "cnc_turn", "wire_edm", "cmm_inspect", "injection_mold",
                       "sls_print", "fdm_print"}


def step_envelope(process: str, envelope: tuple[int, int, int]) -> tuple[int, int, int]:
    """What the machine must hold: sheet steps work on the flat blank (3 mm sheet), the rest on the part."""
    x, y, z = envelope
    if process in ("laser_cut", "sheet_punch"):
        return (x + 2 * z, y + 2 * z, 3)
    if process == "press_brake":
        return (x + 2 * z, y, 3)
    return envelope


def step_tolerance(process: str, part_tolerance: float) -> float:
    """The part's tolerance binds machining and inspection; finishing, joining and sheet steps hold 0.2-1 mm."""
    if process in PRECISION_PROCESSES:
        return part_tolerance
    return 0.2 if process in SHEET_PROCESSES else 1.0


def seed_open_orders(context, count: int = 60) -> None:
    if db.session.scalar(select(func.count(Order.id)).where(Order.cluster_id == context.cluster.id,
                                                            Order.quote_id.is_(None))):
        return  # seeded by an earlier run (the history's orders come from quotes)
    rng = context.rng
    for n in range(1, count + 1):
        title, material, (q_low, q_high), envelope, tolerance, steps = rng.choice(ARCHETYPES)
        buyer = rng.choice(context.buyer_firms)
        release = context.today + timedelta(days=rng.randint(0, 4))
        quantity = rng.randint(q_low, q_high)
        order = Order(reference=f"SMP-{context.today:%y%m}-{n:04d}", cluster_id=context.cluster.id, buyer=buyer,
                      title=title, material_code=material, quantity=quantity,
                      total_fen=price_fen(material, envelope, [p for p, _, _ in steps], quantity),
                      status="quoted", release_date=release,
                      due_date=release + timedelta(days=rng.randint(6, 24)), weight=rng.choice([1, 1, 1, 2, 3]),
                      delivery_address=f"东莞市长安镇 {buyer.name}",
                      delivery_latitude=round(rng.uniform(TOWN_BOX[0], TOWN_BOX[1]), 5),
                      delivery_longitude=round(rng.uniform(TOWN_BOX[2], TOWN_BOX[3]), 5))
        for sequence, (process, setup, run) in enumerate(steps, start=1):
            x, y, z = step_envelope(process, envelope)
            order.steps.append(OrderStep(sequence=sequence, process_code=process, setup_minutes=setup,
                                         run_minutes_per_unit=run, envelope_x_mm=x, envelope_y_mm=y, envelope_z_mm=z,
                                         tolerance_mm=step_tolerance(process, tolerance)))
        db.session.add(order)
        db.session.flush()
        transition(order, "accepted", None, "ordered by the buyer")
        db.session.commit()
        if rng.random() < PAID_SHARE and payments_server_up():
            user = db.session.scalar(select(User).where(User.firm_id == buyer.id).order_by(User.id))
            pay(order, user, None, context.today)
            drain(handlers=("payments.charge",))


def price_fen(material: str, envelope: tuple[int, int, int], route: list[str], quantity: int) -> int:
    """The platform's own price for the part: the quoting library on the declared box (40 % solid), this route."""
    row = db.session.get(Material, material)
    volume = 0.4 * envelope[0] * envelope[1] * envelope[2]
    part = quoting.part_from_declared(quoting.DeclaredGeometry(bbox_mm=envelope, volume_mm3=volume))
    request = quoting.QuoteRequest(part=part, material=quoting.MaterialSpec(row.code, row.family, row.density_g_cm3,
                                                                           row.price_fen_per_kg),
                                   quantity=quantity, quantity_breaks=(), route=tuple(route))
    return quoting.quote(request, params=quote_params()).for_quantity(quantity).total_fen


def seed_plan(context) -> None:

    if db.session.scalar(select(func.count(PlanRun.id)).where(PlanRun.cluster_id == context.cluster.id)):
        return
    run = PlanRun(cluster_id=context.cluster.id, reason="demo load", time_limit_s=context.plan_seconds)
    db.session.add(run)
    db.session.commit()
    execute(run.id)
    context.plan_run = run
