"""Sheet-metal cost models: laser cutting, turret punching, press-brake bending, welding."""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..messages import Msg, dims
from ..results import StepEstimate
from ..routing import sheet_thickness
from .base import CostContext, CostModel, assume, estimate, warn
from .machining import prismatic_contour_mm


@dataclass(frozen=True)
class SheetLayout:
    thickness_mm: float
    blank_mm: tuple[float, float]
    cut_length_mm: float
    pierces: int
    parts_per_sheet: int
    sheet_mass_kg: float
    derived: tuple[Msg, ...]


def sheet_layout(ctx: CostContext) -> SheetLayout:
    """Thickness, flat blank, cut length and pierces (declared or derived) and the sheet yield."""
    part, spec, p = ctx.part, ctx.sheet, ctx.proc
    derived = []
    t = spec.thickness_mm if spec else (sheet_thickness(part) or part.stock_dims_mm[2])  # the routing's rule
    if spec is None:
        derived.append(assume("assume.sheet_thickness", ctx, thickness=t))
    flat_area = part.volume_mm3 / t
    length = part.stock_dims_mm[0]
    if spec and spec.flat_size_mm:
        blank = (max(spec.flat_size_mm), min(spec.flat_size_mm))
    else:
        bends = spec.bends if spec else 0
        width = flat_area / length if bends else max(part.stock_dims_mm[1], flat_area / length)
        blank = (length, width)
        derived.append(assume("assume.sheet_blank", ctx, blank=dims(blank)))
    if spec and spec.cut_length_mm:
        cut = spec.cut_length_mm
    elif part.area_estimated:
        cut = 2 * (blank[0] + blank[1]) + part.through_holes * math.pi * min(blank) * 0.1
        derived.append(assume("assume.sheet_outline", ctx, length=cut))
    else:
        cut = max(prismatic_contour_mm(part.area_mm2, part.volume_mm3, t), 2 * (blank[0] + blank[1]) * 0.5)
        derived.append(assume("assume.sheet_contour", ctx, length=cut))
    pierces = spec.pierces if (spec and spec.pierces is not None) else 1 + part.through_holes
    s1, s2 = p.p("sheet_size_mm")
    gap = float(p.p("part_gap_mm"))
    per_sheet = max(math.floor(s1 / (blank[1] + gap)) * math.floor(s2 / (blank[0] + gap)),
                    math.floor(s1 / (blank[0] + gap)) * math.floor(s2 / (blank[1] + gap)))
    sheet_mass = s1 * s2 * t / 1e6 * ctx.material.density_g_cm3
    return SheetLayout(t, blank, cut, pierces, per_sheet, sheet_mass, tuple(derived))


def _sheet_material(ctx: CostContext, lay: SheetLayout, warnings: list) -> float:
    scrap = float(ctx.proc.p("scrap_rate"))
    price = ctx.material.price_fen_per_kg * (1 + scrap)
    if lay.parts_per_sheet < 1:
        warnings.append(warn("sheet_size", Msg("dfm.sheet_size", blank=dims(lay.blank_mm),
                                               sheet=dims(ctx.proc.p("sheet_size_mm"))), ctx.proc.code))
        return lay.blank_mm[0] * lay.blank_mm[1] * lay.thickness_mm / 1e6 * ctx.material.density_g_cm3 * price * 1.3
    return lay.sheet_mass_kg * price / lay.parts_per_sheet


