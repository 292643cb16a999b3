"""What the quoting core tells people — DFM findings, assumptions, route reasons, breakdown labels, geometry and
input errors — as a code with parameters, so that the app can word it in the user's language.

A :class:`Msg` is a ``str``: its English wording, which the API, the logs and the command line show. It also keeps
``code`` and ``params``; the app looks the code up in :data:`TEMPLATES` and formats the *translated* template with
the same parameters. The templates are gettext message ids (Babel extracts the ``N_`` marks of this file and of
``matching/reasons.py``), ``%``-formatted with named parameters.

Parameter conventions the app relies on: a parameter named in :data:`PROCESS_PARAMS` holds a process code, one in
:data:`MATERIAL_PARAMS` a material code (shown by name) and one in :data:`UNIT_PARAMS` a length unit's name; a
parameter may itself be a Msg (worded in turn); numbers are formatted by the template; lists the library joins
itself are language-free (numbers and ×). Parameters the template does not use are kept as detail (e.g. the parser's
own error text) for the API and the logs.
"""
from __future__ import annotations

from collections.abc import Mapping

PROCESS_PARAMS = frozenset({"process", "alternative"})
MATERIAL_PARAMS = frozenset({"material"})
UNIT_PARAMS = frozenset({"unit"})  # a length unit's English name: millimetre, inch, ...


def N_(text: str) -> str:
    """Marks a template for extraction; the app translates it when it words a Msg."""
    return text


class Msg(str):
    """English text with the code and parameters it was made from."""

    code: str
    params: dict

    def __new__(cls, code: str, **params) -> Msg:
        text = TEMPLATES[code] % params if params else TEMPLATES[code]
        self = super().__new__(cls, text)
        self.code = code
        self.params = params
        return self

    def __reduce__(self):  # through pickling (quoting.isolation's child process) with its code and parameters
        return _rebuild, (self.code, self.params)


def _rebuild(code: str, params: dict) -> Msg:
    return Msg(code, **params)


def text_of(value) -> str:
    """The English text of a Msg, of its stored JSON, or of a plain string."""
    if isinstance(value, Mapping):
        return str(value.get("text", value.get("code", "")))
    return str(value)


def percent(fraction: float) -> float:
    """A fraction as a percentage for a ``%(x).0f%%`` template."""
    return round(fraction * 100, 6)


def dims(values) -> str:
    """Dimensions as language-free text: 120×80×30."""
    return "×".join(f"{v:.0f}" for v in values)


