"""Benchmark: ``python -m marketplace.quotes.bench [--n 40] [--n-stl 15]``.

POST /api/v1/quotes through the real WSGI app (app factory + test client, bearer token, JSON encoding and
decoding, database writes, live-capacity insertion for three tiers) on a temporary SQLite database holding the
demo cluster (187 machines, 60 open orders and their stored plan). Declared geometry, and a ~1 MB binary STL sent
as multipart/form-data. The last line is one ``key=value`` summary.
"""

from __future__ import annotations

import argparse
import io
import logging
import tempfile
from pathlib import Path

from marketplace import create_app
from marketplace.accounts.models import ApiToken, User
from marketplace.demo import load
from marketplace.extensions import db
from marketplace.quotes.models import Quote
from quoting.bench import measure
from quoting.golden import large_plate

DECLARED = {"material": "al6061", "quantity": 20, "bbox_mm": [100, 60, 20], "volume_mm3": 80000, "finish": "anodised"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m marketplace.quotes.bench", description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=40, help="quotes with declared geometry")
    ap.add_argument("--n-stl", type=int, default=15, help="quotes from the ~1 MB STL")
    ap.add_argument("--seed", type=int, default=2026, help="demo cluster seed")
    args = ap.parse_args(argv)
    logging.getLogger("alembic").setLevel(logging.WARNING)

    from flask_migrate import upgrade
    from sqlalchemy import select


    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.sqlite'}",
                "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                "QUOTE_UPLOAD_DIR": str(Path(tmp) / "uploads"),
            }
        )
        with app.app_context():
            upgrade()
            load(args.seed)
            user = db.session.scalar(select(User).where(User.email == "buyer01@demo.smp.cn"))
            token, secret = ApiToken.issue(user, "bench")
            db.session.add(token)
            db.session.commit()
            db.session.remove()
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
        stl = large_plate().stl_bytes()

        def post_declared():
            response = client.post("/api/v1/quotes", json=DECLARED)
            assert response.status_code == 201, response.get_data(as_text=True)[:300]

        def post_stl():
            data = {"material": "al6061", "quantity": "20", "file": (io.BytesIO(stl), "large_plate.stl")}
            response = client.post("/api/v1/quotes", data=data, content_type="multipart/form-data")
            assert response.status_code == 201, response.get_data(as_text=True)[:300]

        p50, p95 = measure(post_declared, args.n)
        s50, s95 = measure(post_stl, args.n_stl, warmup=2)
        with app.app_context():

            stored = db.session.scalar(select(db.func.count(Quote.id)))
            db.session.remove()
            db.engine.dispose()
    print(f"POST /api/v1/quotes, declared geometry: p50 {p50:.1f} ms, p95 {p95:.1f} ms (n={args.n})")
    print(f"POST /api/v1/quotes, {len(stl) / 1e6:.2f} MB STL multipart: p50 {s50:.1f} ms, p95 {s95:.1f} ms "
          f"(n={args.n_stl})")
    print(f"quotes stored: {stored}")
    print(f"p50_ms_http_nocad={p50:.1f} p95_ms_http_nocad={p95:.1f} p50_ms_http_stl={s50:.1f} "
          f"p95_ms_http_stl={s95:.1f} stl_bytes={len(stl)} n={args.n} n_stl={args.n_stl}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
