"""Input dataclasses of the quoting core (frozen, validated on construction).

The caller (the app) turns its database rows into these plain values; nothing
here knows about ``capacity`` or the ORM. Codes are the platform's process and
material codes (see ``capacity/catalogue.py``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from .errors import GeometryError, InputError, QuotingError
from .messages import Msg

MATERIAL_FAMILIES = ("aluminium", "steel", "stainless", "copper_alloy", "titanium", "plastic")
TOLERANCE_CLASSES = ("f", "m", "c")
FINISHES = ("none", "anodised", "powder_coat")
PROCESS_HINTS = ("machining", "sheet", "printing", "moulding", "edm")
LEAD_TIME_TIERS = ("expedite", "standard", "economy")
DEFAULT_BREAKS = (1, 10, 50, 100, 500)
MAX_QUANTITY = 10_000_000


def _positive(name: str, value: float, exc: type[QuotingError] = InputError, code: str | None = None) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value) or value <= 0:
        raise exc(Msg("input.positive", value=repr(value)), code, field=name)


def _non_negative(name: str, value: float) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value) or value < 0:
        raise InputError(Msg("input.non_negative", value=repr(value)), field=name)


def _choice(name: str, value, choices) -> None:
    if value not in choices:
        raise InputError(Msg("input.unknown_choice", value=repr(value), choices=", ".join(choices)), field=name)


@dataclass(frozen=True)
class MaterialSpec:
    """Material properties passed by the caller (same codes as the catalogue)."""

    code: str
    family: str
    density_g_cm3: float
    price_fen_per_kg: int

    def __post_init__(self) -> None:
        if not self.code:
            raise InputError("material code is empty")
        if self.family not in MATERIAL_FAMILIES:
            raise InputError(f"material family {self.family!r} unknown; use one of {', '.join(MATERIAL_FAMILIES)}")
        _positive("material density_g_cm3", self.density_g_cm3)
        if not isinstance(self.price_fen_per_kg, int) or self.price_fen_per_kg < 0:
            raise InputError("material price_fen_per_kg must be a non-negative integer (fen), "
                             f"got {self.price_fen_per_kg!r}")

    @property
    def is_metal(self) -> bool:
        return self.family != "plastic"


@dataclass(frozen=True)
class MachineCapability:
    """One process capability of a cluster factory; overrides the default rates."""

    process: str
    max_envelope_mm: tuple[float, float, float]
    best_tolerance_mm: float
    hourly_rate_fen: int
    setup_min: float
    speed_factor: float = 1.0
    factory_id: str = ""

    def __post_init__(self) -> None:
        if len(self.max_envelope_mm) != 3:
            raise InputError(f"{self.process}: max_envelope_mm needs three dimensions (x, y, z) in mm")
        for d in self.max_envelope_mm:
            _positive(f"{self.process}: max_envelope_mm", d)
        _positive(f"{self.process}: best_tolerance_mm", self.best_tolerance_mm)
        if not isinstance(self.hourly_rate_fen, int) or self.hourly_rate_fen < 0:
            raise InputError(f"{self.process}: hourly_rate_fen must be a non-negative integer (fen per hour)")
        _non_negative(f"{self.process}: setup_min", self.setup_min)
        _positive(f"{self.process}: speed_factor", self.speed_factor)

    def fits(self, dims_mm: tuple[float, float, float]) -> bool:
        """True when the part (any orientation aligned to the axes) fits the envelope."""
        return all(p <= e + 1e-9 for p, e in zip(sorted(dims_mm, reverse=True),
                                                  sorted(self.max_envelope_mm, reverse=True)))


@dataclass(frozen=True)
class SheetSpec:
    """Sheet-metal parameters; cut length and pierces are derived from geometry when missing."""

    thickness_mm: float
    bends: int = 0
    cut_length_mm: float | None = None
    pierces: int | None = None
    flat_size_mm: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        _positive("sheet_thickness_mm", self.thickness_mm)
        if not isinstance(self.bends, int) or self.bends < 0:
            raise InputError(Msg("input.sheet_bends"), field="sheet_bends")
        if self.cut_length_mm is not None:
            _positive("sheet_cut_length_mm", self.cut_length_mm)
        if self.pierces is not None and (not isinstance(self.pierces, int) or self.pierces < 0):
            raise InputError(Msg("input.sheet_pierces"), field="sheet_pierces")
        if self.flat_size_mm is not None:
            if len(self.flat_size_mm) != 2:
                raise InputError(Msg("input.sheet_flat_size"), field="sheet_flat_size_mm")
            for d in self.flat_size_mm:
                _positive("sheet_flat_size_mm", d)


@dataclass(frozen=True)
class DeclaredGeometry:
    """Geometry typed in by the buyer instead of a CAD file (all mm)."""

    bbox_mm: tuple[float, float, float]
    volume_mm3: float
    surface_area_mm2: float | None = None
    rotational: bool | None = None
    setups: int | None = None
    complex_surfaces: bool = False
    through_holes: int = 0
    min_wall_mm: float | None = None
    max_pocket_depth_mm: float | None = None
    min_pocket_width_mm: float | None = None

    def __post_init__(self) -> None:
        if len(self.bbox_mm) != 3:
            raise GeometryError(Msg("geometry.declared_box"), "bad_declared_geometry", field="bbox_mm")
        for d in self.bbox_mm:
            _positive("bbox_mm", d, GeometryError, "bad_declared_geometry")
        _positive("volume_mm3", self.volume_mm3, GeometryError, "bad_declared_geometry")
        box = self.bbox_mm[0] * self.bbox_mm[1] * self.bbox_mm[2]
        if self.volume_mm3 > box * 1.0001:
            raise GeometryError(Msg("geometry.declared_volume", volume=self.volume_mm3, box=box),
                                "bad_declared_geometry", field="volume_mm3")
        if self.surface_area_mm2 is not None:
            _positive("surface_area_mm2", self.surface_area_mm2, GeometryError, "bad_declared_geometry")
        if self.setups is not None and (not isinstance(self.setups, int) or not 1 <= self.setups <= 6):
            raise GeometryError(Msg("geometry.declared_setups"), "bad_declared_geometry", field="setups")


@dataclass(frozen=True)
class PartFeatures:
    """What the cost models know about the part (from a mesh or from declared geometry)."""

    source: str                                  # "stl", "step" or "declared"
    bbox_mm: tuple[float, float, float]          # axis-aligned extents x, y, z
    stock_dims_mm: tuple[float, float, float]    # smallest box (AABB or OBB) extents, sorted descending
    volume_mm3: float
    area_mm2: float
    convex_hull_volume_mm3: float
    watertight: bool = True
    setups: int = 2
    approach_directions: tuple[str, ...] = ("+z", "-z")
    freeform_share: float = 0.0
    rotational: bool = False
    rotation_axis: str | None = None
    through_holes: int = 0
    min_wall_mm: float | None = None
    max_pocket_depth_mm: float | None = None
    min_pocket_width_mm: float | None = None
    area_estimated: bool = False
    face_count: int = 0
    assumptions: tuple[str, ...] = ()

    @property
    def bbox_volume_mm3(self) -> float:
        return self.bbox_mm[0] * self.bbox_mm[1] * self.bbox_mm[2]

    @property
    def removed_volume_mm3(self) -> float:
        """Volume cut away from a bare box stock (before the machining allowance)."""
        return max(0.0, self.stock_dims_mm[0] * self.stock_dims_mm[1] * self.stock_dims_mm[2] - self.volume_mm3)

    @property
    def pocket_ratio(self) -> float | None:
        if self.max_pocket_depth_mm and self.min_pocket_width_mm:
            return self.max_pocket_depth_mm / self.min_pocket_width_mm
        return None

    @property
    def complex(self) -> bool:
        return self.setups >= 4 or self.freeform_share > 0.25


@dataclass(frozen=True)
class TransportLeg:
    """Transport between two consecutive steps (route indices), supplied by the logistics layer."""

    from_step: int
    to_step: int
    fixed_fen: int
    fen_per_kg: int = 0

    def __post_init__(self) -> None:
        if self.to_step != self.from_step + 1 or self.from_step < 0:
            raise InputError("a transport leg joins consecutive steps: to_step must equal from_step + 1")
        if self.fixed_fen < 0 or self.fen_per_kg < 0:
            raise InputError("transport costs must be non-negative fen")


@dataclass(frozen=True)
class QuoteRequest:
    """Everything needed to price one part at several quantities."""

    part: PartFeatures
    material: MaterialSpec
    quantity: int = 1
    quantity_breaks: tuple[int, ...] = DEFAULT_BREAKS
    route: tuple[str, ...] | None = None
    process_hint: str | None = None
    tolerance_class: str = "m"
    tightest_tolerance_mm: float | None = None
    finish: str = "none"
    heat_treat: bool = False
    sheet: SheetSpec | None = None
    weld_length_mm: float = 0.0
    assembly_min_per_part: float = 0.0
    capabilities: tuple[MachineCapability, ...] | None = None
    transport_legs: tuple[TransportLeg, ...] | None = None
    lead_time_tier: str = "standard"
    due_date: date | None = None
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        for q in (self.quantity, *self.quantity_breaks):
            if not isinstance(q, int) or isinstance(q, bool) or not 1 <= q <= MAX_QUANTITY:
                raise InputError(Msg("input.quantity", maximum=MAX_QUANTITY, value=repr(q)),
                                 field="quantity" if q == self.quantity else "quantity_breaks")
        _choice("tolerance_class", self.tolerance_class, TOLERANCE_CLASSES)
        _choice("finish", self.finish, FINISHES)
        if self.process_hint is not None:
            _choice("process_hint", self.process_hint, PROCESS_HINTS)
        _choice("lead_time_tier", self.lead_time_tier, LEAD_TIME_TIERS)
        if self.route is not None and len(self.route) == 0:
            raise InputError(Msg("input.empty_route"), field="route")
        if self.tightest_tolerance_mm is not None:
            _positive("tightest_tolerance_mm", self.tightest_tolerance_mm)
        _non_negative("weld_length_mm", self.weld_length_mm)
        _non_negative("assembly_min_per_part", self.assembly_min_per_part)
        if self.finish == "anodised" and self.material.family != "aluminium":
            raise InputError(Msg("input.anodise_needs_aluminium", material=self.material.code), field="finish")

    @property
    def quantities(self) -> tuple[int, ...]:
        return tuple(sorted(set(self.quantity_breaks) | {self.quantity}))


@dataclass(frozen=True)
class CompletedJob:
    """A finished job and what it really cost: what calibration learns from (the app's rows or generated ones)."""

    job_id: str
    request: QuoteRequest
    route: tuple[str, ...]
    actual_cost_fen: int       # production cost actually incurred (no transport, overhead or margin)
