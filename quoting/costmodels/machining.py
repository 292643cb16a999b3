"""Machining cost models: 3- and 5-axis milling, turning, wire EDM."""
from __future__ import annotations

import math

from ..messages import Msg, dims, percent
from ..results import StepEstimate
from .base import CostContext, CostModel, assume, estimate, round_up, snap_up, warn

_AXES = {"x": 0, "y": 1, "z": 2}


def block_stock(ctx: CostContext) -> tuple[tuple[float, float, float], float]:
    """Stock block: part box + allowance per side, thickness snapped to plate series, sides to a saw step."""
    allowance = float(ctx.proc.p("stock_allowance_mm"))
    step = float(ctx.proc.params.get("stock_length_step_mm", 5))
    length, width, height = ctx.part.stock_dims_mm
    thick = snap_up(height + 2 * allowance, ctx.params.plate_thickness_mm)
    dims = (round_up(length + 2 * allowance, step), round_up(width + 2 * allowance, step), thick)
    return dims, dims[0] * dims[1] * dims[2]


def material_fen(ctx: CostContext, stock_volume_mm3: float, scrap_rate: float) -> tuple[float, float]:
    mass_kg = stock_volume_mm3 / 1e6 * ctx.material.density_g_cm3
    return mass_kg, mass_kg * ctx.material.price_fen_per_kg * (1 + scrap_rate)


def _milling(ctx: CostContext) -> StepEstimate:
    p, part, fam = ctx.proc, ctx.part, ctx.params.family(ctx.material.family)
    stock, stock_vol = block_stock(ctx)
    mass, mat_fen = material_fen(ctx, stock_vol, float(p.p("scrap_rate")))
    removed_cm3 = max(0.0, stock_vol - part.volume_mm3) / 1000.0
    removal_rate = fam["removal_cm3_per_min"] * float(p.p("removal_rate_factor"))
    rough = removed_cm3 / removal_rate * ctx.machinability / p.speed_factor
    finish = part.area_mm2 / 100.0 / fam["finish_cm2_per_min"] * ctx.tol_factor / p.speed_factor
    setups = max(1, part.setups)
    handling = setups * float(p.p("handling_min_per_setup"))
    run = max(float(p.p("min_run_min")), rough + finish + handling)
    setup = p.setup_min + (setups - 1) * float(p.p("extra_setup_min"))
    prog_min = (float(p.p("programming_min_base")) + setups * float(p.params.get("programming_min_per_setup", 0)))
    prog_min *= 1 + part.freeform_share
    prog_fen = prog_min / 60 * float(p.p("programming_rate_fen_per_h"))
    warnings = []
    if p.code == "cnc_mill_3ax" and part.complex:
        warnings.append(warn("complex_geometry", Msg("dfm.complex_geometry", setups=setups,
                                                     freeform=percent(part.freeform_share)), p.code, "info"))
    assumptions = [
        assume("assume.mill_stock", ctx, stock=dims(stock), mass=mass, scrap=percent(float(p.p("scrap_rate"))),
               removed=removed_cm3, rate=removal_rate),
        assume("assume.mill_time", ctx, setups=setups, rough=rough, finish=finish, factor=ctx.tol_factor,
               programming=prog_min),
    ]
    return estimate(ctx, setup_min=setup, run_min=run, material_fen=mat_fen,
                    one_offs=((Msg("oneoff.programming"), prog_fen),), assumptions=assumptions, warnings=warnings)


def turning_dims(ctx: CostContext) -> tuple[float, float]:
    """(length along the axis, turned diameter) in mm."""
    part = ctx.part
    if part.rotational and part.rotation_axis in _AXES:
        i = _AXES[part.rotation_axis]
        others = [d for j, d in enumerate(part.bbox_mm) if j != i]
        return part.bbox_mm[i], max(others)
    dims = part.stock_dims_mm
    return dims[0], dims[1]


