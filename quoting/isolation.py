"""CAD parsing in a child process with CPU-time and memory limits, so that no upload can take down the process that
serves it: a file that needs more than its share is a `GeometryError("limits_exceeded")`, the caller carries on.

Children are forked from a forkserver that has already imported trimesh, numpy and this package (about 20 ms per
file instead of a second of imports). `resource.setrlimit` bounds the child's CPU seconds (RLIMIT_CPU) and address
space (RLIMIT_AS); a wall-clock deadline kills a child that waits on something else.
"""

from __future__ import annotations

import multiprocessing
import resource
import threading

from .brep import has_exact
from .errors import GeometryError
from .geometry import part_from_bytes
from .messages import Msg
from .preview import preview
from .specs import PartFeatures
from .split import split_parts

PRELOAD = ["numpy", "trimesh", "quoting.geometry", "quoting.preview", "quoting.isolation"]
if has_exact():  # OpenCASCADE's reader for exact figures, loaded once in the fork server (0.8 s per import)
    PRELOAD += ["OCP.STEPControl", "OCP.BRepGProp", "OCP.BRepBndLib", "OCP.GProp", "OCP.Bnd", "OCP.TopExp"]
_start_lock = threading.Lock()


def _context():
    context = multiprocessing.get_context("forkserver")
    with _start_lock:
        context.set_forkserver_preload(PRELOAD)
    return context


TASKS = {"features": part_from_bytes, "preview": preview, "split": split_parts}


def _child(conn, data: bytes, filename: str | None, kwargs: dict, cpu_s: int, memory_mb: int,
           task: str = "features") -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 2))
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        conn.send(("ok", TASKS[task](data, filename, **kwargs)))
    except GeometryError as exc:
        if isinstance(exc.__cause__, MemoryError) or "bad_alloc" in str(exc) or _near_limit(limit):
            conn.send(("limit", "memory"))  # a reader that ran out of memory often reports only that it failed
        else:
            conn.send(("error", (exc.code, exc.message)))  # the Msg itself: its code and parameters cross over
    except MemoryError:
        conn.send(("limit", "memory"))
    finally:
        conn.close()


def _near_limit(limit: int) -> bool:
    """Whether this process's peak address space came within 10 % of its RLIMIT_AS (Linux: VmPeak)."""
    try:
        with open("/proc/self/status") as status:
            peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmPeak:"))
    except (OSError, StopIteration, ValueError):
        return False
    return peak_kb * 1024 >= 0.9 * limit


def part_from_bytes_isolated(data: bytes, filename: str | None = None, *, cpu_s: int = 20, memory_mb: int = 2048,
                             **kwargs) -> PartFeatures:
    """`part_from_bytes` in a limited child process. Raises GeometryError (its own codes, or limits_exceeded)."""
    return _isolated("features", data, filename, cpu_s, memory_mb, kwargs)


def preview_isolated(data: bytes, filename: str | None = None, *, cpu_s: int = 20, memory_mb: int = 2048,
                     **kwargs) -> tuple[bytes, bytes]:
    """`quoting.preview.preview` (STL and PNG of the part) in the same limited child process."""
    return _isolated("preview", data, filename, cpu_s, memory_mb, kwargs)


def split_parts_isolated(data: bytes, filename: str | None = None, *, cpu_s: int = 20, memory_mb: int = 2048,
                         **kwargs) -> list[bytes]:
    """`quoting.split.split_parts` (one STL per separate part) in the same limited child process."""
    return _isolated("split", data, filename, cpu_s, memory_mb, kwargs)


def _isolated(task: str, data: bytes, filename: str | None, cpu_s: int, memory_mb: int, kwargs: dict):
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, data, filename, kwargs, cpu_s, memory_mb, task),
                            daemon=True)
    child.start()
    sender.close()
    outcome = None
    try:
        if receiver.poll(cpu_s * 3 + 10):
            outcome = receiver.recv()
    except EOFError:  # the child died without answering: killed by a limit (SIGXCPU, SIGKILL) or crashed
        outcome = None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if outcome is None:
        reason = "cpu" if child.exitcode in (-24, -9) else f"exit {child.exitcode}"
        raise GeometryError(Msg("geometry.limits_cpu", cpu=cpu_s, memory=memory_mb, reason=reason),
                            "limits_exceeded")
    kind, value = outcome
    if kind == "ok":
        return value
    if kind == "limit":
        raise GeometryError(Msg("geometry.limits_memory", memory=memory_mb), "limits_exceeded")
    code, message = value
    raise GeometryError(message, code)
