"""Leasable equipment: listing rules that need the database."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from capacity.models import Equipment, EquipmentAvailability, InstalmentPlan
from capacity.services import check_process, ensure_unique_name, own_factory
from marketplace.accounts.models import Firm
from marketplace.errors import FieldError
from marketplace.extensions import db


def save_equipment(firm: Firm, data: dict, item: Equipment | None = None) -> Equipment:
    if not (firm.is_lessor or firm.is_factory):
        raise FieldError("firm", _("Only equipment lessors and factories can list equipment."))
    if "process_code" in data:
        check_process(data["process_code"])
    if data.get("site_factory_id") is not None:
        own_factory(firm, data["site_factory_id"], field="site_factory_id")
    if "name" in data:
        ensure_unique_name(Equipment, Equipment.owner_firm_id, firm.id, data["name"], item.id if item else None)
    site = data.get("site_factory_id", item.site_factory_id if item else None)
    delivered = data.get("delivered_to_lessee", item.delivered_to_lessee if item else False)
    if site is None and not delivered:
        raise FieldError("site_factory_id", _("Give the site where the equipment stands, or deliver it to the lessee."))
    if item is None:
        item = Equipment(owner_firm_id=firm.id, cluster_id=firm.cluster_id)
        db.session.add(item)
    for key, value in data.items():
        setattr(item, key, value)
    db.session.flush()
    return item


def add_instalment_plan(item: Equipment, months: int, annual_rate_bp: int) -> InstalmentPlan:
    if any(p.months == months for p in item.instalment_plans):
        raise FieldError("months", _("A %(months)d-month plan already exists for this equipment.", months=months))
    plan = InstalmentPlan(equipment=item, months=months, annual_rate_bp=annual_rate_bp)
    db.session.add(plan)
    db.session.flush()
    return plan


def add_availability(item: Equipment, start_date, end_date) -> EquipmentAvailability:
    stmt = select(EquipmentAvailability).where(
        EquipmentAvailability.equipment_id == item.id,
        EquipmentAvailability.start_date <= end_date,
        EquipmentAvailability.end_date >= start_date,
    )
    if db.session.scalar(stmt) is not None:
        raise FieldError("start_date", _("Overlaps an availability range already listed."))
    window = EquipmentAvailability(equipment=item, start_date=start_date, end_date=end_date)
    db.session.add(window)
    db.session.flush()
    return window
