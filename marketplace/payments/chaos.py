"""The kill harness: money flows of many orders against a real localstripe, the app process SIGKILLed at random.

    python -m marketplace.payments.chaos --kills 200 --seed 1 [--database postgresql://...] [--outage]

It builds a small cluster in a fresh database (SQLite by default), serves the app in a child process (its embedded
outbox thread included) and drives buyers over HTTP: pay then confirm delivery, pay then cancel, cancel before
paying, two Pay presses at once; and lessees and their lessor: request, approve, then hand over, return and
inspect keeping part of the deposit, or cancel after paying (chaos_leases.py). Meanwhile it SIGKILLs the app at
random moments (and the app kills itself at the two crash points of every provider call, CHAOS_CRASH_RATE),
restarts it, and the buyers retry what failed. With
--outage the payments server becomes unreachable for a few seconds now and then (a proxy in front of it stops
listening). At the end it lets the background work finish and checks the books against localstripe; the last line
is `key=value`, and the exit status is 1 when any damage counter is not 0.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
from werkzeug.serving import make_server

from marketplace import create_app
from marketplace.devtools.localstripe_server import free_port, start_local_server
from marketplace.payments import chaos_leases
from marketplace.payments.chaos_world import build_world, check, fresh_postgres_schema, shipped

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ("deliver", "deliver", "cancel_paid", "cancel_unpaid", "double_pay")


class Proxy:
    """A TCP proxy on loopback that can stop listening (the payments server 'down') and start again."""

    def __init__(self, target_port: int):
        self.target, self.port = target_port, free_port()
        self.listener: socket.socket | None = None
        self.conns: list[socket.socket] = []
        self.lock = threading.Lock()
        self.up()

    def up(self) -> None:
        with self.lock:
            if self.listener is not None:
                return
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            for _ in range(100):  # the old listener's accept() may still hold the port for a moment
                try:
                    sock.bind(("127.0.0.1", self.port))
                    break
                except OSError:
                    time.sleep(0.05)
            sock.listen(64)
            self.listener = sock
        threading.Thread(target=self._accept, args=(sock,), daemon=True).start()

    def down(self) -> None:
        with self.lock:
            if self.listener is not None:
                try:
                    self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
                except OSError:
                    pass
                self.listener.close()
                self.listener = None
            for conn in self.conns:
                try:
                    conn.close()
                except OSError:
                    pass
            self.conns.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target))
            except OSError:
                client.close()
                continue
            with self.lock:
                self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.close()
                except OSError:
                    pass


class Server:
    """The app in a child process; `kill()` is SIGKILL, `start()` waits until it answers."""

    def __init__(self, database: str, stripe_base: str, crash_rate: float):
        self.database, self.stripe_base, self.crash_rate = database, stripe_base, crash_rate
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.lock = threading.Lock()
        self.kills = 0
        self.self_kills = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = dict(os.environ, DATABASE_URL=self.database, STRIPE_API_BASE=self.stripe_base, SECRET_KEY="chaos",
                   RATELIMIT_ENABLED="0",
                   CHAOS_CRASH_RATE=str(self.crash_rate), OUTBOX_WORKER="thread", OUTBOX_POLL_S="0.1",
                   OUTBOX_LEASE_S="3", OUTBOX_BACKOFF_S="0.2", OUTBOX_BACKOFF_MAX_S="2", PAYMENTS_SYNC_AFTER_S="2",
                   PAYMENTS_MAX_ATTEMPTS="3", PAYMENTS_BACKOFF_S="0.05", PAYMENTS_TIMEOUT_S="3",
                   PLANNING_TIME_LIMIT_S="0.5", SOLVER_WORKERS="1")
        env.pop("REDIS_URL", None)
        self.process = subprocess.Popen([sys.executable, "-m", "marketplace.payments.chaos", "serve",
                                         "--port", str(self.port)], env=env, cwd=str(ROOT),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:  # died at a crash point while starting its work
                self.self_kills += 1
                self.process = subprocess.Popen(self.process.args, env=env, cwd=str(ROOT),
                                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                httpx.get(f"{self.base}/health", timeout=0.5)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("the app did not start")

    def kill(self) -> None:
        with self.lock:
            if self.process and self.process.poll() is None:
                self.process.send_signal(signal.SIGKILL)
                self.process.wait()
                self.kills += 1

    def ensure_up(self) -> None:
        with self.lock:
            if self.process is None or self.process.poll() is not None:
                if self.process is not None and self.process.returncode == -signal.SIGKILL:
                    self.self_kills += 1
                self.start()


def _request(server: Server, method: str, path: str, token: str, stop: threading.Event, **kwargs) -> httpx.Response:
    """The buyer retries until the app answers (a killed app is restarted by the harness)."""
    while not stop.is_set():
        try:
            return httpx.request(method, server.base + path, headers={"Authorization": f"Bearer {token}"},
                                 timeout=15, **kwargs)
        except httpx.TransportError:
            time.sleep(0.1)
            server.ensure_up()
    raise RuntimeError("stopped")


def _wait_for(server, path, token, wanted, stop, timeout=900.0) -> str:
    """A user who keeps the page open: the app may be down (and restarted) many times meanwhile."""
    deadline = time.monotonic() + timeout
    status = "?"
    while time.monotonic() < deadline and not stop.is_set():
        response = _request(server, "GET", path, token, stop)
        status = response.json().get("status", "?")
        if status in wanted:
            return status
        time.sleep(0.15)
    return status


def _wait_status(server, order_id, token, wanted, stop, timeout=900.0) -> str:
    return _wait_for(server, f"/api/v1/orders/{order_id}", token, wanted, stop, timeout)


def run_script(kind: str, order: dict, server: Server, database: str, stop: threading.Event, log: Counter) -> None:
    oid, token = order["id"], order["token"]
    pay = f"/api/v1/orders/{oid}/pay"
    if kind == "cancel_unpaid":
        _request(server, "POST", f"/api/v1/orders/{oid}/cancel", token, stop)
        return
    if kind == "double_pay":
        threads = [threading.Thread(target=_request, args=(server, "POST", pay, token, stop), kwargs={"json": {}})
                   for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:
        _request(server, "POST", pay, token, stop, json={})
    status = _wait_status(server, oid, token, {"paid", "planned"}, stop)
    if status not in ("paid", "planned"):
        log["pay_not_done"] += 1  # reported: the order then counts as stuck
        return
    if kind == "cancel_paid":
        _request(server, "POST", f"/api/v1/orders/{oid}/cancel", token, stop)
        return
    shipped(database, oid)  # production is not what this harness tests: steps done, shipped
    _request(server, "POST", f"/api/v1/orders/{oid}/confirm-delivery", token, stop)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m marketplace.payments.chaos")
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve")
    serve.add_argument("--port", type=int, required=True)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--orders", type=int, default=None, help="default: max(12, kills / 2)")
    parser.add_argument("--leases", type=int, default=None, help="default: orders / 3")
    parser.add_argument("--database", default=None, help="SQLAlchemy URL; default a fresh SQLite file")
    parser.add_argument("--crash-rate", type=float, default=0.03, help="self-kill chance at each crash point")
    parser.add_argument("--outage", action="store_true", help="also make the payments server unreachable")
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args(argv)
    if args.command == "serve":
        return _serve(args.port)
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="chaos-"))
    database = args.database or f"sqlite:///{work / 'chaos.sqlite'}"
    if database.startswith("postgresql"):
        database = fresh_postgres_schema(database, f"chaos_{os.getpid()}")
    stripe = start_local_server(state_dir=work / "localstripe")
    proxy = Proxy(stripe.port)
    started = time.monotonic()
    try:
        count = args.orders or max(12, args.kills // 2)
        orders, lease_jobs = build_world(database, stripe.base_url, count, rng,
                                         count // 3 if args.leases is None else args.leases)
        server = Server(database, f"http://127.0.0.1:{proxy.port}", args.crash_rate)
        server.start()
        stop, log = threading.Event(), Counter()
        jobs = [(rng.choice(SCRIPTS), order) for order in orders]
        plan = {order["id"]: kind for kind, order in jobs}
        lease_scripts = [(rng.choice(chaos_leases.SCRIPTS), job) for job in lease_jobs]
        lease_plan = {job["item"]: kind for kind, job in lease_scripts}
        jobs += lease_scripts
        rng.shuffle(jobs)
        lock = threading.Lock()

        def client():
            while True:
                with lock:
                    if not jobs:
                        return
                    kind, order = jobs.pop()
                try:
                    if kind in chaos_leases.SCRIPTS:
                        chaos_leases.run_lease_script(
                            kind, order, lambda method, path, token, **kw: _request(server, method, path, token, stop,
                                                                                    **kw),
                            lambda path, token, wanted: _wait_for(server, path, token, wanted, stop), stop, log)
                    else:
                        run_script(kind, order, server, database, stop, log)
                except Exception as exc:  # noqa: BLE001 - a harness bug is reported, not hidden
                    log[f"client_error:{type(exc).__name__}"] += 1

        clients = [threading.Thread(target=client, daemon=True) for _ in range(args.clients)]
        for t in clients:
            t.start()
        outages = 0
        while any(t.is_alive() for t in clients) and server.kills < args.kills:
            time.sleep(rng.uniform(0.002, 0.9))
            if args.outage and rng.random() < 0.1:
                proxy.down()
                outages += 1
                time.sleep(rng.uniform(1, 4))
                proxy.up()
            server.kill()
            time.sleep(rng.uniform(0.0, 0.3))
            server.ensure_up()
        server.ensure_up()
        for t in clients:
            t.join(timeout=900)
        time.sleep(1)
        result = check(database, stripe.base_url, plan, server, timeout_s=120, lease_plan=lease_plan)
        server.kill()
        result.update(kills=server.kills + server.self_kills, killed_by_harness=server.kills,
                      self_kills=server.self_kills, outages=outages, orders=len(orders),
                      client_errors=sum(v for k, v in log.items() if k.startswith("client_error")),
                      pay_not_done=log["pay_not_done"], lease_not_paid=log["lease_not_paid"],
                      wall_s=round(time.monotonic() - started, 1))
        damage = ("inconsistent", "double_captures", "double_refunds", "stuck_orders", "reconcile_diffs",
                  "lease_inconsistent", "lease_double_charges", "lease_double_refunds", "stuck_leases")
        print(" ".join(f"{k}={v}" for k, v in result.items()))
        return 1 if any(result[k] for k in damage) or result["client_errors"] else 0
    finally:
        proxy.down()
        stripe.stop()


def _serve(port: int) -> int:
    app = create_app()

    @app.get("/health")
    def health():
        return "ok"

    app.extensions["outbox_worker"].start()
    make_server("127.0.0.1", port, app, threaded=True).serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
