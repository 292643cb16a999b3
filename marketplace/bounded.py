"""Bounded parsing: text is checked for length and shape before it becomes a number, and JSON for depth before it is
decoded, so no request can make a worker spend its time (or its stack) converting what someone typed.

`decimal.Decimal("1e999990")` is instant, but multiplying it and turning it into an `int` builds a million-digit
integer; `int("9" * 5000)` raises only after Python's digit limit; a 6,000-deep JSON array overflows the decoder's
recursion. Each is refused here, with a plain `ValueError` that forms and schemas turn into a message by the field
(JSON bodies are scanned, not decoded: `check_json`).
"""

from __future__ import annotations

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
_JSON_NUMBER = re.compile(r"[-+0-9.eE]{%d,}" % (MAX_NUMBER_CHARS + 1))


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


class JsonTooDeep(ValueError):
    pass


def check_json(text: str | bytes) -> None:
    """Refuse, without decoding it, a JSON text nested deeper than MAX_JSON_DEPTH or holding a number longer than
    MAX_NUMBER_CHARS (brackets and digits inside strings do not count). The schemas decode it afterwards."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    outside_strings = _STRING.sub('""', text)
    depth = deepest = 0
    for bracket in _BRACKETS.findall(outside_strings):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    if deepest > MAX_JSON_DEPTH:
        raise JsonTooDeep(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    longest = max((len(n) for n in _JSON_NUMBER.findall(outside_strings)), default=0)
    if longest > MAX_NUMBER_CHARS:
        raise NumberTooLarge(f"a number of {longest} characters")
