"""Part geometry: load STL (and STEP with the optional ``cascadio`` extra) or take
declared dimensions, validate, and derive the features the cost models need.

Errors are :class:`GeometryError` with a ``code`` (see ``quoting.errors``).
"""
from __future__ import annotations

import importlib.util
import io
import math
import struct
from collections.abc import Iterable
from dataclasses import replace

import numpy as np

from . import brep, step_header
from ._raster import deepest_pocket, scan_axis, thin_wall_mm
from .errors import GeometryError
from .messages import Msg
from .messages import dims as dims_text
from .solids import bodies, clean, step_mesh_mm
from .specs import DeclaredGeometry, MachineCapability, PartFeatures

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MIN_PLAUSIBLE_MM = 0.5
MAX_PLAUSIBLE_MM = 5000.0
STL_UNITS_MM = {"mm": 1.0, "cm": 10.0, "m": 1000.0, "inch": 25.4}
SMALL_STL_MM = 12.0  # an STL this small may have been drawn in inches: the quote says how it was read
SCAN_CELLS = 96
FLANK_REACH_MM = 75.0
OBB_EXACT_MAX_HULL_VERTICES = 1500
_AXIS_NAMES = ("x", "y", "z")
_DIRECTIONS = (("+z", (0, 0, 1)), ("-z", (0, 0, -1)), ("+x", (1, 0, 0)), ("-x", (-1, 0, 0)),
               ("+y", (0, 1, 0)), ("-y", (0, -1, 0)))


def has_step_support() -> bool:
    """True when the optional STEP reader (``cascadio``, extra ``step``) is installed."""
    return importlib.util.find_spec("cascadio") is not None


def has_embree() -> bool:
    """True when ``embreex`` (extra ``thinwall``) is installed. The built-in scanner does not need it."""
    return importlib.util.find_spec("embreex") is not None


def _detect_type(data: bytes, filename: str | None, file_type: str | None) -> str:
    if file_type:
        kind = file_type.lower().lstrip(".")
    elif filename and "." in filename:
        kind = filename.rsplit(".", 1)[1].lower()
    elif data[:12].startswith(b"ISO-10303-21"):
        kind = "step"
    else:
        kind = "stl"
    if kind == "stp":
        kind = "step"
    if kind not in ("stl", "step"):
        raise GeometryError(Msg("geometry.file_type", kind=kind), "not_a_mesh")
    return kind


def _check_stl_bytes(data: bytes) -> None:
    head = data[:512].lstrip().lower()
    if head.startswith(b"solid") and b"facet" in data[:4096].lower():
        return
    if len(data) < 84:
        raise GeometryError(Msg("geometry.stl_too_short", size=len(data)), "not_a_mesh")
    n = struct.unpack("<I", data[80:84])[0]
    if 84 + 50 * n != len(data):
        raise GeometryError(Msg("geometry.stl_truncated", triangles=n, expected=84 + 50 * n, size=len(data)),
                            "not_a_mesh")


def _check_step_size(data: bytes) -> None:
    """Refuse a STEP file whose declared unit and point coordinates make an implausible part, before tessellating."""
    unit = step_header.length_unit_mm(data)
    if unit is None:
        return
    name, mm = unit
    if not math.isfinite(mm):
        raise GeometryError(Msg("geometry.step_unit_unknown", unit=name), "implausible_units")
    extent = step_header.extent_in_units(data)
    if extent is not None and extent * mm > 10 * MAX_PLAUSIBLE_MM:
        raise GeometryError(Msg("geometry.step_span", metres=extent * mm / 1000, unit=name), "implausible_units")


