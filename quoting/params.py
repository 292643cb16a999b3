"""Cost-model parameters loaded from ``quoting/data/*.json`` (once) and validated.

Parameters are data, not code: a process's default hourly rate, setup minutes,
speed factor, envelope and best tolerance, plus the model-specific ``params``
block. ``Params`` is immutable; derive variants with :func:`dataclasses.replace`
or :meth:`Params.with_process`.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import ParameterError
from .specs import MATERIAL_FAMILIES, TOLERANCE_CLASSES

DATA_DIR = Path(__file__).resolve().parent / "data"
PROCESS_FILE = DATA_DIR / "processes.json"
PRICING_FILE = DATA_DIR / "pricing.json"


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


@dataclass(frozen=True)
class ProcessParams:
    code: str
    hourly_rate_fen: int
    setup_min: float
    speed_factor: float
    envelope_mm: tuple[float, float, float]
    best_tolerance_mm: float
    params: Mapping[str, Any]

    def p(self, key: str) -> Any:
        try:
            return self.params[key]
        except KeyError:
            raise ParameterError(f"process {self.code}: parameter {key!r} missing in {PROCESS_FILE.name}") from None


@dataclass(frozen=True)
class Params:
    processes: Mapping[str, ProcessParams]
    overhead_rate: float
    margin_rate: float
    platform_fee_rate: float
    transport_leg_fixed_fen: int
    transport_fen_per_kg: int
    injection_min_quantity: int
    families: Mapping[str, Mapping[str, float]]
    machinability: Mapping[str, float]
    tolerance_time_factor: Mapping[str, float]
    plate_thickness_mm: tuple[float, ...]
    bar_diameter_mm: tuple[float, ...]
    iso2768_linear_mm: tuple[tuple[float, ...], ...]
    dfm: Mapping[str, Any]
    tiers: Mapping[str, Mapping[str, float]]

    def process(self, code: str) -> ProcessParams:
        try:
            return self.processes[code]
        except KeyError:
            raise ParameterError(f"no default parameters for process {code!r} in {PROCESS_FILE.name}") from None

    def with_process(self, code: str, **changes: Any) -> Params:
        """A copy with one process's fields (or ``params`` entries via ``params={...}``) changed."""
        proc = self.process(code)
        if "params" in changes:
            merged = dict(proc.params)
            merged.update(changes.pop("params"))
            changes["params"] = MappingProxyType(merged)
        procs = dict(self.processes)
        procs[code] = replace(proc, **changes)
        return replace(self, processes=MappingProxyType(procs))

    def family(self, family: str) -> Mapping[str, float]:
        try:
            return self.families[family]
        except KeyError:
            raise ParameterError(f"no machining rates for material family {family!r} in {PRICING_FILE.name}") from None


def _num(where: str, value: Any, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ParameterError(f"{where}: expected a number, got {value!r}")
    if value < 0 or (positive and value == 0):
        raise ParameterError(f"{where}: must be {'positive' if positive else 'non-negative'}, got {value!r}")
    return value


def _check_numbers(where: str, value: Any) -> None:
    if isinstance(value, Mapping):
        for k, v in value.items():
            _check_numbers(f"{where}.{k}", v)
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            _check_numbers(f"{where}[{i}]", v)
    else:
        _num(where, value)


def parse_params(processes: Mapping[str, Any], pricing: Mapping[str, Any]) -> Params:
    """Validate raw JSON dicts and build :class:`Params`. Raises :class:`ParameterError`."""
    procs: dict[str, ProcessParams] = {}
    for code, raw in processes.items():
        if code.startswith("_"):
            continue
        where = f"{PROCESS_FILE.name}:{code}"
        try:
            env = tuple(_num(f"{where}.envelope_mm", v, positive=True) for v in raw["envelope_mm"])
            if len(env) != 3:
                raise ParameterError(f"{where}.envelope_mm: needs three dimensions")
            rate = raw["hourly_rate_fen"]
            if not isinstance(rate, int) or rate < 0:
                raise ParameterError(f"{where}.hourly_rate_fen: must be a non-negative integer (fen per hour)")
            _check_numbers(f"{where}.params", raw.get("params", {}))
            procs[code] = ProcessParams(
                code=code, hourly_rate_fen=rate,
                setup_min=_num(f"{where}.setup_min", raw["setup_min"]),
                speed_factor=_num(f"{where}.speed_factor", raw["speed_factor"], positive=True),
                envelope_mm=env,  # type: ignore[arg-type]
                best_tolerance_mm=_num(f"{where}.best_tolerance_mm", raw["best_tolerance_mm"], positive=True),
                params=_freeze(raw.get("params", {})))
        except KeyError as exc:
            raise ParameterError(f"{where}: required key {exc.args[0]!r} missing") from None
    try:
        families = pricing["families"]
        missing = [f for f in MATERIAL_FAMILIES if f not in families]
        if missing:
            raise ParameterError(f"{PRICING_FILE.name}: families missing {missing}")
        for fam, rates in families.items():
            for key in ("removal_cm3_per_min", "finish_cm2_per_min", "turn_finish_cm2_per_min"):
                _num(f"{PRICING_FILE.name}:families.{fam}.{key}", rates[key], positive=True)
        ttf = pricing["tolerance_time_factor"]
        for cls in TOLERANCE_CLASSES:
            _num(f"{PRICING_FILE.name}:tolerance_time_factor.{cls}", ttf[cls], positive=True)
        for key in ("overhead_rate", "margin_rate", "platform_fee_rate"):
            if not 0 <= _num(f"{PRICING_FILE.name}:{key}", pricing[key]) < 1:
                raise ParameterError(f"{PRICING_FILE.name}:{key} must be a fraction below 1")
        _check_numbers(f"{PRICING_FILE.name}:tiers", pricing["tiers"])
        _check_numbers(f"{PRICING_FILE.name}:dfm", pricing["dfm"])
        return Params(
            processes=MappingProxyType(procs),
            overhead_rate=pricing["overhead_rate"], margin_rate=pricing["margin_rate"],
            platform_fee_rate=pricing["platform_fee_rate"],
            transport_leg_fixed_fen=int(_num("transport_leg_fixed_fen", pricing["transport_leg_fixed_fen"])),
            transport_fen_per_kg=int(_num("transport_fen_per_kg", pricing["transport_fen_per_kg"])),
            injection_min_quantity=int(_num("injection_min_quantity", pricing["injection_min_quantity"],
                                            positive=True)),
            families=_freeze(families), machinability=_freeze(pricing.get("machinability", {})),
            tolerance_time_factor=_freeze(ttf),
            plate_thickness_mm=tuple(sorted(pricing["plate_thickness_mm"])),
            bar_diameter_mm=tuple(sorted(pricing["bar_diameter_mm"])),
            iso2768_linear_mm=_freeze(pricing["iso2768_linear_mm"]),
            dfm=_freeze(pricing["dfm"]), tiers=_freeze(pricing["tiers"]))
    except KeyError as exc:
        raise ParameterError(f"{PRICING_FILE.name}: required key {exc.args[0]!r} missing") from None


def iso2768_tolerance_mm(params: Params, tolerance_class: str, size_mm: float) -> float:
    """General linear tolerance (±mm) for ``size_mm`` under ISO 2768-1 class f/m/c."""
    col = {"f": 2, "m": 3, "c": 4}[tolerance_class]
    rows = params.iso2768_linear_mm
    for row in rows:
        if size_mm <= row[1]:
            return float(row[col])
    return float(rows[-1][col])