def _laser(ctx: CostContext) -> StepEstimate:
    p = ctx.proc
    lay = sheet_layout(ctx)
    warnings: list = []
    speed_1mm = float(p.p("speed_mm_per_min_at_1mm")[ctx.material.family])
    speed = speed_1mm / lay.thickness_mm ** float(p.p("speed_exponent"))
    cut_min = lay.cut_length_mm * float(p.p("contour_factor")) / speed
    pierce_min = lay.pierces * (float(p.p("pierce_s_base")) + float(p.p("pierce_s_per_mm")) * lay.thickness_mm) / 60
    run = (cut_min + pierce_min) / p.speed_factor + float(p.p("handling_min_per_part"))
    mat = _sheet_material(ctx, lay, warnings)
    assumptions = [*(lay.derived or [assume("assume.sheet_declared", ctx)]),
                   assume("assume.laser", ctx, length=lay.cut_length_mm, speed=speed, pierces=lay.pierces,
                          per_sheet=lay.parts_per_sheet)]
    return estimate(ctx, setup_min=p.setup_min, run_min=run, material_fen=mat, assumptions=assumptions,
                    warnings=warnings)


def _punch(ctx: CostContext) -> StepEstimate:
    p = ctx.proc
    lay = sheet_layout(ctx)
    warnings: list = []
    hits = lay.pierces + lay.cut_length_mm / float(p.p("nibble_pitch_mm"))
    run = hits / float(p.p("hits_per_min")) / p.speed_factor + float(p.p("handling_min_per_part"))
    setup = p.setup_min + min(lay.pierces, 10) * float(p.p("tool_change_min"))
    mat = _sheet_material(ctx, lay, warnings)
    assumptions = [assume("assume.punch", ctx, hits=hits, per_sheet=lay.parts_per_sheet)]
    return estimate(ctx, setup_min=setup, run_min=run, material_fen=mat, assumptions=assumptions, warnings=warnings)


def _brake(ctx: CostContext) -> StepEstimate:
    p = ctx.proc
    bends = ctx.sheet.bends if ctx.sheet else 0
    warnings = []
    if bends == 0:
        warnings.append(warn("no_bends", Msg("dfm.no_bends"), p.code))
    run = bends * float(p.p("seconds_per_bend")) / 60 / p.speed_factor + float(p.p("handling_min_per_part"))
    setup = p.setup_min + min(bends, 4) * float(p.p("tool_setup_min_per_bend"))
    return estimate(ctx, setup_min=setup, run_min=run, assumptions=[assume("assume.brake", ctx, bends=bends)],
                    warnings=warnings)


def _welding(ctx: CostContext) -> StepEstimate:
    p = ctx.proc
    speed = float(p.p("weld_mm_per_min")[ctx.material.family])
    warnings = []
    if speed <= 0:
        warnings.append(warn("process_material", Msg("dfm.not_weldable", material=ctx.material.code), p.code,
                             "blocking"))
        speed = 1.0
    if ctx.weld_length_mm <= 0:
        warnings.append(warn("no_weld_length", Msg("dfm.no_weld_length"), p.code))
    run = ctx.weld_length_mm / speed / p.speed_factor + float(p.p("tack_min_per_part"))
    consumables = ctx.weld_length_mm / 1000 * float(p.p("consumables_fen_per_m"))
    return estimate(ctx, setup_min=p.setup_min, run_min=run, material_fen=consumables,
                    assumptions=[assume("assume.weld", ctx, length=ctx.weld_length_mm, speed=speed)],
                    warnings=warnings)


MODELS = (
    CostModel("laser_cut", _laser, ("speed_mm_per_min_at_1mm", "speed_exponent", "pierce_s_base", "pierce_s_per_mm",
                                    "sheet_size_mm", "part_gap_mm", "scrap_rate", "handling_min_per_part",
                                    "contour_factor"), "sheet"),
    CostModel("sheet_punch", _punch, ("hits_per_min", "nibble_pitch_mm", "tool_change_min", "sheet_size_mm",
                                      "part_gap_mm", "scrap_rate", "handling_min_per_part"), "sheet"),
    CostModel("press_brake", _brake, ("seconds_per_bend", "handling_min_per_part", "tool_setup_min_per_bend"), "sheet"),
    CostModel("welding", _welding, ("weld_mm_per_min", "tack_min_per_part", "consumables_fen_per_m"), "joining"),
)