def load_mesh(data: bytes, filename: str | None = None, file_type: str | None = None):
    """Parse uploaded bytes into a ``trimesh.Trimesh`` (mm for STEP; the STL's own numbers). Raises GeometryError."""
    if not data:
        raise GeometryError(Msg("geometry.empty"), "empty_file")
    if len(data) > MAX_UPLOAD_BYTES:
        raise GeometryError(Msg("geometry.too_big", mb=len(data) / 1e6, limit=MAX_UPLOAD_BYTES / 1e6),
                            "file_too_large")
    kind = _detect_type(data, filename, file_type)
    import trimesh

    if kind == "step":
        if not has_step_support():
            raise GeometryError(Msg("geometry.step_unsupported"), "step_unsupported")
        _check_step_size(data)
        try:
            mesh, _ = step_mesh_mm(data)
        except OSError as exc:  # cascadio wrote no GLB: OpenCASCADE could not parse the file
            raise GeometryError(Msg("geometry.step_unreadable"), "not_a_mesh") from exc
        except Exception as exc:
            raise GeometryError(Msg("geometry.step_failed", detail=repr(exc)[:200]), "not_a_mesh") from exc
    else:
        _check_stl_bytes(data)
        try:
            with np.errstate(all="ignore"):  # garbage binary STL: NaN casts are caught below
                mesh = trimesh.load_mesh(io.BytesIO(data), file_type="stl")
        except Exception as exc:
            raise GeometryError(Msg("geometry.stl_failed", detail=repr(exc)[:200]), "not_a_mesh") from exc
    if not isinstance(mesh, trimesh.Trimesh) or len(mesh.faces) == 0:
        raise GeometryError(Msg("geometry.no_triangles"), "not_a_mesh")
    if not np.all(np.isfinite(mesh.vertices)) or np.abs(mesh.vertices).max() > 1e7:
        raise GeometryError(Msg("geometry.bad_coordinates"), "not_a_mesh")
    return mesh


def validate_mesh(mesh, exact_volume: float | None = None) -> list[str]:
    """Watertight, non-zero volume, plausible units. Returns assumptions (e.g. normals flipped). With the exact
    solid's volume (a STEP read by OCP) an open tessellation is tolerated: it only gives the shape features."""
    notes = []
    if not mesh.is_watertight and exact_volume is not None:
        notes.append(Msg("assume.open_tessellation"))
        if not exact_volume > 1e-6:
            raise GeometryError(Msg("geometry.zero_volume"), "zero_volume")
        _check_size(mesh)
        return notes
    if not mesh.is_watertight:
        from trimesh.grouping import group_rows

        open_edges = len(group_rows(mesh.edges_sorted, require_count=1))
        message = Msg("geometry.open_edges", open_edges=open_edges) if open_edges else Msg("geometry.not_watertight")
        raise GeometryError(message, "not_watertight")
    volume = float(mesh.volume)
    if not math.isfinite(volume):
        raise GeometryError(Msg("geometry.volume_undefined"), "zero_volume")
    if volume < 0:
        mesh.invert()
        volume = -volume
        notes.append(Msg("assume.normals_flipped"))
    ext = mesh.extents
    if volume <= 1e-9 * max(1.0, float(np.prod(ext))) or volume <= 1e-6:
        raise GeometryError(Msg("geometry.zero_volume"), "zero_volume")
    _check_size(mesh)
    return notes


def _check_size(mesh) -> None:
    largest = float(mesh.extents.max())
    if largest < MIN_PLAUSIBLE_MM:
        raise GeometryError(Msg("geometry.too_small", largest=largest), "implausible_units")
    if largest > MAX_PLAUSIBLE_MM:
        raise GeometryError(Msg("geometry.too_big_units", largest=largest, limit=MAX_PLAUSIBLE_MM / 1000),
                            "implausible_units")


def check_envelope(features: PartFeatures, capabilities: Iterable[MachineCapability] | None) -> None:
    """Raise ``too_large`` when the part fits no machine envelope of the cluster."""
    caps = [c for c in (capabilities or ()) if c.process not in ("assembly", "cmm_inspect")]
    if not caps:
        return
    dims = features.stock_dims_mm
    if not any(c.fits(dims) for c in caps):
        biggest = max(caps, key=lambda c: math.prod(c.max_envelope_mm))
        raise GeometryError(Msg("geometry.too_large", dims=dims_text(dims), process=biggest.process,
                                envelope=dims_text(biggest.max_envelope_mm)), "too_large")


