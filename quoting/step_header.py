"""What a STEP file says about its size before anything tessellates it: the length unit and the box around its
CARTESIAN_POINTs. A part drawn in kilometres (or a small part declared in metres) is refused here in milliseconds,
instead of OpenCASCADE meshing a 40 km solid at a millimetre chord and growing the process to gigabytes."""

from __future__ import annotations

import re

_SI_METRE = re.compile(rb"SI_UNIT\s*\(\s*(\$|\.[A-Z]+\.)\s*,\s*\.METRE\.\s*\)", re.I)
_INCH = re.compile(rb"CONVERSION_BASED_UNIT\s*\(\s*'(INCH|FOOT)'", re.I)
_POINT = re.compile(rb"CARTESIAN_POINT\s*\(\s*'[^']*'\s*,\s*\(([^()]*)\)\s*\)", re.I)
PREFIX_MM = {b"$": 1000.0, b".MILLI.": 1.0, b".CENTI.": 10.0, b".DECI.": 100.0, b".MICRO.": 0.001,
             b".KILO.": 1_000_000.0, b".NANO.": 1e-6}
CONVERTED_MM = {b"INCH": 25.4, b"FOOT": 304.8}
MAX_POINTS = 2_000_000


def length_unit_mm(data: bytes) -> tuple[str, float] | None:
    """(unit name, millimetres per unit) of the first length unit the file declares, or None."""
    inch = _INCH.search(data)
    si = _SI_METRE.search(data)
    if inch and (not si or inch.start() < si.start()):
        name = inch.group(1).upper()
        return name.decode().lower(), CONVERTED_MM[name]
    if si:
        prefix = si.group(1).upper()
        if prefix not in PREFIX_MM:
            return prefix.decode().strip(".").lower() + "metre", float("nan")
        return (prefix.strip(b".$").decode().lower() or "") + "metre", PREFIX_MM[prefix]
    return None


def extent_in_units(data: bytes) -> float | None:
    """The largest side of the box around every CARTESIAN_POINT, in the file's own unit (None: no points)."""
    low = [float("inf")] * 3
    high = [float("-inf")] * 3
    seen = 0
    for match in _POINT.finditer(data):
        seen += 1
        if seen > MAX_POINTS:
            break
        try:
            coords = [float(c) for c in match.group(1).split(b",")[:3]]
        except ValueError:
            continue
        for i, c in enumerate(coords):
            if c < low[i]:
                low[i] = c
            if c > high[i]:
                high[i] = c
    if not seen or low[0] == float("inf"):
        return None
    return max(h - lo for h, lo in zip(high, low) if h >= lo)
