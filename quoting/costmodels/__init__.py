"""Cost models, one small strategy per process code, registered from one explicit list.

Each model is a pure function ``CostContext -> StepEstimate``; its parameters
come from ``quoting/data/processes.json`` (validated against ``required``).
"""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..errors import ParameterError, UnknownProcessError
from ..messages import Msg
from ..params import Params
from . import additive, finishing, machining, moulding, sheet
from .base import CostContext, CostModel, apply_capability

_MODULES = (machining, sheet, moulding, additive, finishing)

REGISTRY: Mapping[str, CostModel] = MappingProxyType({m.code: m for mod in _MODULES for m in mod.MODELS})


def get_model(code: str) -> CostModel:
    try:
        return REGISTRY[code]
    except KeyError:
        raise UnknownProcessError(Msg("input.unknown_process", value=repr(code), choices=", ".join(sorted(REGISTRY))),
                                  field="route") from None


def validate_params(params: Params) -> None:
    """Every registered model must find its default rates and its required parameters."""
    for code, model in REGISTRY.items():
        proc = params.processes.get(code)
        if proc is None:
            raise ParameterError(f"processes.json has no entry for registered process {code!r}")
        missing = [k for k in model.required if k not in proc.params]
        if missing:
            raise ParameterError(f"processes.json:{code}.params is missing {', '.join(missing)}")


__all__ = ["REGISTRY", "CostContext", "CostModel", "apply_capability", "get_model", "validate_params"]
