# Sourced by demo.sh and test.sh: make .venv, install the project with the given extras, compile translations.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(cat setup.cfg pyproject.toml | sha1sum | cut -c1-12)-${EXTRAS}"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip setuptools wheel
  .venv/bin/python -m pip install --quiet -e ".[${EXTRAS}]"
  touch "$stamp"
fi
# the programme report's PDF needs a Chinese font (WeasyPrint finds fonts through fontconfig)
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null
  else
    echo "No Chinese font: install Debian's 'fonts-noto-cjk' (the programme report's PDF needs it)." >&2
  fi
fi
.venv/bin/python scripts/translations.py compile >/dev/null 2>&1
