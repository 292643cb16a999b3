"""What the quote page shows of the part: the mesh as a binary STL in millimetres (for the browser's 3D view) and a
static top view as PNG (a shaded depth image from the library's own ray scan) for browsers without WebGL."""
from __future__ import annotations

import struct
import zlib

import numpy as np

from ._raster import scan_axis
from .geometry import _detect_type, load_mesh, scale_to_unit

MAX_PREVIEW_CELLS = 256


def preview(data: bytes, filename: str | None = None, unit: str | None = None) -> tuple[bytes, bytes]:
    """(binary STL in mm, PNG top view) of an uploaded part. Raises GeometryError like ``part_from_bytes``."""
    mesh = load_mesh(data, filename)
    scale_to_unit(mesh, _detect_type(data, filename, None), unit)
    mesh.apply_translation(-mesh.bounds.mean(axis=0))  # centred: the viewer orbits about the part
    return mesh.export(file_type="stl"), top_view_png(mesh)


def top_view_png(mesh, cells: int = MAX_PREVIEW_CELLS) -> bytes:
    """The part seen from above: nearer surfaces lighter, background white."""
    extents = mesh.extents
    cell = max(float(max(extents[0], extents[1])) / cells, 1e-6)
    scan = scan_axis(mesh.triangles, mesh.face_normals, 2, cell, max_cells=cells)
    depth = scan.first_hit_pos  # from the top; nan where the ray misses the part
    span = max(scan.extent, 1e-9)
    shade = np.where(np.isnan(depth), 255, 60 + 150 * (1 - np.nan_to_num(depth) / span)).astype(np.uint8)
    image = np.flipud(shade.T)  # rows from the top of the picture, x to the right
    return _png(image)


def _png(gray: np.ndarray) -> bytes:
    height, width = gray.shape
    raw = b"".join(b"\x00" + gray[row].tobytes() for row in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
