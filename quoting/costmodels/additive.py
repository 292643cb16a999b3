"""3D printing: FDM (material grams, machine hours) and SLS (build packing by bounding box)."""
from __future__ import annotations

import math

from ..messages import Msg, percent
from ..results import StepEstimate
from .base import CostContext, CostModel, assume, estimate, warn


def _plastic_check(ctx: CostContext) -> list:
    if ctx.material.family != "plastic":
        return [warn("process_material", Msg("dfm.printing_needs_plastic", process=ctx.proc.code,
                                             material=ctx.material.code), ctx.proc.code, "blocking")]
    return []


def _fdm(ctx: CostContext) -> StepEstimate:
    p, part = ctx.proc, ctx.part
    shell = min(part.volume_mm3, part.area_mm2 * float(p.p("shell_mm")))
    printed = (shell + float(p.p("infill")) * (part.volume_mm3 - shell)) * (1 + float(p.p("support_fraction")))
    grams = printed / 1000 * ctx.material.density_g_cm3
    hours = printed / 1000 / float(p.p("deposition_cm3_per_h")) / p.speed_factor
    run = hours * 60 + float(p.p("post_min_per_part"))
    mat = grams / 1000 * ctx.material.price_fen_per_kg
    return estimate(ctx, setup_min=p.setup_min, run_min=run, material_fen=mat, warnings=_plastic_check(ctx),
                    assumptions=[assume("assume.fdm", ctx, grams=grams, infill=percent(float(p.p("infill"))),
                                        hours=hours)])


def _sls(ctx: CostContext) -> StepEstimate:
    p, part = ctx.proc, ctx.part
    cx, cy, cz = p.p("chamber_mm")
    per_build = max(1, math.floor(float(p.p("packing_density")) * cx * cy * cz / part.bbox_volume_mm3))
    build_min = float(p.p("build_hours_per_build")) * 60 / p.speed_factor
    run = build_min / per_build + float(p.p("post_min_per_part"))
    grams = part.volume_mm3 / 1000 * ctx.material.density_g_cm3
    mat = grams * (1 + float(p.p("powder_waste_fraction"))) / 1000 * ctx.material.price_fen_per_kg
    return estimate(ctx, setup_min=p.setup_min, run_min=run, material_fen=mat, warnings=_plastic_check(ctx),
                    assumptions=[assume("assume.sls", ctx, grams=grams, per_build=per_build,
                                        packing=percent(float(p.p("packing_density"))))])


MODELS = (
    CostModel("fdm_print", _fdm, ("shell_mm", "infill", "support_fraction", "deposition_cm3_per_h",
                                  "post_min_per_part"), "additive"),
    CostModel("sls_print", _sls, ("chamber_mm", "packing_density", "build_hours_per_build",
                                  "powder_waste_fraction", "post_min_per_part"), "additive"),
)
