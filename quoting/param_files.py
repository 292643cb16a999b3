"""The packaged parameter files, read and validated against the registered cost models (which import the
parameter types: keeping this step apart from params.py keeps the two free of an import circle)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from .costmodels import validate_params
from .params import PRICING_FILE, PROCESS_FILE, ParameterError, Params, parse_params


def load_params(process_path: Path = PROCESS_FILE, pricing_path: Path = PRICING_FILE) -> Params:
    """Read and validate the two parameter files (every registered cost model must find its keys)."""
    try:
        processes = json.loads(Path(process_path).read_text(encoding="utf-8"))
        pricing = json.loads(Path(pricing_path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ParameterError(f"cannot read quoting parameter files: {exc}") from exc
    params = parse_params(processes, pricing)
    validate_params(params)
    return params


@lru_cache(maxsize=1)
def default_params() -> Params:
    """The packaged defaults, loaded and validated once per process."""
    return load_params()
