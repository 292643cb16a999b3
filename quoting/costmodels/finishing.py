"""Finishing, heat treatment, assembly and inspection: per area / per kg / per minute with lot minimums and fees."""
from __future__ import annotations

import math

from ..messages import Msg, percent
from ..results import StepEstimate
from .base import CostContext, CostModel, assume, estimate


def _per_area(ctx: CostContext) -> StepEstimate:
    p = ctx.proc
    dm2 = ctx.part.area_mm2 / 1e4
    area_fen = dm2 * float(p.p("fen_per_dm2"))
    rack = float(p.p("rack_min_per_part")) / p.speed_factor
    return estimate(ctx, setup_min=p.setup_min, run_min=rack, extra_run_fen=area_fen,
                    lot_minimum_fen=float(p.p("lot_minimum_fen")),
                    assumptions=[assume("assume.per_area", ctx, area=dm2, price=float(p.p("fen_per_dm2")) / 100,
                                        minimum=float(p.p("lot_minimum_fen")) / 100)])


def _heat_treat(ctx: CostContext) -> StepEstimate:
    p = ctx.proc
    kg = ctx.part_mass_kg
    return estimate(ctx, setup_min=p.setup_min, run_min=float(p.p("load_min_per_part")) / p.speed_factor,
                    extra_run_fen=kg * float(p.p("fen_per_kg")), lot_minimum_fen=float(p.p("lot_minimum_fen")),
                    assumptions=[assume("assume.heat_treat", ctx, mass=kg, price=float(p.p("fen_per_kg")) / 100,
                                        minimum=float(p.p("lot_minimum_fen")) / 100)])


def _assembly(ctx: CostContext) -> StepEstimate:
    p = ctx.proc
    minutes = ctx.assembly_min_per_part or float(p.p("default_min_per_part"))
    return estimate(ctx, setup_min=p.setup_min, run_min=minutes / p.speed_factor,
                    one_offs=((Msg("oneoff.fixed_fee"), float(p.p("fixed_fee_fen"))),),
                    assumptions=[assume("assume.assembly", ctx, minutes=minutes)])


def cmm_features(ctx: CostContext) -> int:
    return max(4, math.ceil(ctx.part.area_mm2 / float(ctx.proc.p("feature_area_mm2"))) + 2 * ctx.part.through_holes)


def _cmm(ctx: CostContext) -> StepEstimate:
    p = ctx.proc
    features = cmm_features(ctx)
    full = (float(p.p("full_min_base")) + float(p.p("full_min_per_feature")) * features) / p.speed_factor
    setup = p.setup_min + float(p.p("programming_min")) + full
    run = full * float(p.p("sample_rate"))
    return estimate(ctx, setup_min=setup, run_min=run,
                    one_offs=((Msg("oneoff.fixed_fee"), float(p.p("fixed_fee_fen"))),),
                    assumptions=[assume("assume.cmm", ctx, features=features, full=full,
                                        sample=percent(float(p.p("sample_rate"))))])


MODELS = (
    CostModel("anodise", _per_area, ("fen_per_dm2", "lot_minimum_fen", "rack_min_per_part"), "finishing"),
    CostModel("powder_coat", _per_area, ("fen_per_dm2", "lot_minimum_fen", "rack_min_per_part"), "finishing"),
    CostModel("heat_treat", _heat_treat, ("fen_per_kg", "lot_minimum_fen", "load_min_per_part"), "finishing"),
    CostModel("assembly", _assembly, ("fixed_fee_fen", "default_min_per_part"), "labour"),
    CostModel("cmm_inspect", _cmm, ("fixed_fee_fen", "programming_min", "full_min_base", "full_min_per_feature",
                                    "sample_rate", "feature_area_mm2"), "inspection"),
)
