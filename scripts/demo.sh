#!/usr/bin/env bash
# Install, start the local payments server (localstripe, loopback only), load the demo cluster into the embedded
# SQLite database and serve the site on http://127.0.0.1:5000. Ctrl-C stops everything.
EXTRAS="server,payments-dev,exact"
source "$(dirname "$0")/bootstrap.sh"
export FLASK_APP=wsgi
PAYMENTS_PORT="${PAYMENTS_PORT:-8420}"
export STRIPE_API_BASE="${STRIPE_API_BASE:-http://127.0.0.1:${PAYMENTS_PORT}}"
mkdir -p instance
.venv/bin/flask payments localstripe --port "$PAYMENTS_PORT" --state-dir instance/localstripe \
  > instance/localstripe.log 2>&1 &
PAYMENTS_PID=$!
trap 'kill $PAYMENTS_PID 2>/dev/null' EXIT INT TERM
for _ in $(seq 1 100); do
  .venv/bin/python -c "import httpx,sys; httpx.get('$STRIPE_API_BASE/v1/customers', auth=('sk_test_local',''), timeout=0.3)" \
    2>/dev/null && break
  sleep 0.1
done
.venv/bin/flask demo load
echo "Serving on http://127.0.0.1:${PORT:-5000}  (payments server on $STRIPE_API_BASE; Ctrl-C to stop)"
.venv/bin/gunicorn --bind "127.0.0.1:${PORT:-5000}" --workers 2 --threads 4 --access-logfile - wsgi:app
