"""Bounded parsing: text is checked for length and shape before it becomes a number, and JSON for depth before it is
decoded, so no request can make a worker spend its time (or its stack) converting what someone typed.

`decimal.Decimal("1e999990")` is instant, but multiplying it and turning it into an `int` builds a million-digit
integer; `int("9" * 5000)` raises only after Python's digit limit; a 6,000-deep JSON array overflows the decoder's
recursion. Each is refused here, with a plain `ValueError` that forms and schemas turn into a message by the field.
"""

from __future__ import annotations

import json
import re
import unicodedata
from decimal import Decimal, InvalidOperation

MAX_NUMBER_CHARS = 40
MAX_ABS = Decimal(10) ** 15  # larger than any quantity, rate or amount the platform stores (10**12 fen is the cap)
MAX_ID = Decimal(2**31 - 1)  # a database integer key
MAX_JSON_DEPTH = 32
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,4})?")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


class NumberTooLarge(ValueError):
    """A well-formed number outside what the platform can store."""


def parse_decimal(raw: str, *, max_abs: Decimal = MAX_ABS) -> Decimal:
    """`raw` (full-width digits allowed) as a finite Decimal with |value| <= max_abs, or ValueError."""
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if len(text) > MAX_NUMBER_CHARS or not _NUMBER.fullmatch(text):
        raise ValueError(f"not a number: {text[:MAX_NUMBER_CHARS]!r}")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only what Decimal reads
        raise ValueError(text) from exc
    if not value.is_finite() or abs(value) > max_abs:
        raise NumberTooLarge(text)
    if value != 0 and abs(value) < Decimal("1e-9"):  # 5e-324 underflows a database's double precision
        return Decimal(0)
    return value


def parse_float(raw: str, *, max_abs: Decimal = MAX_ABS) -> float:
    return float(parse_decimal(raw, max_abs=max_abs))


def parse_int(raw: str, *, max_abs: Decimal = MAX_ABS) -> int:
    value = parse_decimal(raw, max_abs=max_abs)
    if value != value.to_integral_value():
        raise ValueError(f"not a whole number: {raw!r}")
    return int(value)


def json_depth(text: str | bytes) -> int:
    """How deeply arrays and objects nest in a JSON text (brackets inside strings do not count)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


class JsonTooDeep(ValueError):
    pass


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_CHARS:
        raise NumberTooLarge(f"integer of {len(text)} digits")
    return int(text)


def _json_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise NumberTooLarge(f"number of {len(text)} characters")
    value = float(text)  # 1e999 becomes inf, which every schema refuses (marshmallow's allow_nan=False)
    return 0.0 if abs(value) < 1e-300 else value  # 5e-324 underflows PostgreSQL's double precision


def _json_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def loads(text: str | bytes):
    """json.loads with a depth limit checked before any decoding and numbers bounded in length."""
    if json_depth(text) > MAX_JSON_DEPTH:
        raise JsonTooDeep(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    return json.loads(text, parse_int=_json_int, parse_float=_json_float, parse_constant=_json_constant)
