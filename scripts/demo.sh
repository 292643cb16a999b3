#!/usr/bin/env bash
# Install, load the demo cluster into the embedded SQLite database and serve the site on http://127.0.0.1:5000
EXTRAS="server"
source "$(dirname "$0")/bootstrap.sh"
export FLASK_APP=wsgi
.venv/bin/flask demo load
echo "Serving on http://127.0.0.1:${PORT:-5000}  (Ctrl-C to stop)"
exec .venv/bin/gunicorn --bind "127.0.0.1:${PORT:-5000}" --workers 2 --threads 4 --access-logfile - wsgi:app
