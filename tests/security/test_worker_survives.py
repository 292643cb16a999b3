"""One request must not take down the process that serves it: against gunicorn, a kilometre STEP file, a STEP file
that needs more memory than a file may use, a huge number in the search and a 6,000-deep JSON body each answer a
4xx within seconds, and the same worker serves the next request."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
PLATE_STEP = ROOT / "tests" / "quoting" / "data" / "plate.step"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gunicorn(database_url, db):
    db.session.commit()
    port = _free_port()
    env = os.environ | {"DATABASE_URL": database_url, "SECRET_KEY": "survive", "OUTBOX_WORKER": "off",
                        "CAD_PARSE_MEMORY_MB": "2048", "SEARCH_AUTO_INDEX": "0"}
    env.pop("REDIS_URL", None)
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "1", "--timeout", "30", "-b",
                                f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(f"{base}/sign-in", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.2)
    try:
        yield base, process
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)


def _worker_pids(master: int) -> set[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True).stdout
    return {int(p) for p in out.split()} - {master}


def test_gunicorn_worker_survives_hostile_requests(gunicorn, create_firm, create_user, token_for):
    base, process = gunicorn
    buyer = create_user(create_firm("buyer"))
    headers = {"Authorization": f"Bearer {token_for(buyer)}"}
    workers = _worker_pids(process.pid)
    assert len(workers) == 1
    kilometre = PLATE_STEP.read_bytes().replace(b"SI_UNIT(.MILLI.,.METRE.)", b"SI_UNIT(.KILO.,.METRE.)")
    with httpx.Client(base_url=base, headers=headers, timeout=20) as http:
        requests = [
            lambda: http.post("/api/v1/quotes", data={"material": "al6061", "quantity": "1"},
                              files={"file": ("km.step", kilometre)}),
            lambda: http.get("/api/v1/search/capacity", params={"min_rate_fen": "1e999990"}),
            lambda: http.post("/api/v1/quotes", content="[" * 6000 + "]" * 6000,
                              headers={"Content-Type": "application/json"}),
            lambda: http.post("/webhooks/payments", content="[" * 6000 + "]" * 6000,
                              headers={"Content-Type": "application/json"}),
        ]
        for send in requests:
            started = time.perf_counter()
            response = send()
            assert 400 <= response.status_code < 500, response.text[:300]
            assert time.perf_counter() - started < 5
        assert requests[0]().json()["reasons"]["file"] == "implausible_units"
        assert http.get("/api/v1/me").status_code == 200
    assert _worker_pids(process.pid) == workers  # the same worker, never killed and replaced


def test_a_file_over_the_memory_limit_is_a_422_and_the_app_carries_on(app, db, create_firm, create_user, api_as,
                                                                       create_factory, create_machine):
    app.config["CAD_PARSE_MEMORY_MB"] = 400  # less than OpenCASCADE needs to read even the small plate
    buyer = create_user(create_firm("buyer"))
    create_machine(create_factory(create_firm("factory")), "cnc_mill_3ax")
    api = api_as(buyer)
    data = {"material": "al6061", "quantity": "1", "file": (PLATE_STEP.open("rb"), "plate.step")}
    response = api.post("/api/v1/quotes", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.json["reasons"]["file"] == "limits_exceeded"
    app.config["CAD_PARSE_MEMORY_MB"] = 2048
    data = {"material": "al6061", "quantity": "1", "file": (PLATE_STEP.open("rb"), "plate.step")}
    assert api.post("/api/v1/quotes", data=data, content_type="multipart/form-data").status_code == 201
