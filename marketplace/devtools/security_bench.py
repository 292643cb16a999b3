"""Benchmark: ``python -m marketplace.devtools.security_bench [--n 15] [--files 10]``.

1. Sign-in time for an existing and an unknown e-mail (wrong password both times) through the real WSGI app on a
   temporary SQLite database: the two medians must be alike, or the answer tells who has an account.
2. Reading a STEP file (tests/quoting/data/plate.step) in the process and in the limited child process of
   `quoting.isolation`, side by side: the price of the isolation per file (the forkserver's first start apart).
   Each child re-imports the parent's `__main__` module (multiprocessing's rule), so the price depends on what the
   server's main module imports: measured in a process whose main imports nothing (as gunicorn's console script,
   which imports only gunicorn) and in this benchmark's own process (whose main imports the whole app).

The last line is one ``key=value`` summary.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade

from marketplace import create_app
from marketplace.accounts.services import add_user
from marketplace.demo import catalogue
from marketplace.extensions import db
from quoting.geometry import part_from_bytes
from quoting.isolation import part_from_bytes_isolated

PLATE = Path(__file__).resolve().parents[2] / "tests" / "quoting" / "data" / "plate.step"


def _ms(action, n: int) -> list[float]:
    out = []
    for _ in range(n):
        started = time.perf_counter()
        action()
        out.append((time.perf_counter() - started) * 1000)
    return out


def sign_in_medians(n: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.sqlite'}", "SECRET_KEY": "bench",
                          "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False, "OUTBOX_WORKER": "off"})
        with app.app_context():
            upgrade()
            catalogue.seed()
            from marketplace.accounts.models import Cluster, Firm

            cluster = Cluster(slug="bench", name="Bench", timezone="Asia/Shanghai")
            add_user(Firm(cluster=cluster, name="Bench buyer", is_buyer=True), "known@example.com", "Known",
                     "a long password")
            db.session.commit()
            client = app.test_client()

            def attempt(email):
                assert client.post("/sign-in", data={"email": email, "password": "wrong password"}).status_code == 422

            attempt("known@example.com")  # warm up
            known = statistics.median(_ms(lambda: attempt("known@example.com"), n))
            unknown = statistics.median(_ms(lambda: attempt("nobody@example.com"), n))
            db.engine.dispose()
    return known, unknown


CAD_IN_A_LEAN_MAIN = """
import statistics, sys, time
from pathlib import Path
from quoting.isolation import part_from_bytes_isolated
data = Path(sys.argv[1]).read_bytes()
part_from_bytes_isolated(data, "plate.step")
runs = []
for _ in range(int(sys.argv[2])):
    started = time.perf_counter()
    part_from_bytes_isolated(data, "plate.step")
    runs.append((time.perf_counter() - started) * 1000)
print(statistics.median(runs))
"""


def cad_lean_main(files: int) -> float:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", CAD_IN_A_LEAN_MAIN, str(PLATE), str(files)], check=True,
                         capture_output=True, text=True, cwd=PLATE.parents[3]).stdout
    return float(out.strip().splitlines()[-1])


def cad_medians(files: int) -> tuple[float, float, float]:
    data = PLATE.read_bytes()
    started = time.perf_counter()
    part_from_bytes_isolated(data, "plate.step")  # starts the forkserver
    first = (time.perf_counter() - started) * 1000
    isolated = statistics.median(_ms(lambda: part_from_bytes_isolated(data, "plate.step"), files))
    inline = statistics.median(_ms(lambda: part_from_bytes(data, "plate.step"), files))
    return inline, isolated, first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=15, help="sign-in attempts per address")
    parser.add_argument("--files", type=int, default=10, help="STEP reads per way")
    args = parser.parse_args(argv)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    known, unknown = sign_in_medians(args.n)
    inline, isolated, first = cad_medians(args.files)
    lean = cad_lean_main(args.files)
    print(f"sign-in median: known {known:.1f} ms, unknown {unknown:.1f} ms (n={args.n} each)")
    print(f"plate.step: in process {inline:.0f} ms; isolated {lean:.0f} ms with a lean main module, {isolated:.0f} ms "
          f"with this app-importing main (median of {args.files}); first isolated read {first:.0f} ms")
    print(f"signin_ms_known={known:.1f} signin_ms_unknown={unknown:.1f} cad_ms_inline={inline:.0f} "
          f"cad_ms_isolated_lean_main={lean:.0f} cad_ms_isolated_app_main={isolated:.0f} "
          f"cad_ms_first_isolated={first:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