TEMPLATES: dict[str, str] = {
    # ------------------------------------------------------------------ design for manufacture (quote warnings)
    "dfm.no_machine": N_("no factory in the cluster offers %(process)s"),
    "dfm.envelope": N_("part %(dims)s mm exceeds every %(process)s envelope (%(envelopes)s mm)"),
    "dfm.tolerance_cluster": N_("tolerance ±%(tolerance)g mm is tighter than any machine in the cluster holds for "
                                "%(process)s (best ±%(best)g mm); relax the tolerance class or mark only critical "
                                "features"),
    "dfm.tolerance_default": N_("tolerance ±%(tolerance)g mm is tighter than %(process)s usually holds "
                                "(best ±%(best)g mm); relax the tolerance class or mark only critical features"),
    "dfm.thin_wall.machining": N_("thinnest wall about %(wall).2f mm is below %(limit).2f mm for machining: risk of "
                                  "chatter, distortion or breakage"),
    "dfm.thin_wall.moulding": N_("thinnest wall about %(wall).2f mm is below %(limit).2f mm for moulding: the "
                                 "plastic may not fill it"),
    "dfm.thin_wall.additive": N_("thinnest wall about %(wall).2f mm is below %(limit).2f mm for 3D printing: risk "
                                 "of breakage"),
    "dfm.thick_wall": N_("walls of %(wall).1f mm and more will sink and lengthen the cycle; core them out"),
    "dfm.deep_pocket": N_("pocket about %(depth).1f mm deep and %(width).1f mm wide (depth/width %(ratio).1f > "
                          "%(limit)g): needs long tools; widen it or reduce the depth"),
    "dfm.complex_geometry": N_("%(setups)d setups / %(freeform).0f%% free-form surface: consider 5-axis milling"),
    "dfm.not_rotational": N_("the part does not look rotationally symmetric; turning covers only its round "
                             "features, milling may be needed"),
    "dfm.long_part": N_("part length %(length).0f mm exceeds a standard bar; cut to length"),
    "dfm.edm_not_conductive": N_("wire EDM needs a conductive material; %(material)s is not"),
    "dfm.moulding_needs_plastic": N_("injection moulding needs a thermoplastic; %(material)s is a metal"),
    "dfm.printing_needs_plastic": N_("%(process)s prints polymers; %(material)s is a metal"),
    "dfm.not_weldable": N_("%(material)s cannot be arc-welded"),
    "dfm.no_weld_length": N_("welding is in the route but no weld length is given"),
    "dfm.no_bends": N_("bending is in the route but no bends are declared"),
    "dfm.sheet_size": N_("blank %(blank)s mm does not fit a standard sheet (%(sheet)s mm)"),
    # ------------------------------------------------------------------ why the route was proposed
    "route.turn": N_("rotationally symmetric about %(axis)s: turning"),
    "route.mill_5ax": N_("%(setups)d setups / %(freeform).0f%% free-form area: 5-axis milling"),
    "route.mill_3ax": N_("prismatic part, %(setups)d setup(s): 3-axis milling"),
    "route.edm_hint": N_("wire EDM requested"),
    "route.sheet": N_("sheet part (%(thickness).1f mm): laser cutting"),
    "route.bends": N_("%(bends)d bend(s): press brake"),
    "route.weld": N_("%(length).0f mm of weld: welding"),
    "route.moulding": N_("plastic at %(quantity)d pcs (from %(minimum)d): injection moulding"),
    "route.sls": N_("%(material)s powder, %(quantity)d pcs: SLS printing"),
    "route.fdm": N_("%(material)s, %(quantity)d pcs: FDM printing"),
    "route.not_printed": N_("%(material)s is not printed on the platform; %(reason)s"),
    "route.no_process": N_("no %(process)s in the cluster: %(alternative)s instead"),
    "route.none_fits": N_("no %(process)s machine in the cluster fits the part: %(alternative)s instead"),
    "route.heat_treat": N_("heat treatment requested"),
    "route.anodise": N_("anodised finish requested"),
    "route.powder_coat": N_("powder-coated finish requested"),
    "route.assembly": N_("assembly %(minutes)g min per part"),
    "route.cmm": N_("ISO 2768-f: CMM inspection"),
    # ------------------------------------------------------------------ assumptions
    "assume.route": N_("route: %(reason)s"),
    "assume.money": N_("money in fen (CNY cents), each line rounded half-up; unit price = total / quantity"),
    "assume.mill_stock": N_("%(process)s: stock %(stock)s mm (%(mass).3f kg, scrap %(scrap).0f%%), removed "
                            "%(removed).1f cm³ at %(rate).1f cm³/min"),
    "assume.mill_time": N_("%(process)s: %(setups)d setup(s), roughing %(rough).2f min, finishing %(finish).2f min "
                           "(tolerance ×%(factor)g), programming %(programming).0f min once"),
    "assume.turn": N_("%(process)s: bar Ø%(bar).0f mm, %(per_bar)d part(s) per bar (%(mass).2f kg bar), length "
                      "%(length).1f mm, roughing %(rough).2f min, finishing %(finish).2f min"),
    "assume.edm": N_("%(process)s: contour %(contour).0f mm × %(thickness).1f mm thick at %(rate).0f mm²/min, "
                     "%(skims)d skim pass(es), %(starts)d start(s)"),
    "assume.moulding": N_("%(process)s: %(cavities)d cavity(ies) (for %(quantity)d pcs), tooling %(tooling).0f CNY, "
                          "cycle %(cycle).1f s at wall %(wall).1f mm"),
    "assume.fdm": N_("%(process)s: %(grams).1f g printed (%(infill).0f%% infill), %(hours).2f machine h"),
    "assume.sls": N_("%(process)s: %(grams).1f g, %(per_build)d part(s) per build by bounding-box packing "
                     "%(packing).0f%%"),
    "assume.per_area": N_("%(process)s: %(area).2f dm² per part at %(price).2f CNY/dm², lot minimum "
                          "%(minimum).0f CNY"),
    "assume.heat_treat": N_("%(process)s: %(mass).3f kg per part at %(price).2f CNY/kg, lot minimum "
                            "%(minimum).0f CNY"),
    "assume.assembly": N_("%(process)s: %(minutes).1f min per part"),
    "assume.cmm": N_("%(process)s: %(features)d features, first article %(full).1f min in setup, %(sample).0f%% "
                     "sampling"),
    "assume.sheet_declared": N_("%(process)s: sheet data as declared"),
    "assume.sheet_thickness": N_("%(process)s: sheet thickness %(thickness).2f mm taken from the part's walls"),
    "assume.sheet_blank": N_("%(process)s: flat blank %(blank)s mm from volume / thickness"),
    "assume.sheet_outline": N_("%(process)s: cut length %(length).0f mm from the blank outline (no surface area "
                               "given)"),
    "assume.sheet_contour": N_("%(process)s: cut length %(length).0f mm = (area − 2 × volume / t) / t"),
    "assume.laser": N_("%(process)s: %(length).0f mm at %(speed).0f mm/min, %(pierces)d pierce(s), %(per_sheet)d "
                       "part(s) per sheet"),
    "assume.punch": N_("%(process)s: %(hits).0f hits per part, %(per_sheet)d part(s) per sheet"),
    "assume.brake": N_("%(process)s: %(bends)d bend(s)"),
    "assume.weld": N_("%(process)s: %(length).0f mm at %(speed).0f mm/min"),
    "assume.normals_flipped": N_("face normals pointed inwards; flipped"),
    "assume.degenerate_dropped": N_("%(faces)d zero-area triangle(s) of the tessellation dropped (tolerance "
                                    "%(tolerance).2g mm)"),
    "assume.voids": N_("%(count)d closed cavity(ies) inside the part subtracted from its volume"),
    "assume.measured_exact": N_("volume and surface measured exactly on the STEP solid (OpenCASCADE B-rep)"),
    "assume.open_tessellation": N_("the STEP solid's triangles do not close everywhere; its exact figures are used and "
                                   "the triangles only for the shape features"),
    "assume.measured_mesh": N_("volume and surface measured on the triangle mesh"),
    "assume.step_unit": N_("lengths read in the STEP file's own unit (%(unit)s)"),
    "assume.stl_unit_default": N_("the STL file has no unit: read in millimetres"),
    "assume.stl_unit_mm": N_("the STL file has no unit: read in millimetres as chosen"),
    "assume.stl_unit_cm": N_("the STL file has no unit: read in centimetres as chosen"),
    "assume.stl_unit_m": N_("the STL file has no unit: read in metres as chosen"),
    "assume.stl_unit_inch": N_("the STL file has no unit: read in inches as chosen"),
    "assume.stl_maybe_inch": N_("the STL file has no unit: read in millimetres (largest side %(largest).1f mm); if "
                                "it was drawn in inches, choose inch and quote again"),
    "assume.principal_axes": N_("part not aligned to the axes: stock and setups judged on its principal-axis box"),
    "assume.wall_scan": N_("walls and pockets scanned with axis-aligned rays on a %(cell).2f mm grid"),
    "assume.turned_guess": N_("two equal box sides and a cylinder-like volume: assumed turned about %(axis)s"),
    "assume.area_estimated": N_("surface area not given: estimated %(area).0f mm² from box and volume"),
    # ------------------------------------------------------------------ breakdown lines
    "line.setup": N_("setup %(minutes).0f min"),
    "line.run": N_("%(quantity)d × %(minutes).2f min"),
    "line.lot_minimum": N_("top-up to the lot minimum"),
    "line.material": N_("material for %(quantity)d pcs"),
    "line.one_off": N_("%(what)s, once per order"),
    "line.transport": N_("transport between sites"),
    "line.overhead": N_("%(rate).0f%% of production"),
    "line.margin": N_("%(rate).0f%%"),
    "line.platform_fee": N_("%(rate).0f%%"),
    "oneoff.programming": N_("programming"),
    "oneoff.tooling": N_("tooling"),
    "oneoff.fixed_fee": N_("fixed fee"),
    # ------------------------------------------------------------------ geometry errors
    "geometry.file_type": N_("file type %(kind)s is not supported; upload STL or STEP"),
    "geometry.stl_too_short": N_("the file has %(size)d bytes, too short to be an STL mesh"),
    "geometry.stl_truncated": N_("not a valid STL: the binary header announces %(triangles)d triangles "
                                 "(%(expected)d bytes) but the file has %(size)d bytes; export the part again as "
                                 "binary or ASCII STL"),
    "geometry.step_unit_unknown": N_("the STEP file declares an unknown length unit (%(unit)s)"),
    "geometry.step_span": N_("the file's points span %(metres).4g m (its length unit is %(unit)s): the unit is "
                             "probably wrong; export it in millimetres"),
    "geometry.empty": N_("the uploaded file is empty"),
    "geometry.too_big": N_("the file is %(mb).1f MB; the limit is %(limit).0f MB: simplify the mesh or upload a "
                           "STEP file"),
    "geometry.step_unsupported": N_("STEP files cannot be read on this server; export the part as STL instead"),
    "geometry.step_unreadable": N_("could not read the STEP file: OpenCASCADE found no readable ISO 10303-21 model "
                                   "(truncated or not a STEP export); export the part again as STEP AP203/AP214 or "
                                   "as STL"),
    "geometry.step_failed": N_("could not read the STEP file; export the part again as STEP AP203/AP214 or as STL"),
    "geometry.stl_failed": N_("could not read the STL file; export the part again as binary or ASCII STL"),
    "geometry.no_triangles": N_("the file contains no triangles; upload a solid part as STL or STEP"),
    "geometry.bad_coordinates": N_("the file contains invalid coordinates (NaN or absurdly large): not a CAD mesh"),
    "geometry.open_edges": N_("the mesh is not watertight (%(open_edges)d edge(s) belong to a single triangle): "
                              "export a closed solid body, not a surface"),
    "geometry.not_watertight": N_("the mesh is not watertight (some edges are shared by more than two triangles): "
                                  "export a closed solid body, not a surface"),
    "geometry.volume_undefined": N_("the solid's volume cannot be computed (degenerate triangles)"),
    "geometry.zero_volume": N_("the solid has zero volume (flat or degenerate faces)"),
    "geometry.too_small": N_("the largest dimension is %(largest).4g mm: the file is probably in metres (or cm); "
                             "export it in millimetres"),
    "geometry.too_big_units": N_("the largest dimension is %(largest).4g mm (over %(limit).0f m): the file is "
                                 "probably in micrometres or the wrong unit; export it in millimetres"),
    "geometry.several_parts": N_("the file holds %(count)d separate parts: tick “The file holds several parts” to "
                                 "quote each as a line of one order, or upload each part as its own file"),
    "geometry.one_part": N_("the file holds one part: quote it without splitting"),
    "geometry.too_many_parts": N_("the file holds %(count)d separate parts, more than the %(max)d lines an order "
                                  "takes: upload the parts in smaller groups"),
    "geometry.too_large": N_("part %(dims)s mm is larger than every machine in the cluster (largest: %(process)s, "
                             "%(envelope)s mm)"),
    "geometry.limits_cpu": N_("reading this file needs more than the %(cpu)d CPU seconds and %(memory)d MB a file "
                              "may use; simplify the model or export it again"),
    "geometry.limits_memory": N_("reading this file needs more than the %(memory)d MB a file may use; simplify the "
                                 "model or export it again"),
    "geometry.declared_implausible": N_("a declared size of %(size)g mm is implausible; give dimensions in "
                                        "millimetres"),
    "geometry.declared_box": N_("the size needs three dimensions (x, y, z) in mm"),
    "geometry.declared_volume": N_("the declared volume %(volume).0f mm³ exceeds the bounding box %(box).0f mm³; "
                                   "check the units"),
    "geometry.declared_setups": N_("setups must be a whole number from 1 to 6"),
    # ------------------------------------------------------------------ input errors (each names its field)
    "input.positive": N_("must be a positive finite number"),
    "input.non_negative": N_("must be zero or a positive finite number"),
    "input.edm_needs_metal": N_("wire EDM needs a conductive (metal) material"),
    "input.printing_needs_plastic": N_("3D printing is offered for plastics only; %(material)s is a metal"),
    "input.moulding_needs_plastic": N_("injection moulding is offered for plastics only; %(material)s is a metal"),
    "input.sheet_needs_metal": N_("sheet-metal processes need a metal; choose machining, printing or moulding for "
                                  "plastics"),
    "input.anodise_needs_aluminium": N_("anodising needs an aluminium alloy; %(material)s is not one"),
    "input.sheet_bends": N_("bends must be a whole number, zero or more"),
    "input.sheet_pierces": N_("pierces must be a whole number, zero or more"),
    "input.sheet_flat_size": N_("the flat size needs two dimensions (width, length) in mm"),
    "input.quantity": N_("quantities must be whole numbers from 1 to %(maximum)d"),
    "input.unknown_choice": N_("%(value)s is not one of %(choices)s"),
    "input.empty_route": N_("the route is empty; leave it out to let the platform propose one"),
    "input.unknown_process": N_("no cost model for process %(value)s; known processes: %(choices)s"),
}
