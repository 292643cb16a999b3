"""The contract between the matching library and the app's rows, in one place.

`matching/` names everything with opaque strings. The app gives them a fixed shape — a machine `m12`, a site `f7`,
an order `o5`, one of its steps `s9`, a step of a quote `q1`, a leasable item at a site `e3@f7`, or that item while
leased there `e3@f7:lease5` — and these small value types are the only code that formats or parses them.

`Placement` is what a plan or a quote tier hands to orders: one step on one machine unit (or leasable item at a site)
for a time, with its cost. Quotes store their tiers' placements as JSON and checkout turns them into bookings; the
planning run turns its assignments into bookings; both go through `Placement.booking_columns()`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar


def _number(prefix: str, text: str) -> int:
    if not text.startswith(prefix) or not text[len(prefix):].isdigit():
        raise ValueError(f"not a {prefix!r} id: {text!r}")
    return int(text[len(prefix):])


@dataclass(frozen=True)
class _Numbered:
    """An id that is a letter and a database id."""

    id: int
    PREFIX: ClassVar[str] = ""

    def __str__(self) -> str:
        return f"{self.PREFIX}{self.id}"

    @classmethod
    def parse(cls, text: str):
        return cls(_number(cls.PREFIX, text))


class MachineRef(_Numbered):
    PREFIX = "m"


class SiteRef(_Numbered):
    PREFIX = "f"


class OrderRef(_Numbered):
    PREFIX = "o"


@dataclass(frozen=True)
class StepRef:
    """An order step (`s9`, its database id) or a step of a quote (`q1`, its position in the route)."""
    id: int
    quoted: bool = False

    def __str__(self) -> str:
        return f"{'q' if self.quoted else 's'}{self.id}"

    @classmethod
    def parse(cls, text: str) -> StepRef:
        return cls(_number("q", text), True) if text.startswith("q") else cls(_number("s", text))


_EQUIPMENT = re.compile(r"e(\d+)@f(\d+)(?::lease(\d+))?")


@dataclass(frozen=True)
class EquipmentRef:
    """A leasable item placed at a site; `lease_id` while a lease has it working there (its rent already paid)."""
    equipment_id: int
    site_id: int
    lease_id: int | None = None

    def __str__(self) -> str:
        return f"e{self.equipment_id}@f{self.site_id}" + (f":lease{self.lease_id}" if self.lease_id else "")

    @classmethod
    def parse(cls, text: str) -> EquipmentRef:
        match = _EQUIPMENT.fullmatch(text)
        if not match:
            raise ValueError(f"not an equipment id: {text!r}")
        lease = match.group(3)
        return cls(int(match.group(1)), int(match.group(2)), int(lease) if lease else None)


def resource_ref(text: str) -> MachineRef | EquipmentRef:
    return EquipmentRef.parse(text) if text.startswith("e") else MachineRef.parse(text)


@dataclass(frozen=True)
class Placement:
    step: str                      # the step's id in its order ("q1" in a quote, "s9" in a plan)
    machine_id: int | None
    equipment_id: int | None
    site_factory_id: int | None    # the site it works at (a leasable item's booking records it; a machine has its own)
    unit: int
    starts_at: datetime
    ends_at: datetime
    processing_fen: int
    lease_fen: int = 0

    @classmethod
    def of(cls, step: str, resource: str, site: str, unit: int, starts_at: datetime, ends_at: datetime,
           processing_fen: int, lease_fen: int = 0) -> Placement:
        """From a matching assignment's ids (`resource` "m12" or "e3@f7[:lease5]", `site` "f7")."""
        ref = resource_ref(resource)
        site_id = SiteRef.parse(site).id if site.startswith("f") else None
        if isinstance(ref, MachineRef):
            return cls(step, ref.id, None, site_id, unit, starts_at, ends_at, processing_fen, lease_fen)
        return cls(step, None, ref.equipment_id, ref.site_id, unit, starts_at, ends_at, processing_fen, lease_fen)

    @property
    def cost_fen(self) -> int:
        return self.processing_fen + self.lease_fen

    def booking_columns(self) -> dict:
        """The columns of the Booking row that holds this placement (status and step are the caller's)."""
        return {"machine_id": self.machine_id, "equipment_id": self.equipment_id,
                "site_factory_id": self.site_factory_id if self.equipment_id else None, "unit": self.unit,
                "starts_at": self.starts_at, "ends_at": self.ends_at, "cost_fen": self.cost_fen}

    def to_json(self) -> dict:
        return {"step": self.step, "machine_id": self.machine_id, "equipment_id": self.equipment_id,
                "site_factory_id": self.site_factory_id, "unit": self.unit,
                "starts_at": self.starts_at.isoformat(), "ends_at": self.ends_at.isoformat(),
                "processing_fen": self.processing_fen, "lease_fen": self.lease_fen}

    @classmethod
    def from_json(cls, data: dict) -> Placement:
        return cls(step=data["step"], machine_id=data.get("machine_id"), equipment_id=data.get("equipment_id"),
                   site_factory_id=data.get("site_factory_id"), unit=data.get("unit", 0),
                   starts_at=datetime.fromisoformat(data["starts_at"]),
                   ends_at=datetime.fromisoformat(data["ends_at"]), processing_fen=data["processing_fen"],
                   lease_fen=data.get("lease_fen", 0))
