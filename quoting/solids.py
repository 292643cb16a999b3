"""From the triangles of a real CAD export to one closed solid: triangle primitives only (a STEP file's PMI
annotations reach the GLB as line and point primitives), degenerate faces dropped, coincident vertices merged within
a stated tolerance, and the bodies counted — a file holding several separate parts is refused with their number,
never priced as one block; a body inside another (a void) is subtracted.

Every repair is reported as an assumption (``quoting.messages``) that the buyer sees on the quote."""
from __future__ import annotations

import io
import math

import numpy as np

from .errors import GeometryError
from .messages import Msg

# coincident-vertex tolerance relative to the part's size: 1e-6 of the largest dimension (0.1 µm on a 100 mm part)
MERGE_RELATIVE = 1e-6
MAX_BODIES_CHECKED = 200  # more pieces than this: refused as that many parts without classifying them


def step_mesh_mm(data: bytes):
    """A STEP file tessellated by OpenCASCADE (cascadio) as one mesh in millimetres, triangle primitives only, and
    the number of parts (GLB primitives) it holds; the solids are counted on the B-rep (``quoting.brep``)."""
    import cascadio

    glb = cascadio.load(data, file_type="step", merge_primitives=True)
    if not glb:
        raise OSError("cascadio wrote no GLB")
    return mesh_from_glb(glb)


def mesh_from_glb(glb: bytes):
    """(mesh in mm, parts): the triangle primitives of a GLB only — line and point primitives (PMI annotations,
    sketches) are left out; loading them merged makes trimesh fail (KeyError 'faces')."""
    import trimesh

    scene = trimesh.load(io.BytesIO(glb), file_type="glb", merge_primitives=False)
    units = getattr(scene, "units", None) or "meters"  # glTF is in metres
    geometries = scene.dump() if isinstance(scene, trimesh.Scene) else [scene]
    parts = [g for g in geometries if isinstance(g, trimesh.Trimesh) and len(g.faces)]
    if not parts:
        return trimesh.Trimesh(), 0
    mesh = trimesh.util.concatenate(parts) if len(parts) > 1 else parts[0]
    mesh.apply_scale(trimesh.units.unit_conversion(units, "millimeters"))
    mesh.units = "millimeters"
    return mesh, len(parts)


def clean(mesh) -> list[Msg]:
    """Merge coincident vertices (within MERGE_RELATIVE of the size), drop zero-area triangles.
    Returns what was done, for the quote's assumptions."""
    notes: list[Msg] = []
    size = float(np.max(mesh.extents)) if len(mesh.vertices) else 0.0
    if not math.isfinite(size) or size <= 0:
        return notes
    tolerance = size * MERGE_RELATIVE
    digits = max(0, int(-math.floor(math.log10(tolerance))))
    mesh.merge_vertices(merge_tex=True, merge_norm=True, digits_vertex=digits)
    faces = len(mesh.faces)
    # zero-area: a repeated vertex after the merge, or three collinear ones (slivers of fine holes stay)
    mesh.update_faces(mesh.nondegenerate_faces(height=tolerance * 1e-3))
    mesh.remove_unreferenced_vertices()
    dropped = faces - len(mesh.faces)
    if dropped:  # (merging the repeated vertices of a tessellation's faces is not a repair worth telling)
        notes.append(Msg("assume.degenerate_dropped", faces=dropped, tolerance=tolerance))
    return notes


def separate_parts(pieces) -> list[list[int]]:
    """The pieces of a mesh (``mesh.split``) grouped into parts, largest first: each ``[outer body, its voids...]``
    by index. A void is a shell facing inwards (negative volume) that lies inside a body's box."""
    signed = [float(p.volume) for p in pieces]
    parts: dict[int, list[int]] = {}
    for i in sorted(range(len(pieces)), key=lambda i: -abs(signed[i])):
        low, high = pieces[i].bounds
        host = next((j for j in parts if np.all(pieces[j].bounds[0] <= low) and np.all(high <= pieces[j].bounds[1])),
                    None)
        if host is not None and signed[i] < 0:
            parts[host].append(i)
        else:
            parts[i] = [i]
    return list(parts.values())


def bodies(mesh) -> tuple[float, list[Msg]]:
    """The solid's volume with every separate body counted: one outer body (and any voids inside it) is a part;
    several closed outer bodies are several parts and are refused. Returns (volume, assumptions). (A STEP file
    read with the exact extra counts its solids on the B-rep instead.)"""
    pieces = mesh.split(only_watertight=False)
    if len(pieces) <= 1:
        return abs(float(mesh.volume)), []
    if len(pieces) > MAX_BODIES_CHECKED:
        raise GeometryError(Msg("geometry.several_parts", count=len(pieces)), "several_parts")
    parts = separate_parts(pieces)
    if len(parts) > 1:
        raise GeometryError(Msg("geometry.several_parts", count=len(parts)), "several_parts")
    outer, *voids = parts[0]
    volume = abs(float(pieces[outer].volume)) - sum(abs(float(pieces[i].volume)) for i in voids)
    return volume, [Msg("assume.voids", count=len(voids))] if voids else []
