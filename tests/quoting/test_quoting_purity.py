"""quoting/ is a pure core: no web, ORM, HTTP, search or sibling-app imports."""
import ast
from pathlib import Path

import quoting

FORBIDDEN = {"flask", "sqlalchemy", "flask_sqlalchemy", "marshmallow", "flask_smorest", "httpx", "elasticsearch",
             "capacity", "marketplace", "matching", "requests"}
ROOT = Path(quoting.__file__).resolve().parent


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def test_no_forbidden_imports():
    files = sorted(ROOT.rglob("*.py"))
    assert len(files) > 10
    bad = {(str(f.relative_to(ROOT)), m) for f in files for m in _imports(f) if m in FORBIDDEN}
    assert not bad, f"quoting must stay pure; forbidden imports: {sorted(bad)}"


def test_no_clock_reads_in_core():
    """Only the benchmark may read the clock (to time things)."""
    for f in ROOT.rglob("*.py"):
        if f.name == "bench.py":
            continue
        text = f.read_text(encoding="utf-8")
        for call in ("datetime.now(", "datetime.utcnow(", "date.today(", "time.time(", "perf_counter("):
            assert call not in text, f"{f.name} reads the clock ({call}); pass `now` in"
