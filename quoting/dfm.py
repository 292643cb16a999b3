"""Design-for-manufacture checks that span steps: thin walls, deep pockets, envelope, tolerance, machines."""
from __future__ import annotations

from .costmodels import get_model
from .messages import Msg
from .messages import dims as dims_text
from .params import Params, iso2768_tolerance_mm
from .results import DfmWarning
from .routing import sheet_thickness
from .specs import MachineCapability, QuoteRequest

SHAPING = ("machining", "sheet", "moulding", "additive")
_DFM_CLASS = {"machining": "machining", "sheet": "sheet", "moulding": "moulding", "additive": "additive"}


def required_tolerance_mm(req: QuoteRequest, params: Params) -> float:
    """Tightest tolerance the part asks for: explicit, else ISO 2768 for its smallest dimension."""
    if req.tightest_tolerance_mm is not None:
        return req.tightest_tolerance_mm
    return iso2768_tolerance_mm(params, req.tolerance_class, min(req.part.stock_dims_mm))


def choose_capability(process: str, req: QuoteRequest, params: Params) -> MachineCapability | None:
    """Cheapest machine of the cluster for the process that fits and holds the tolerance (else cheapest)."""
    caps = [c for c in (req.capabilities or ()) if c.process == process]
    if not caps:
        return None
    tol = required_tolerance_mm(req, params)
    good = [c for c in caps if c.fits(step_envelope(req, process)) and c.best_tolerance_mm <= tol]
    return min(good or caps, key=lambda c: (c.hourly_rate_fen, c.factory_id))


def step_envelope(req: QuoteRequest, process: str) -> tuple[float, float, float]:
    """Dimensions a machine of this step must hold: the flat blank for cutting/punching, else the part box."""
    dims = req.part.stock_dims_mm
    if get_model(process).category == "sheet" and process != "press_brake":
        t = req.sheet.thickness_mm if req.sheet else (sheet_thickness(req.part) or dims[2])
        if req.sheet and req.sheet.flat_size_mm:
            a, b = req.sheet.flat_size_mm
        else:
            bends = req.sheet.bends if req.sheet else 0
            a, b = dims[0], max(0.0 if bends else dims[1], req.part.volume_mm3 / t / dims[0])
        return (max(a, b), min(a, b), t)
    return dims


def _fits(envelope, dims) -> bool:
    return all(p <= e + 1e-9 for p, e in zip(sorted(dims, reverse=True), sorted(envelope, reverse=True)))


def check(req: QuoteRequest, route: tuple[str, ...], params: Params) -> tuple[DfmWarning, ...]:
    part = req.part
    out: list[DfmWarning] = []
    tol = required_tolerance_mm(req, params)
    dims = part.stock_dims_mm
    limits = params.dfm
    for proc in route:
        category = get_model(proc).category
        caps = [c for c in (req.capabilities or ()) if c.process == proc]
        if req.capabilities is not None and not caps:
            out.append(DfmWarning("no_machine", "blocking", Msg("dfm.no_machine", process=proc), proc))
            continue
        if category in SHAPING or category == "finishing":
            check_dims = step_envelope(req, proc)
            envelopes = [c.max_envelope_mm for c in caps] or [params.process(proc).envelope_mm]
            if not any(_fits(e, check_dims) for e in envelopes):
                out.append(DfmWarning("envelope", "blocking",
                                      Msg("dfm.envelope", dims=dims_text(dims), process=proc,
                                          envelopes="; ".join(dims_text(e) for e in envelopes)), proc))
        if category in SHAPING:
            best = min([c.best_tolerance_mm for c in caps] or [params.process(proc).best_tolerance_mm])
            if best > tol:
                code = "dfm.tolerance_cluster" if caps else "dfm.tolerance_default"
                out.append(DfmWarning("tolerance", "blocking", Msg(code, tolerance=tol, process=proc, best=best),
                                      proc))
    categories = {get_model(p).category for p in route}
    for cat in ("machining", "moulding", "additive"):
        if cat in categories and part.min_wall_mm is not None:
            limit = float(limits["min_wall_mm"][_DFM_CLASS[cat]])
            if round(part.min_wall_mm, 2) < limit:  # as shown: never "0.80 mm is below 0.80 mm"
                out.append(DfmWarning("thin_wall", "warning",
                                      Msg(f"dfm.thin_wall.{cat}", wall=part.min_wall_mm, limit=limit), None))
    if "moulding" in categories and part.min_wall_mm is not None \
            and part.min_wall_mm > float(limits["max_wall_mm_moulding"]):
        out.append(DfmWarning("thick_wall", "warning", Msg("dfm.thick_wall", wall=part.min_wall_mm),
                              "injection_mold"))
    ratio = part.pocket_ratio
    if "machining" in categories and ratio is not None and ratio > float(limits["max_pocket_ratio"]):
        out.append(DfmWarning("deep_pocket", "warning",
                              Msg("dfm.deep_pocket", depth=part.max_pocket_depth_mm, width=part.min_pocket_width_mm,
                                  ratio=ratio, limit=float(limits["max_pocket_ratio"])), None))
    return tuple(out)
