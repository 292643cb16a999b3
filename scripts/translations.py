"""Translation upkeep: extract messages, merge them into the catalogues, compile, and report gaps.

python scripts/translations.py update    # after changing user-visible text
python scripts/translations.py compile   # build the .mo files (the demo and test commands run this)
python scripts/translations.py check     # exit 1 if any Chinese message is missing or fuzzy
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "marketplace" / "translations"
POT = TRANSLATIONS / "messages.pot"


def pybabel(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )


def update() -> None:
    pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "-k",
        "N_",
        "-o",
        str(POT),
        "--no-location",
        "--sort-output",
        "--project",
        "shared-manufacturing",
        ".",
    )
    pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "--no-fuzzy-matching", "--ignore-obsolete")


def compile_all() -> None:
    pybabel("compile", "-d", str(TRANSLATIONS))


def missing(locale: str = "zh_Hans_CN") -> list[str]:
    from babel.messages.pofile import read_po

    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f)
    with open(POT, "rb") as f:
        template = read_po(f)
    gaps = [m.id for m in template if m.id and (m.id not in catalog or not catalog[m.id].string or catalog[m.id].fuzzy)]
    return gaps


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    gaps = missing()
    for gap in gaps:
        print(f"untranslated: {gap!r}")
    sys.exit(1 if gaps and command == "check" else 0)
