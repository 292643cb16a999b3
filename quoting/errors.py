"""Exception hierarchy of the quoting core.

Every error is a ``ValueError`` subclass whose message tells a person what to
fix: a :class:`quoting.messages.Msg` (a code with parameters, worded by the app in the user's language) where a
user can meet it, and ``field`` names the request field it is about (the app shows the message by that field; it
never searches the text). Infeasibility (no machine fits, tolerance beyond the cluster) is *not* an
exception: it is returned in the quote as warnings and ``feasible=False``.
"""
from __future__ import annotations


class QuotingError(ValueError):
    """Base class of every error raised by ``quoting``."""

    code = "quoting_error"

    field: str | None = None

    def __init__(self, message: str, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        if field is not None:
            self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message

    @property
    def message(self) -> str:
        """The message as raised: a Msg keeps its code and parameters."""
        return self.args[0] if self.args else ""


class GeometryError(QuotingError):
    """The part geometry cannot be used.

    ``code`` is one of: ``empty_file``, ``file_too_large``, ``not_a_mesh``,
    ``not_watertight``, ``zero_volume``, ``implausible_units``, ``too_large``,
    ``step_unsupported``, ``bad_declared_geometry``, ``limits_exceeded`` (the file needs more CPU time or memory
    than a file may use: ``quoting.isolation``).
    """

    code = "geometry_error"


class InputError(QuotingError):
    """A request field is invalid (quantity, material, route, option...)."""

    code = "invalid_input"


class ParameterError(QuotingError):
    """The cost-model parameter data (``quoting/data/*.json``) is invalid."""

    code = "invalid_parameters"


class UnknownProcessError(InputError):
    """A route names a process code with no registered cost model."""

    code = "unknown_process"
