"""Process-route proposal: which processes make this part, in which order, and why."""
from __future__ import annotations

from .errors import InputError
from .params import Params
from .specs import MachineCapability, PartFeatures, QuoteRequest

# when the cluster has no machine for the first choice, try these in order
ALTERNATIVES = {
    "cnc_mill_3ax": ("cnc_mill_5ax",),
    "cnc_mill_5ax": ("cnc_mill_3ax",),
    "cnc_turn": ("cnc_mill_3ax", "cnc_mill_5ax"),
    "laser_cut": ("sheet_punch",),
    "sheet_punch": ("laser_cut",),
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


def _machining(part: PartFeatures) -> tuple[str, str]:
    if part.rotational:
        return "cnc_turn", f"rotationally symmetric about {part.rotation_axis}: turning"
    if part.complex:
        return "cnc_mill_5ax", f"{part.setups} setups / {part.freeform_share:.0%} free-form area: 5-axis milling"
    return "cnc_mill_3ax", f"prismatic part, {part.setups} setup(s): 3-axis milling"


def _primary(req: QuoteRequest, params: Params) -> tuple[list[str], list[str]]:
    part, mat, hint = req.part, req.material, req.process_hint
    reasons: list[str] = []
    if hint == "edm":
        if not mat.is_metal:
            raise InputError("wire EDM needs a conductive (metal) material")
        return ["wire_edm"], ["process hint edm: wire EDM"]
    if mat.is_metal:
        if hint in ("printing", "moulding"):
            raise InputError(f"{hint} is offered for plastics only; {mat.code} is {mat.family}")
        if req.sheet is not None or hint == "sheet" or (hint is None and sheet_thickness(part) is not None):
            route = ["laser_cut"]
            t = req.sheet.thickness_mm if req.sheet else sheet_thickness(part)
            reasons.append(f"sheet part ({t:.1f} mm): laser cutting")
            bends = req.sheet.bends if req.sheet else 0
            if bends:
                route.append("press_brake")
                reasons.append(f"{bends} bend(s): press brake")
            if req.weld_length_mm > 0:
                route.append("welding")
                reasons.append(f"{req.weld_length_mm:.0f} mm of weld")
            return route, reasons
        proc, why = _machining(part)
        return [proc], [why]
    # plastics
    if hint == "sheet":
        raise InputError("sheet-metal processes need a metal; choose machining, printing or moulding for plastics")
    if hint == "machining":
        proc, why = _machining(part)
        return [proc], [why]
    if hint == "moulding" or (hint is None and req.quantity >= params.injection_min_quantity):
        return ["injection_mold"], [f"plastic at {req.quantity} pcs (>= {params.injection_min_quantity}): "
                                    "injection moulding"]
    if mat.code in SLS_MATERIALS:
        return ["sls_print"], [f"{mat.code} powder, {req.quantity} pcs: SLS printing"]
    if mat.code in FDM_MATERIALS or hint == "printing":
        return ["fdm_print"], [f"{mat.code}, {req.quantity} pcs: FDM printing"]
    proc, why = _machining(part)
    return [proc], [f"{mat.code} is not printed at the platform; {why}"]


def _available(route: list[str], part: PartFeatures, caps: tuple[MachineCapability, ...] | None,
               reasons: list[str]) -> list[str]:
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
                if proc not in have:
                    reasons.append(f"no {proc} in the cluster: {alt} instead")
                else:
                    reasons.append(f"no {proc} machine in the cluster fits the part: {alt} instead")
                proc = alt
        out.append(proc)
    return out


def propose_route(req: QuoteRequest, params: Params) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(route, reasons). Shaping first, then heat treatment, finish, assembly, inspection."""
    route, reasons = _primary(req, params)
    route = _available(route, req.part, req.capabilities, reasons)
    if req.heat_treat:
        route.append("heat_treat")
        reasons.append("heat treatment requested")
    if req.finish == "anodised":
        route.append("anodise")
        reasons.append("finish anodised")
    elif req.finish == "powder_coat":
        route.append("powder_coat")
        reasons.append("finish powder coat")
    if req.assembly_min_per_part > 0:
        route.append("assembly")
        reasons.append(f"assembly {req.assembly_min_per_part:g} min per part")
    if req.tolerance_class == "f":
        route.append("cmm_inspect")
        reasons.append("ISO 2768-f: CMM inspection")
    return tuple(route), tuple(reasons)
