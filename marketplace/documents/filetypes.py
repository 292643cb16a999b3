"""What an uploaded document really is, from its first bytes (never from its name or the browser's claim)."""

from __future__ import annotations

import struct

ALLOWED = {  # extension -> content type served
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "step": "model/step",
    "stl": "model/stl",
    "dxf": "image/vnd.dxf",
}


def sniff(data: bytes) -> str | None:
    """The type's extension (a key of ALLOWED), or None when the bytes are none of the accepted types."""
    head = data[:512]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.lstrip().startswith(b"ISO-10303-21"):
        return "step"
    if len(data) >= 84 and len(data) == 84 + 50 * struct.unpack_from("<I", data, 80)[0]:
        return "stl"  # binary STL: the triangle count in the header matches the size
    if head.lstrip().lower().startswith(b"solid") and b"facet" in data[:4096]:
        return "stl"
    if head.lstrip().startswith(b"0") and b"SECTION" in head[:64]:
        return "dxf"
    return None
