#!/usr/bin/env bash
# Install everything the tests need and run the whole suite. Extra arguments go to pytest.
# TEST_DATABASE_URL=postgresql://... runs the database tests on PostgreSQL instead of SQLite.
EXTRAS="test"
source "$(dirname "$0")/bootstrap.sh"
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's Chromium for the browser tests..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null
  else
    echo "Chromium is missing: install Debian's 'chromium' package (browser tests will fail)." >&2
  fi
fi
mkdir -p test-artifacts
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