def _approach(normals: np.ndarray, areas: np.ndarray,
              extents: tuple[float, float, float]) -> tuple[tuple[str, ...], float]:
    """Greedy set cover of faces by the six axis approach directions; also the free-form area share.

    A face is reachable from direction d when it faces d (n.d > 0.1), or when it is a wall parallel to d
    and the part is shallow along d (no deeper than a cutter flank reaches, FLANK_REACH_MM, nor than
    1.5 x its smallest extent: walls are side-milled from the thin direction). Occlusion is ignored."""
    total = float(areas.sum())
    dirs = np.array([d for _, d in _DIRECTIONS], dtype=float)
    dots = normals @ dirs.T  # (F, 6)
    depth_along = np.abs(dirs) @ np.asarray(extents, dtype=float)
    reach = (dots > 0.1) | ((np.abs(dots) <= 0.1) & (depth_along <= min(FLANK_REACH_MM, 1.5 * min(extents)))[None, :])
    uncovered = np.ones(len(areas), dtype=bool)
    chosen = []
    while uncovered.any() and areas[uncovered].sum() > 0.002 * total and len(chosen) < 6:
        gain = (reach & uncovered[:, None]).T @ areas
        best = int(np.argmax(gain))
        if gain[best] <= 0:
            break
        chosen.append(_DIRECTIONS[best][0])
        uncovered &= ~reach[:, best]
    freeform = np.all(np.abs(normals) > math.sin(math.radians(5)), axis=1)
    return tuple(chosen) or ("+z",), float(areas[freeform].sum() / total) if total else 0.0


def _rotational(mesh) -> tuple[bool, str | None]:
    """Solid of revolution about a coordinate axis: trimesh's inertia symmetry plus a check that every
    axial station of vertices lies on one circle with at least 8 vertices."""
    try:
        kind = mesh.symmetry
    except Exception:  # noqa: BLE001 - symmetry analysis is best effort
        return False, None
    if kind not in ("radial", "spherical"):
        return False, None
    try:
        axis_vec = np.abs(np.asarray(mesh.symmetry_axis, dtype=float)).reshape(3)
    except (TypeError, ValueError):
        return False, None
    i = int(np.argmax(axis_vec))
    if axis_vec[i] < 0.999:
        return False, None
    v = mesh.vertices
    others = [j for j in range(3) if j != i]
    centre = mesh.bounds.mean(axis=0)
    r = np.hypot(v[:, others[0]] - centre[others[0]], v[:, others[1]] - centre[others[1]])
    station = np.round(v[:, i] / max(1e-3, mesh.extents[i] * 1e-4)).astype(np.int64)
    order = np.argsort(station)
    st, rr = station[order], r[order]
    cuts = np.flatnonzero(np.diff(st)) + 1
    for grp in np.split(rr, cuts):
        on_axis = grp < 1e-6
        grp = grp[~on_axis]
        if len(grp) == 0:
            continue
        radii = np.unique(np.round(grp, 3))
        for rad in radii:  # several concentric circles per station are allowed (bores, shoulders)
            if np.sum(np.abs(grp - rad) < 1e-3 * max(1.0, rad)) < 8:
                return False, None
    return True, _AXIS_NAMES[i]


