"""Capacity operations: the rules that need the database (ownership of references, uniqueness, overlaps).

Services never touch the request; they raise FieldError naming the offending field, and the request layer
commits once or rolls back.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from capacity.calendar import OneOff, WeeklySlot, expand
from capacity.models import CalendarException, Factory, Machine, Material, Process, WeeklyWindow
from capacity.schemas import hhmm_to_minute
from marketplace.accounts.models import Firm
from marketplace.errors import FieldError
from marketplace.extensions import db


def check_process(code: str, field: str = "process_code") -> Process:
    process = db.session.get(Process, code)
    if process is None:
        raise FieldError(field, _("Unknown process code '%(code)s'.", code=code))
    return process


def check_materials(codes: list[str], field: str = "materials") -> list[Material]:
    codes = list(dict.fromkeys(codes))
    found = {m.code: m for m in db.session.scalars(select(Material).where(Material.code.in_(codes)))}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise FieldError(field, _("Unknown material code(s): %(codes)s.", codes=", ".join(unknown)))
    return [found[c] for c in codes]


def own_factory(firm: Firm, factory_id: int, field: str = "factory_id") -> Factory:
    factory = db.session.get(Factory, factory_id)
    if factory is None or factory.firm_id != firm.id:
        raise FieldError(field, _("No factory with id %(id)s belongs to your firm.", id=factory_id))
    return factory


def ensure_unique_name(model, scope_column, scope_value, name: str, exclude_id: int | None) -> None:
    stmt = select(model.id).where(scope_column == scope_value, model.name == name)
    if exclude_id is not None:
        stmt = stmt.where(model.id != exclude_id)
    if db.session.scalar(stmt) is not None:
        raise FieldError("name", _("'%(name)s' is already used; names must be unique.", name=name))


def save_factory(firm: Firm, data: dict, factory: Factory | None = None) -> Factory:
    if not firm.is_factory:
        raise FieldError("firm", _("Only factory firms can list production sites."))
    if "name" in data:
        ensure_unique_name(Factory, Factory.firm_id, firm.id, data["name"], factory.id if factory else None)
    if factory is None:
        factory = Factory(firm_id=firm.id, cluster_id=firm.cluster_id)
        db.session.add(factory)
    for key, value in data.items():
        setattr(factory, key, value)
    db.session.flush()
    return factory


def save_machine(firm: Firm, data: dict, machine: Machine | None = None) -> Machine:
    data = dict(data)
    factory = own_factory(firm, data.pop("factory_id")) if "factory_id" in data else machine.factory
    if "process_code" in data:
        check_process(data["process_code"])
    if "materials" in data:
        data["materials"] = check_materials(data["materials"])
    if "name" in data:
        ensure_unique_name(Machine, Machine.factory_id, factory.id, data["name"], machine.id if machine else None)
    if machine is None:
        machine = Machine(factory=factory)
        db.session.add(machine)
    for key, value in data.items():
        setattr(machine, key, value)
    db.session.flush()
    return machine


def add_weekly_window(machine: Machine, weekday: int, start: str, end: str) -> WeeklyWindow:
    start_minute, end_minute = hhmm_to_minute(start), hhmm_to_minute(end)
    for existing in machine.weekly_windows:
        if (existing.weekday, existing.start_minute, existing.end_minute) == (weekday, start_minute, end_minute):
            raise FieldError("start", _("This machine already has exactly this weekly window."))
    window = WeeklyWindow(machine=machine, weekday=weekday, start_minute=start_minute, end_minute=end_minute)
    db.session.add(window)
    db.session.flush()
    return window


def add_exception(
    machine: Machine, kind: str, starts_at: datetime, ends_at: datetime, note: str = ""
) -> CalendarException:
    if kind == "blackout":
        for other in machine.exceptions:
            if other.kind == "blackout" and other.starts_at < ends_at and starts_at < other.ends_at:
                raise FieldError(
                    "starts_at",
                    _(
                        "Overlaps the blackout %(start)s–%(end)s UTC (#%(id)s).",
                        start=f"{other.starts_at:%Y-%m-%d %H:%M}",
                        end=f"{other.ends_at:%Y-%m-%d %H:%M}",
                        id=other.id,
                    ),
                )
    exception = CalendarException(machine=machine, kind=kind, starts_at=starts_at, ends_at=ends_at, note=note)
    db.session.add(exception)
    db.session.flush()
    return exception


def idle_intervals(machine: Machine, start: datetime, end: datetime, tz_name: str):
    weekly = [WeeklySlot(w.weekday, w.start_minute, w.end_minute) for w in machine.weekly_windows]
    one_offs = [OneOff(e.kind, e.starts_at, e.ends_at) for e in machine.exceptions]
    return expand(weekly, one_offs, start, end, tz_name)
