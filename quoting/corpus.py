"""A corpus of real CAD files measured against exact B-rep references: ``evaluate(directory)``.

For each STEP file the reference is OpenCASCADE's exact figures (``quoting.brep``: solids, volume, box). A file with
one solid should be accepted; a file with several solids should be refused as several parts; a file with no solid
(surfaces only) should be refused. Acceptance and time are the shipped path's (exact figures when the extra is
installed); accuracy is the mesh path's (``exact=False``: what a server without the extra measures) — with the
extra the shipped volume is the reference itself. STL files count for acceptance only (no exact reference)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .brep import exact_figures
from .errors import GeometryError
from .geometry import part_from_bytes


@dataclass
class FileResult:
    name: str
    solids: int | None           # exact solids (None: STL)
    outcome: str                 # "accepted" or the refusal code
    expected: str                # "accepted", "several_parts" or "no_solid"
    volume_error_pct: float | None
    seconds: float


@dataclass
class CorpusReport:
    files: list[FileResult] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)

    @property
    def valid(self) -> list[FileResult]:
        return [f for f in self.files if f.expected == "accepted"]

    @property
    def accept_pct(self) -> float:
        valid = self.valid
        return 100.0 * sum(f.outcome == "accepted" for f in valid) / len(valid) if valid else 0.0

    @property
    def correct_refusals_pct(self) -> float:
        others = [f for f in self.files if f.expected != "accepted"]
        return 100.0 * sum(f.outcome != "accepted" for f in others) / len(others) if others else 100.0

    def volume_errors(self) -> np.ndarray:
        return np.array([f.volume_error_pct for f in self.files if f.volume_error_pct is not None] or [0.0])

    def summary(self) -> str:
        errors, seconds = self.volume_errors(), np.array([f.seconds for f in self.files] or [0.0])
        return (f"files={len(self.files)} valid_solids={len(self.valid)} accept_pct={self.accept_pct:.1f} "
                f"refused_correctly_pct={self.correct_refusals_pct:.1f} "
                f"vol_err_p95_pct={np.percentile(errors, 95):.4f} vol_err_max_pct={errors.max():.4f} "
                f"t_p95_s={np.percentile(seconds, 95):.2f} crashes={len(self.crashes)}")


def _outcome(report: CorpusReport, name: str, read) -> str:
    try:
        read()
        return "accepted"
    except GeometryError as exc:
        return exc.code
    except Exception as exc:  # noqa: BLE001 - a crash is a finding of the corpus, reported by name
        report.crashes.append(f"{name}: {exc!r}"[:300])
        return "crash"


def evaluate(directory: Path, clock: Callable[[], float] = lambda: 0.0) -> CorpusReport:
    """Read every file of ``directory``; ``clock`` (seconds, e.g. ``time.perf_counter`` from the benchmark) times
    the shipped path — the library itself reads no clock."""
    report = CorpusReport()
    for path in sorted(p for p in Path(directory).iterdir() if p.suffix.lower() in (".step", ".stp", ".stl")):
        data = path.read_bytes()
        step = path.suffix.lower() != ".stl"
        reference = exact_figures(data) if step else None
        solids = reference.solids if reference else (0 if step else None)
        expected = "accepted" if not step or solids == 1 else ("several_parts" if solids > 1 else "no_solid")
        started = clock()
        outcome = _outcome(report, path.name, lambda: part_from_bytes(data, path.name))
        seconds = clock() - started
        error = None
        if reference is not None and reference.volume_mm3 > 0 and outcome == "accepted":
            mesh_volume = []
            _outcome(report, path.name, lambda: mesh_volume.append(part_from_bytes(data, path.name, exact=False)))
            if mesh_volume:
                error = abs(mesh_volume[0].volume_mm3 - reference.volume_mm3) / reference.volume_mm3 * 100
        report.files.append(FileResult(path.name, solids, outcome, expected, error, seconds))
    return report
