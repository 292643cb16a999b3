"""The corpus of real CAD files (tests/quoting/corpus/MANIFEST.md) against exact B-rep references: every valid solid
accepted, every assembly and surface model refused, the mesh path's volumes within the goals, no crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from quoting.brep import has_exact

CORPUS = Path(__file__).parent / "corpus"


@pytest.mark.skipif(not has_exact(), reason="the reference figures need the exact extra (cadquery-ocp)")
def test_the_corpus_is_read_accurately():
    from quoting.corpus import evaluate

    report = evaluate(CORPUS)
    assert len(report.files) >= 50 and len(report.valid) >= 35
    assert report.crashes == []
    wrong = [(f.name, f.expected, f.outcome) for f in report.files
             if (f.expected == "accepted") != (f.outcome == "accepted")]
    assert wrong == [] and report.accept_pct == 100.0
    assert {f.outcome for f in report.files if f.expected == "several_parts"} == {"several_parts"}
    errors = report.volume_errors()
    assert float(errors.max()) <= 2.0 and sorted(errors)[int(0.95 * (len(errors) - 1))] <= 0.1
