"""Automatic quoting: part geometry, per-process cost models, price, quantity breaks,
DFM warnings, lead-time tier pricing and calibration.

A pure library: no Flask, SQLAlchemy, marshmallow, httpx, Elasticsearch or
``capacity``/``marketplace`` imports, no clock reads, no I/O except reading its
own packaged parameter files. See docs/quoting.md.
"""
from __future__ import annotations

from .calibration import CalibrationReport, FittedProcess, calibrate, fit, mape
from .errors import GeometryError, InputError, ParameterError, QuotingError, UnknownProcessError
from .factors import Calibration, ProcessFactors
from .geometry import (
                       MAX_UPLOAD_BYTES,
                       check_envelope,
                       features_from_mesh,
                       has_embree,
                       has_step_support,
                       load_mesh,
                       part_from_bytes,
                       part_from_declared,
)
from .messages import TEMPLATES, Msg
from .param_files import default_params, load_params
from .params import Params, ProcessParams
from .pricing import estimate_steps, quote
from .results import DfmWarning, OneOff, QuantityQuote, Quote, QuoteLine, StepEstimate, WorkContent
from .routing import propose_route
from .specs import (
                       DEFAULT_BREAKS,
                       DeclaredGeometry,
                       MachineCapability,
                       MaterialSpec,
                       PartFeatures,
                       QuoteRequest,
                       SheetSpec,
                       TransportLeg,
)
from .tiers import TierInput, TierQuote, price_tiers, tier_rate

__all__ = [
                       "DEFAULT_BREAKS",
                       "MAX_UPLOAD_BYTES",
                       "Calibration",
                       "CalibrationReport",
                       "DeclaredGeometry",
                       "DfmWarning",
                       "FittedProcess",
                       "GeometryError",
                       "InputError",
                       "MachineCapability",
                       "MaterialSpec",
                       "Msg",
                       "OneOff",
                       "ParameterError",
                       "Params",
                       "PartFeatures",
                       "ProcessFactors",
                       "ProcessParams",
                       "QuantityQuote",
                       "Quote",
                       "QuoteLine",
                       "QuoteRequest",
                       "QuotingError",
                       "SheetSpec",
                       "StepEstimate",
                       "TEMPLATES",
                       "TierInput",
                       "TierQuote",
                       "TransportLeg",
                       "UnknownProcessError",
                       "WorkContent",
                       "calibrate",
                       "check_envelope",
                       "default_params",
                       "estimate_steps",
                       "features_from_mesh",
                       "fit",
                       "has_embree",
                       "has_step_support",
                       "load_mesh",
                       "load_params",
                       "mape",
                       "part_from_bytes",
                       "part_from_declared",
                       "price_tiers",
                       "propose_route",
                       "quote",
                       "tier_rate",
]