def _turning(ctx: CostContext) -> StepEstimate:
    p, part, fam = ctx.proc, ctx.part, ctx.params.family(ctx.material.family)
    length, dia = turning_dims(ctx)
    warnings = []
    if not part.rotational:
        warnings.append(warn("not_rotational", Msg("dfm.not_rotational"), p.code))
    bar_d = snap_up(dia + float(p.p("diameter_allowance_mm")), ctx.params.bar_diameter_mm)
    segment = length + float(p.p("facing_allowance_mm")) + float(p.p("parting_width_mm"))
    usable = float(p.p("bar_length_mm")) - float(p.p("bar_remnant_mm"))
    per_bar = math.floor(usable / segment)
    section = math.pi / 4 * bar_d ** 2
    if per_bar < 1:
        per_bar = 1
        bar_vol = section * (segment + float(p.p("bar_remnant_mm")))
        warnings.append(warn("long_part", Msg("dfm.long_part", length=length), p.code))
    else:
        bar_vol = section * float(p.p("bar_length_mm"))
    mass, bar_fen = material_fen(ctx, bar_vol, float(p.p("scrap_rate")))
    mat_fen = bar_fen / per_bar
    removed_cm3 = max(0.0, section * (length + float(p.p("facing_allowance_mm"))) - part.volume_mm3) / 1000.0
    removal_rate = fam["removal_cm3_per_min"] * float(p.p("removal_rate_factor"))
    rough = removed_cm3 / removal_rate * ctx.machinability / p.speed_factor
    finish = part.area_mm2 / 100.0 / fam["turn_finish_cm2_per_min"] * ctx.tol_factor / p.speed_factor
    setups = min(2, max(1, part.setups))
    run = max(float(p.p("min_run_min")), rough + finish + setups * float(p.p("handling_min_per_setup")))
    setup = p.setup_min + (setups - 1) * float(p.p("extra_setup_min"))
    prog_fen = float(p.p("programming_min_base")) / 60 * float(p.p("programming_rate_fen_per_h"))
    assumptions = [assume("assume.turn", ctx, bar=bar_d, per_bar=per_bar, mass=mass, length=length, rough=rough,
                          finish=finish)]
    return estimate(ctx, setup_min=setup, run_min=run, material_fen=mat_fen,
                    one_offs=((Msg("oneoff.programming"), prog_fen),), assumptions=assumptions, warnings=warnings)


def prismatic_contour_mm(area_mm2: float, volume_mm3: float, thickness_mm: float) -> float:
    """Total contour length of a prism of height ``thickness``: A = 2V/t + P*t."""
    return max(0.0, (area_mm2 - 2 * volume_mm3 / thickness_mm) / thickness_mm)


def _wire_edm(ctx: CostContext) -> StepEstimate:
    p, part = ctx.proc, ctx.part
    rate = float(p.p("area_rate_mm2_per_min")[ctx.material.family])
    thickness = part.stock_dims_mm[2]
    contour = prismatic_contour_mm(part.area_mm2, part.volume_mm3, thickness)
    if part.area_estimated:
        contour = 2 * (part.stock_dims_mm[0] + part.stock_dims_mm[1])
    warnings = []
    if rate <= 0:
        warnings.append(warn("process_material", Msg("dfm.edm_not_conductive", material=ctx.material.code),
                             p.code, "blocking"))
        rate = 1.0
    cut_area = contour * thickness
    skims = int(p.p(f"skim_passes_{ctx.tolerance_class}"))
    cut_min = cut_area / rate * (1 + skims / float(p.p("skim_speedup"))) / p.speed_factor
    starts = 1 + part.through_holes
    run = cut_min + starts * float(p.p("threading_min_per_start"))
    _, stock_vol = block_stock(ctx)
    _, mat_fen = material_fen(ctx, stock_vol, float(p.p("scrap_rate")))
    assumptions = [assume("assume.edm", ctx, contour=contour, thickness=thickness, rate=rate, skims=skims,
                          starts=starts)]
    return estimate(ctx, setup_min=p.setup_min, run_min=run, material_fen=mat_fen,
                    assumptions=assumptions, warnings=warnings)


_MILL_KEYS = ("extra_setup_min", "handling_min_per_setup", "programming_min_base", "programming_rate_fen_per_h",
              "stock_allowance_mm", "scrap_rate", "removal_rate_factor", "min_run_min")

MODELS = (
    CostModel("cnc_mill_3ax", _milling, _MILL_KEYS, "machining"),
    CostModel("cnc_mill_5ax", _milling, _MILL_KEYS, "machining"),
    CostModel("cnc_turn", _turning, ("bar_length_mm", "bar_remnant_mm", "facing_allowance_mm", "parting_width_mm",
                                     "diameter_allowance_mm", "scrap_rate", "removal_rate_factor", "min_run_min",
                                     "programming_min_base", "programming_rate_fen_per_h"), "machining"),
    CostModel("wire_edm", _wire_edm, ("area_rate_mm2_per_min", "threading_min_per_start", "stock_allowance_mm",
                                      "scrap_rate", "skim_passes_f", "skim_passes_m", "skim_passes_c",
                                      "skim_speedup"), "machining"),
)
