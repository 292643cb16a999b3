"""Run localstripe (the PyPI Stripe fake, an aiohttp app) on loopback with its own state directory.

localstripe's own `localstripe` command binds every interface (`::`) and keeps its state in the fixed file
/tmp/localstripe.pickle, shared by every run on the machine. Here it runs in a child process that binds
127.0.0.1 only and whose pickle lives in `state_dir`:

    handle = start_local_server(port=0, state_dir=tmp)   # port 0: a free port
    handle.base_url  # http://127.0.0.1:<port>
    handle.stop()

`python -m marketplace.devtools.localstripe_server --port 8420 --state-dir instance/localstripe` runs it in the
foreground (the demo and `flask payments localstripe` use that).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

HOST = "127.0.0.1"


@dataclass
class LocalStripe:
    port: int
    state_dir: Path
    process: subprocess.Popen = field(repr=False)

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def stop(self, timeout: float = 5.0) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        for stream in (self.process.stdout, self.process.stderr):
            if stream:
                stream.close()

    def __enter__(self) -> LocalStripe:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_local_server(port: int = 0, state_dir: str | os.PathLike | None = None, *, from_scratch: bool = True,
                       timeout: float = 15.0, quiet: bool = True) -> LocalStripe:
    """Start localstripe in a child process on 127.0.0.1:`port` and wait until it answers."""
    port = port or free_port()
    state = Path(state_dir) if state_dir else Path(tempfile.mkdtemp(prefix="localstripe-"))
    state.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "marketplace.devtools.localstripe_server", "--port", str(port),
               "--state-dir", str(state)]
    if from_scratch:
        command.append("--from-scratch")
    output = subprocess.DEVNULL if quiet else None
    process = subprocess.Popen(command, stdout=output, stderr=output,
                               cwd=str(Path(__file__).resolve().parents[2]))
    handle = LocalStripe(port=port, state_dir=state, process=process)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"localstripe exited with code {process.returncode}")
        try:
            httpx.get(f"{handle.base_url}/v1/customers", auth=("sk_test_probe", ""), timeout=0.5)
            return handle
        except httpx.TransportError:
            time.sleep(0.05)
    handle.stop()
    raise RuntimeError(f"localstripe did not answer on port {port} within {timeout} s")


def _serve(port: int, state_dir: Path, from_scratch: bool) -> None:
    """Inside the child: point localstripe's store at state_dir, then serve on loopback only."""
    import logging
    import pickle

    from aiohttp import web
    from localstripe import resources, server

    state_file = state_dir / "localstripe.pickle"

    def load(self):
        try:
            with state_file.open("rb") as f:
                old = pickle.load(f)
        except FileNotFoundError:
            return
        self.clear()
        self.update(old)

    def dump(self):
        tmp = state_file.with_suffix(".tmp")
        with tmp.open("wb") as f:
            pickle.dump(dict(self), f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(state_file)

    resources.Store.try_load_from_disk = load
    resources.Store.dump_to_disk = dump
    if not from_scratch:
        resources.store.try_load_from_disk()
    logging.basicConfig(level=logging.WARNING)
    web.run_app(server.app, host=HOST, port=port, print=None, access_log=None)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="localstripe on 127.0.0.1 with its own state directory")
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--state-dir", type=Path, required=True)
    parser.add_argument("--from-scratch", action="store_true", help="ignore the state saved by an earlier run")
    args = parser.parse_args(argv)
    args.state_dir.mkdir(parents=True, exist_ok=True)
    _serve(args.port, args.state_dir, args.from_scratch)


if __name__ == "__main__":
    main()
