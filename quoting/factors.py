"""Calibration factors applied to step estimates (fitted by ``quoting.calibration``)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from types import MappingProxyType

from .results import StepEstimate, dec


def _d(x: float) -> Decimal:
    return Decimal(repr(round(float(x), 6)))


@dataclass(frozen=True)
class ProcessFactors:
    setup: float = 1.0     # multiplies setup cost, setup minutes and one-offs (programming, tooling)
    run: float = 1.0       # multiplies run cost and run minutes
    material: float = 1.0  # multiplies material cost


@dataclass(frozen=True)
class Calibration:
    factors: Mapping[str, ProcessFactors]
    jobs: int = 0
    mape_before: float | None = None
    mape_after: float | None = None

    @staticmethod
    def of(factors: dict[str, ProcessFactors], **kw) -> Calibration:
        return Calibration(MappingProxyType(dict(factors)), **kw)

    def apply(self, est: StepEstimate) -> StepEstimate:
        f = self.factors.get(est.process)
        if f is None:
            return est
        return replace(
            est, setup_min=est.setup_min * f.setup, run_min_per_part=est.run_min_per_part * f.run,
            setup_cost_fen=dec(est.setup_cost_fen * _d(f.setup)),
            run_cost_fen_per_part=dec(est.run_cost_fen_per_part * _d(f.run)),
            material_cost_fen_per_part=dec(est.material_cost_fen_per_part * _d(f.material)),
            one_offs=tuple(replace(o, fen=dec(o.fen * _d(f.setup))) for o in est.one_offs),
            assumptions=est.assumptions + (f"{est.process}: calibrated x{f.setup:.3f} setup, x{f.run:.3f} run, "
                                           f"x{f.material:.3f} material",))
