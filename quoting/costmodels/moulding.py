"""Injection moulding: one-off tooling plus a per-shot cost shared by the cavities."""
from __future__ import annotations

from ..messages import Msg
from ..results import StepEstimate
from .base import CostContext, CostModel, assume, estimate, warn


def cavities_for(ctx: CostContext) -> int:
    cav = 1
    for min_qty, n in ctx.proc.p("cavities_by_quantity"):
        if ctx.quantity >= min_qty:
            cav = int(n)
    return cav


def _injection(ctx: CostContext) -> StepEstimate:
    p, part = ctx.proc, ctx.part
    warnings = []
    if ctx.material.family != "plastic":
        warnings.append(warn("process_material", Msg("dfm.moulding_needs_plastic", material=ctx.material.code),
                             p.code, "blocking"))
    cav = cavities_for(ctx)
    projected_cm2 = part.stock_dims_mm[0] * part.stock_dims_mm[1] / 100
    tool_one = (float(p.p("tooling_base_fen")) + float(p.p("tooling_fen_per_cm2")) * projected_cm2
                + float(p.p("tooling_complexity_fen_per_setup")) * max(0, part.setups - 2))
    tooling = tool_one * cav ** float(p.p("cavity_exponent"))
    wall = part.min_wall_mm or float(p.p("default_wall_mm"))
    cycle_s = float(p.p("cycle_s_base")) + float(p.p("cycle_s_per_mm2_wall")) * wall ** 2
    run = cycle_s / 60 / cav / p.speed_factor
    shot_kg = part.volume_mm3 / 1e6 * ctx.material.density_g_cm3 * (1 + float(p.p("runner_fraction")))
    mat = shot_kg * ctx.material.price_fen_per_kg
    assumptions = [assume("assume.moulding", ctx, cavities=cav, quantity=ctx.quantity, tooling=tooling / 100,
                          cycle=cycle_s, wall=wall)]
    return estimate(ctx, setup_min=p.setup_min, run_min=run, material_fen=mat,
                    one_offs=((Msg("oneoff.tooling"), tooling),),
                    assumptions=assumptions, warnings=warnings)


MODELS = (
    CostModel("injection_mold", _injection, ("tooling_base_fen", "tooling_fen_per_cm2",
                                             "tooling_complexity_fen_per_setup", "cavity_exponent",
                                             "cavities_by_quantity", "cycle_s_base", "cycle_s_per_mm2_wall",
                                             "default_wall_mm", "runner_fraction"), "moulding"),
)