def features_from_mesh(mesh, source: str = "stl", *, scan: bool = True,
                       notes: Iterable[str] = (), volume_mm3: float | None = None) -> PartFeatures:
    """Derive volume, area, boxes, hull, setups, symmetry, holes, thin walls and pockets from a valid mesh."""
    assumptions = list(notes)
    bbox = tuple(float(x) for x in mesh.extents)
    # oriented box: the minimum-volume box of the convex hull when the hull is small (a few ms), else the box on
    # the principal axes of inertia (the exact box took 0.4 s on a 10 k-vertex hull)
    vecs = np.eye(3)
    hull = mesh.convex_hull
    try:
        if len(hull.vertices) <= OBB_EXACT_MAX_HULL_VERTICES:
            import trimesh

            to_frame, _ = trimesh.bounds.oriented_bounds(hull)
            vecs = np.asarray(to_frame, dtype=float)[:3, :3]
        else:
            vecs = np.asarray(mesh.principal_inertia_vectors, dtype=float)
        proj = mesh.vertices @ vecs.T
        obb = tuple(float(x) for x in proj.max(axis=0) - proj.min(axis=0))
    except Exception:  # noqa: BLE001 - best effort; the axis-aligned box is always valid
        vecs, obb = np.eye(3), bbox
    normals, areas, tris = mesh.face_normals, mesh.area_faces, mesh.triangles
    if math.prod(bbox) <= math.prod(obb) * 1.001:
        box = bbox
    else:  # not aligned to the axes: stock, setups and the wall scan in the part's own (principal) frame
        box = obb
        normals = normals @ vecs.T
        tris = tris @ vecs.T
        assumptions.append(Msg("assume.principal_axes"))
    stock = tuple(sorted(box, reverse=True))
    directions, freeform = _approach(normals, areas, box)
    rotational, axis = _rotational(mesh)
    holes = max(0, int(round((2 * max(1, mesh.body_count) - mesh.euler_number) / 2)))
    min_wall = depth = width = None
    if scan:
        cell = max(box) / SCAN_CELLS
        walls, pockets = [], []
        for ax in range(3):
            s = scan_axis(tris, normals, ax, cell)
            w = thin_wall_mm(s)
            if w is not None:
                walls.append(w)
            pk = deepest_pocket(s)
            if pk is not None:
                pockets.append(pk)
        min_wall = min(walls) if walls else None
        if pockets:
            _, depth, width = max(pockets)
        assumptions.append(Msg("assume.wall_scan", cell=cell))
    return PartFeatures(
        source=source, bbox_mm=bbox, stock_dims_mm=stock,
        volume_mm3=float(mesh.volume if volume_mm3 is None else volume_mm3), area_mm2=float(mesh.area),
        convex_hull_volume_mm3=float(hull.volume), watertight=bool(mesh.is_watertight),
        setups=len(directions), approach_directions=directions, freeform_share=round(freeform, 4),
        rotational=rotational, rotation_axis=axis, through_holes=holes, min_wall_mm=min_wall,
        max_pocket_depth_mm=depth, min_pocket_width_mm=width, face_count=len(mesh.faces),
        assumptions=tuple(assumptions))


def part_from_bytes(data: bytes, filename: str | None = None, file_type: str | None = None, *,
                    capabilities: Iterable[MachineCapability] | None = None, scan: bool = True,
                    unit: str | None = None, exact: bool = True) -> PartFeatures:
    """Upload bytes -> validated :class:`PartFeatures` (the usual entry point for CAD files).

    ``unit`` is the STL's length unit (mm, cm, m, inch; an STL has none of its own; default mm). A STEP file declares
    its unit and is read in it. ``exact=False`` measures on the mesh even when OCP is installed (the corpus bench
    compares both). Repairs, the unit and the measuring path are stated in the assumptions."""
    kind = _detect_type(data, filename, file_type) if data else "stl"
    mesh = load_mesh(data, filename, file_type)
    figures = brep.exact_figures(data) if kind == "step" and exact else None
    if figures is not None and figures.solids > 1:
        raise GeometryError(Msg("geometry.several_parts", count=figures.solids), "several_parts")
    notes = _unit_notes(data, kind, mesh, unit)
    notes += clean(mesh)
    with np.errstate(divide="ignore", invalid="ignore"):  # degenerate meshes: trimesh divides by zero volume
        if figures is None:
            notes += validate_mesh(mesh)
            volume, body_notes = bodies(mesh)
            notes += [*body_notes, Msg("assume.measured_mesh")]
        else:
            notes += validate_mesh(mesh, exact_volume=figures.volume_mm3)
            volume = figures.volume_mm3
            notes.append(Msg("assume.measured_exact"))
        features = features_from_mesh(mesh, kind, scan=scan, notes=notes, volume_mm3=volume)
    if figures is not None:
        features = replace(features, area_mm2=figures.area_mm2, bbox_mm=figures.bbox_mm)
    check_envelope(features, capabilities)
    return features


def scale_to_unit(mesh, kind: str, unit: str | None) -> None:
    """An STL's numbers to millimetres from the unit the buyer chose (default mm); a STEP mesh is in mm already."""
    if kind == "step":
        return
    scale = STL_UNITS_MM.get(unit or "mm")
    if scale is None:
        raise GeometryError(Msg("input.unknown_choice", value=repr(unit), choices=", ".join(STL_UNITS_MM)),
                            "bad_unit", field="unit")
    if scale != 1.0:
        mesh.apply_scale(scale)


