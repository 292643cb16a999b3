"""A file that holds several separate parts, split into one binary STL (millimetres) per part, so each can be
quoted as a line of one multi-part order. A part is an outer body with the voids inside it
(`solids.separate_parts`, the grouping `solids.bodies` counts)."""

from __future__ import annotations

import trimesh

from .errors import GeometryError
from .geometry import _detect_type, load_mesh, scale_to_unit
from .messages import Msg
from .solids import MAX_BODIES_CHECKED, clean, separate_parts

MAX_PARTS = 20  # lines of one order


def split_parts(data: bytes, filename: str | None = None, unit: str | None = None) -> list[bytes]:
    """One binary STL per separate part, largest first. Raises GeometryError ("one_part" for a single part,
    "several_parts" when there are more than MAX_PARTS)."""
    mesh = load_mesh(data, filename)
    scale_to_unit(mesh, _detect_type(data, filename, None), unit)
    clean(mesh)
    pieces = mesh.split(only_watertight=False)
    if len(pieces) > MAX_BODIES_CHECKED:
        raise GeometryError(Msg("geometry.several_parts", count=len(pieces)), "several_parts")
    parts = separate_parts(pieces)
    if len(parts) < 2:
        raise GeometryError(Msg("geometry.one_part"), "one_part")
    if len(parts) > MAX_PARTS:
        raise GeometryError(Msg("geometry.too_many_parts", count=len(parts), max=MAX_PARTS), "several_parts")
    return [trimesh.util.concatenate([pieces[k] for k in members]).export(file_type="stl")
            for members in parts]
