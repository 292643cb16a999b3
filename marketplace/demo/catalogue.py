"""Seed (or refresh) the process and material tables from capacity.catalogue."""

from __future__ import annotations

from capacity.catalogue import MATERIALS, PROCESSES
from capacity.models import Material, Process
from marketplace.extensions import db


def seed(context=None) -> None:
    for p in PROCESSES:
        row = db.session.get(Process, p.code) or Process(code=p.code)
        row.name_en, row.name_zh, row.category = p.name_en, p.name_zh, p.category
        row.unit_of_work, row.cost_drivers = p.unit_of_work, list(p.cost_drivers)
        db.session.add(row)
    for m in MATERIALS:
        row = db.session.get(Material, m.code) or Material(code=m.code)
        row.name_en, row.name_zh, row.family = m.name_en, m.name_zh, m.family
        row.density_g_cm3, row.price_fen_per_kg, row.currency = m.density_g_cm3, m.price_fen_per_kg, "CNY"
        db.session.add(row)