def _unit_notes(data: bytes, kind: str, mesh, unit: str | None) -> list[Msg]:
    if kind == "step":
        declared = step_header.length_unit_mm(data)
        return [Msg("assume.step_unit", unit=declared[0])] if declared else []
    scale_to_unit(mesh, kind, unit)
    largest = float(np.max(mesh.extents)) if len(mesh.vertices) else 0.0
    if unit is None:
        return [Msg("assume.stl_maybe_inch", largest=largest)] if 0 < largest < SMALL_STL_MM \
            else [Msg("assume.stl_unit_default")]
    return [Msg(f"assume.stl_unit_{unit}")]


def estimate_area_mm2(bbox: tuple[float, float, float], volume: float, rotational: bool) -> float:
    """Surface-area guess when the buyer gives none (documented in docs/quoting.md)."""
    a, b, c = sorted(bbox, reverse=True)
    if rotational:
        d = b
        return math.pi * d * a + math.pi * d * d / 2
    box_area = 2 * (a * b + b * c + c * a)
    fill = volume / (a * b * c)
    if c <= 6 and fill < 0.5:      # sheet-like: both faces of the flat blank plus its edges
        return 2 * volume / c + 2 * (a + b) * c
    return box_area * (1 + 0.5 * (1 - fill))


def _guess_rotational(bbox: tuple[float, float, float], volume: float) -> tuple[bool, str | None]:
    for i in range(3):
        j, k = [x for x in range(3) if x != i]
        if abs(bbox[j] - bbox[k]) <= 0.01 * max(bbox[j], bbox[k]):
            cyl = math.pi / 4 * bbox[j] * bbox[k] * bbox[i]
            if 0.3 * cyl <= volume <= cyl * 1.001:
                return True, _AXIS_NAMES[i]
    return False, None


def part_from_declared(decl: DeclaredGeometry, *,
                       capabilities: Iterable[MachineCapability] | None = None) -> PartFeatures:
    """Declared dimensions -> :class:`PartFeatures`, estimating what is missing."""
    bbox = tuple(float(x) for x in decl.bbox_mm)
    if max(bbox) < MIN_PLAUSIBLE_MM or max(bbox) > MAX_PLAUSIBLE_MM:
        raise GeometryError(Msg("geometry.declared_implausible", size=max(bbox)), "implausible_units",
                            field="bbox_mm")
    assumptions = []
    if decl.rotational is None:
        rotational, axis = _guess_rotational(bbox, decl.volume_mm3)
        if rotational:
            assumptions.append(Msg("assume.turned_guess", axis=axis))
    else:
        rotational = decl.rotational
        axis = _guess_rotational(bbox, decl.volume_mm3)[1] if rotational else None
        if rotational and axis is None:
            axis = _AXIS_NAMES[int(np.argmax(bbox))]
    area = decl.surface_area_mm2
    estimated = area is None
    if area is None:
        area = estimate_area_mm2(bbox, decl.volume_mm3, rotational)
        assumptions.append(Msg("assume.area_estimated", area=area))
    setups = decl.setups or (2 if not decl.complex_surfaces else 4)
    features = PartFeatures(
        source="declared", bbox_mm=bbox, stock_dims_mm=tuple(sorted(bbox, reverse=True)),
        volume_mm3=float(decl.volume_mm3), area_mm2=float(area), convex_hull_volume_mm3=float(decl.volume_mm3),
        setups=setups, approach_directions=tuple(d for d, _ in _DIRECTIONS[:setups]),
        freeform_share=0.3 if decl.complex_surfaces else 0.0, rotational=rotational, rotation_axis=axis,
        through_holes=decl.through_holes, min_wall_mm=decl.min_wall_mm, max_pocket_depth_mm=decl.max_pocket_depth_mm,
        min_pocket_width_mm=decl.min_pocket_width_mm, area_estimated=estimated, assumptions=tuple(assumptions))
    check_envelope(features, capabilities)
    return features
