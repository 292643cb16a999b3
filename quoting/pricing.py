"""Price = steps (setup + quantity x run + material + one-offs) + transport, then overhead,
margin and the platform fee, for every quantity break in one call. Integer fen, half-up."""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from . import dfm
from .costmodels import CostContext, apply_capability, get_model
from .factors import Calibration
from .messages import Msg, percent
from .param_files import default_params
from .params import Params
from .results import QuantityQuote, Quote, QuoteLine, StepEstimate, WorkContent, to_fen
from .routing import propose_route
from .specs import QuoteRequest


def estimate_steps(req: QuoteRequest, route: tuple[str, ...], params: Params,
                   calibration: Calibration | None = None) -> tuple[StepEstimate, ...]:
    """Run each step's cost model with the chosen factory's rates (and calibration factors)."""
    steps = []
    for code in route:
        model = get_model(code)
        cap = dfm.choose_capability(code, req, params)
        ctx = CostContext(part=req.part, material=req.material, proc=apply_capability(params.process(code), cap),
                          params=params, tolerance_class=req.tolerance_class, quantity=req.quantity,
                          sheet=req.sheet, weld_length_mm=req.weld_length_mm,
                          assembly_min_per_part=req.assembly_min_per_part,
                          factory_id=cap.factory_id if cap else "")
        est = model.estimate(ctx)
        if calibration is not None:
            est = calibration.apply(est)
        steps.append(est)
    return tuple(steps)


def transport_fen(req: QuoteRequest, steps: tuple[StepEstimate, ...], quantity: int, params: Params) -> int:
    """Caller-supplied legs, or a default leg wherever consecutive steps change workshop type."""
    lot_kg = Decimal(repr(req.part.volume_mm3 / 1e6 * req.material.density_g_cm3)) * quantity
    if req.transport_legs is not None:
        total = Decimal(0)
        for leg in req.transport_legs:
            if leg.to_step >= len(steps):
                continue
            total += leg.fixed_fen + leg.fen_per_kg * lot_kg
        return to_fen(total)
    legs = 0
    for a, b in zip(steps, steps[1:]):
        same_factory = a.factory_id and a.factory_id == b.factory_id
        if not same_factory and get_model(a.process).category != get_model(b.process).category:
            legs += 1
    return to_fen(legs * (params.transport_leg_fixed_fen + params.transport_fen_per_kg * lot_kg))


def _price_quantity(req: QuoteRequest, steps: tuple[StepEstimate, ...], q: int, params: Params) -> QuantityQuote:
    lines: list[QuoteLine] = []
    for s in steps:
        lines.append(QuoteLine("setup", Msg("line.setup", minutes=s.setup_min), to_fen(s.setup_cost_fen),
                               s.process))
        lines.append(QuoteLine("run", Msg("line.run", quantity=q, minutes=s.run_min_per_part),
                               to_fen(q * s.run_cost_fen_per_part), s.process))
        topup = s.lot_topup_fen(q)
        if topup > 0:
            lines.append(QuoteLine("lot_minimum", Msg("line.lot_minimum"), to_fen(topup), s.process))
        if s.material_cost_fen_per_part > 0:
            lines.append(QuoteLine("material", Msg("line.material", quantity=q),
                                   to_fen(q * s.material_cost_fen_per_part), s.process))
        for o in s.one_offs:
            lines.append(QuoteLine("one_off", Msg("line.one_off", what=o.label), to_fen(o.fen), s.process))
    production = sum(line.fen for line in lines)
    transport = transport_fen(req, steps, q, params)
    if transport:
        lines.append(QuoteLine("transport", Msg("line.transport"), transport))
    overhead = to_fen(Decimal(production) * Decimal(repr(params.overhead_rate)))
    margin = to_fen(Decimal(production + transport + overhead) * Decimal(repr(params.margin_rate)))
    subtotal = production + transport + overhead + margin
    fee = to_fen(Decimal(subtotal) * Decimal(repr(params.platform_fee_rate)))
    total = subtotal + fee
    lines += [QuoteLine("overhead", Msg("line.overhead", rate=percent(params.overhead_rate)), overhead),
              QuoteLine("margin", Msg("line.margin", rate=percent(params.margin_rate)), margin),
              QuoteLine("platform_fee", Msg("line.platform_fee", rate=percent(params.platform_fee_rate)), fee)]
    unit = int((Decimal(total) / q).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return QuantityQuote(quantity=q, lines=tuple(lines), production_fen=production, transport_fen=transport,
                         overhead_fen=overhead, margin_fen=margin, subtotal_fen=subtotal, platform_fee_fen=fee,
                         total_fen=total, unit_price_fen=unit)


def quote(req: QuoteRequest, params: Params | None = None, calibration: Calibration | None = None) -> Quote:
    """Price a part at ``req.quantities`` (the quantity plus every break) in one call."""
    params = params or default_params()
    reasons: tuple[Msg, ...] = ()
    if req.route is None:
        route, reasons = propose_route(req, params)
        proposed = True
    else:
        route = tuple(req.route)
        for code in route:
            get_model(code)  # raises UnknownProcessError with the known codes
        proposed = False
    steps = estimate_steps(req, route, params, calibration)
    warnings = dfm.check(req, route, params) + tuple(w for s in steps for w in s.warnings)
    breaks = tuple(_price_quantity(req, steps, q, params) for q in req.quantities)
    tol = dfm.required_tolerance_mm(req, params)
    work = tuple(WorkContent(s.process, math.ceil(s.setup_min), s.run_min_per_part, s.factory_id,
                             dfm.step_envelope(req, s.process), tol) for s in steps)
    assumptions = (req.part.assumptions + tuple(Msg("assume.route", reason=r) for r in reasons)
                   + tuple(a for s in steps for a in s.assumptions) + (Msg("assume.money"),))
    return Quote(route=route, route_proposed=proposed, material_code=req.material.code, part=req.part,
                 steps=steps, breaks=breaks, work_content=work, assumptions=assumptions, warnings=warnings,
                 feasible=not any(w.severity == "blocking" for w in warnings), lead_time_tier=req.lead_time_tier)
