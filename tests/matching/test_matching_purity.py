"""matching/ is a pure core: no web, ORM, HTTP or search imports, nothing from the app packages."""

import ast
import pathlib

import matching

FORBIDDEN = ("flask", "sqlalchemy", "marshmallow", "httpx", "elasticsearch", "marketplace", "capacity", "quoting",
             "requests", "werkzeug")


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_matching_imports_no_app_or_io_libraries():
    root = pathlib.Path(matching.__file__).parent
    files = sorted(root.glob("*.py"))
    assert len(files) >= 8
    bad = [(f.name, mod) for f in files for mod in _imports(f) if mod.split(".")[0] in FORBIDDEN]
    assert bad == []
