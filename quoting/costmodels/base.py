"""Shared pieces of the cost models: the context a model receives and helpers."""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from ..messages import Msg
from ..params import Params, ProcessParams
from ..results import DfmWarning, OneOff, StepEstimate, dec
from ..specs import MachineCapability, MaterialSpec, PartFeatures, SheetSpec


@dataclass(frozen=True)
class CostContext:
    """Everything a cost model may read. ``proc`` already carries the factory's overrides."""

    part: PartFeatures
    material: MaterialSpec
    proc: ProcessParams
    params: Params
    tolerance_class: str = "m"
    quantity: int = 1
    sheet: SheetSpec | None = None
    weld_length_mm: float = 0.0
    assembly_min_per_part: float = 0.0
    factory_id: str = ""

    @property
    def rate_fen_per_min(self) -> float:
        return self.proc.hourly_rate_fen / 60.0

    @property
    def part_mass_kg(self) -> float:
        return self.part.volume_mm3 / 1e6 * self.material.density_g_cm3

    @property
    def machinability(self) -> float:
        return float(self.params.machinability.get(self.material.code, 1.0))

    @property
    def tol_factor(self) -> float:
        return float(self.params.tolerance_time_factor[self.tolerance_class])


ModelFn = Callable[[CostContext], StepEstimate]


@dataclass(frozen=True)
class CostModel:
    code: str
    estimate: ModelFn
    required: tuple[str, ...] = ()
    category: str = "machining"   # machining, sheet, moulding, additive, finishing, labour


def apply_capability(proc: ProcessParams, cap: MachineCapability | None) -> ProcessParams:
    """The factory's own rates override the defaults."""
    if cap is None:
        return proc
    return replace(proc, hourly_rate_fen=cap.hourly_rate_fen, setup_min=cap.setup_min,
                   speed_factor=cap.speed_factor, envelope_mm=tuple(cap.max_envelope_mm),
                   best_tolerance_mm=cap.best_tolerance_mm)


def estimate(ctx: CostContext, *, setup_min: float, run_min: float, material_fen: float = 0.0,
             extra_run_fen: float = 0.0, extra_setup_fen: float = 0.0, one_offs: tuple[tuple[Msg, float], ...] = (),
             lot_minimum_fen: float = 0.0, assumptions: list[Msg] | tuple[Msg, ...] = (),
             warnings: list[DfmWarning] | tuple[DfmWarning, ...] = ()) -> StepEstimate:
    """Turn minutes into money at the (possibly overridden) hourly rate."""
    rate = ctx.rate_fen_per_min
    return StepEstimate(
        process=ctx.proc.code,
        setup_min=round(setup_min, 3),
        run_min_per_part=round(run_min, 4),
        setup_cost_fen=dec(setup_min * rate + extra_setup_fen),
        run_cost_fen_per_part=dec(run_min * rate + extra_run_fen),
        material_cost_fen_per_part=dec(material_fen),
        one_offs=tuple(OneOff(label, dec(fen)) for label, fen in one_offs if fen > 0),
        lot_minimum_fen=dec(lot_minimum_fen),
        mass_kg_per_part=ctx.part_mass_kg,
        factory_id=ctx.factory_id,
        assumptions=tuple(assumptions),
        warnings=tuple(warnings),
    )


def snap_up(value: float, series: tuple[float, ...], step: float = 5.0) -> float:
    """Smallest standard size >= value; beyond the series, round up to ``step``."""
    for s in series:
        if s >= value - 1e-9:
            return float(s)
    return math.ceil(value / step) * step


def round_up(value: float, step: float) -> float:
    return math.ceil(value / step - 1e-9) * step


def warn(code: str, message: Msg, process: str | None, severity: str = "warning") -> DfmWarning:
    return DfmWarning(code=code, severity=severity, message=message, process=process)


def assume(code: str, ctx: CostContext, **params) -> Msg:
    """An assumption of this step's cost model, naming its process."""
    return Msg(code, process=ctx.proc.code, **params)
