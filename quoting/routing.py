"""Process-route proposal: which processes make this part, in which order, and why."""
from __future__ import annotations

from .errors import InputError
from .messages import Msg, percent
from .params import Params
from .specs import MachineCapability, PartFeatures, QuoteRequest

# when the cluster has no machine for the first choice, try these in order
ALTERNATIVES = {
    "cnc_mill_3ax": ("cnc_mill_5ax",),
    "cnc_mill_5ax": ("cnc_mill_3ax",),
    "cnc_turn": ("cnc_mill_3ax", "cnc_mill_5ax"),
    "laser_cut": ("sheet_punch", "cnc_mill_3ax"),   # a flat blank can be milled where no sheet machine is
    "sheet_punch": ("laser_cut", "cnc_mill_3ax"),
    "fdm_print": ("sls_print", "cnc_mill_3ax"),
    "sls_print": ("fdm_print", "cnc_mill_3ax"),
    "wire_edm": ("cnc_mill_5ax", "cnc_mill_3ax"),
}
FDM_MATERIALS = ("pla", "abs", "pc", "pp")
SLS_MATERIALS = ("pa12",)


def sheet_thickness(part: PartFeatures) -> float | None:
    """Thickness when the part looks like sheet metal (two large faces dominate the area), else None."""
    for t in (part.stock_dims_mm[2], part.min_wall_mm):
        if t and t <= 6.0 and part.area_mm2 > 0 and 0.75 <= 2 * part.volume_mm3 / (t * part.area_mm2) <= 1.05:
            return t
    return None


def _machining(part: PartFeatures) -> tuple[str, Msg]:
    if part.rotational:
        return "cnc_turn", Msg("route.turn", axis=part.rotation_axis)
    if part.complex:
        return "cnc_mill_5ax", Msg("route.mill_5ax", setups=part.setups, freeform=percent(part.freeform_share))
    return "cnc_mill_3ax", Msg("route.mill_3ax", setups=part.setups)


def _primary(req: QuoteRequest, params: Params) -> tuple[list[str], list[Msg]]:
    part, mat, hint = req.part, req.material, req.process_hint
    reasons: list[Msg] = []
    if hint == "edm":
        if not mat.is_metal:
            raise InputError(Msg("input.edm_needs_metal"), field="process_hint")
        return ["wire_edm"], [Msg("route.edm_hint")]
    if mat.is_metal:
        if hint in ("printing", "moulding"):
            raise InputError(Msg(f"input.{hint}_needs_plastic", material=mat.code), field="process_hint")
        if req.sheet is not None or hint == "sheet" or (hint is None and sheet_thickness(part) is not None):
            route = ["laser_cut"]
            t = req.sheet.thickness_mm if req.sheet else sheet_thickness(part)
            reasons.append(Msg("route.sheet", thickness=t))
            bends = req.sheet.bends if req.sheet else 0
            if bends:
                route.append("press_brake")
                reasons.append(Msg("route.bends", bends=bends))
            if req.weld_length_mm > 0:
                route.append("welding")
                reasons.append(Msg("route.weld", length=req.weld_length_mm))
            return route, reasons
        proc, why = _machining(part)
        return [proc], [why]
    # plastics
    if hint == "sheet":
        raise InputError(Msg("input.sheet_needs_metal"), field="process_hint")
    if hint == "machining":
        proc, why = _machining(part)
        return [proc], [why]
    if hint == "moulding" or (hint is None and req.quantity >= params.injection_min_quantity):
        return ["injection_mold"], [Msg("route.moulding", quantity=req.quantity,
                                        minimum=params.injection_min_quantity)]
    if mat.code in SLS_MATERIALS:
        return ["sls_print"], [Msg("route.sls", material=mat.code, quantity=req.quantity)]
    if mat.code in FDM_MATERIALS or hint == "printing":
        return ["fdm_print"], [Msg("route.fdm", material=mat.code, quantity=req.quantity)]
    proc, why = _machining(part)
    return [proc], [Msg("route.not_printed", material=mat.code, reason=why)]


def _available(route: list[str], part: PartFeatures, caps: tuple[MachineCapability, ...] | None,
               reasons: list[Msg]) -> list[str]:
    """Swap a process the cluster lacks (or whose machines are all too small) for an alternative it has."""
    if caps is None:
        return route
    have = {c.process for c in caps}
    fitting = {c.process for c in caps if c.fits(part.stock_dims_mm)}
    out = []
    for proc in route:
        if proc not in fitting and proc in ALTERNATIVES:
            alt = next((a for a in ALTERNATIVES[proc] if a in fitting), None)
            if alt is not None:
                code = "route.no_process" if proc not in have else "route.none_fits"
                reasons.append(Msg(code, process=proc, alternative=alt))
                proc = alt
        out.append(proc)
    return out


def propose_route(req: QuoteRequest, params: Params) -> tuple[tuple[str, ...], tuple[Msg, ...]]:
    """(route, reasons). Shaping first, then heat treatment, finish, assembly, inspection."""
    route, reasons = _primary(req, params)
    route = _available(route, req.part, req.capabilities, reasons)
    if req.heat_treat:
        route.append("heat_treat")
        reasons.append(Msg("route.heat_treat"))
    if req.finish == "anodised":
        route.append("anodise")
        reasons.append(Msg("route.anodise"))
    elif req.finish == "powder_coat":
        route.append("powder_coat")
        reasons.append(Msg("route.powder_coat"))
    if req.assembly_min_per_part > 0:
        route.append("assembly")
        reasons.append(Msg("route.assembly", minutes=req.assembly_min_per_part))
    if req.tolerance_class == "f":
        route.append("cmm_inspect")
        reasons.append(Msg("route.cmm"))
    return tuple(route), tuple(reasons)
