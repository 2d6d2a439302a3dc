"""Peak memory of a piece of work, measured in a forked child so that nothing the parent
holds (or freed earlier) hides what the work itself needs: the child's peak resident set
above where it started (Linux's VmHWM, reset through /proc/self/clear_refs), and the peak
of the Python allocations traced while it ran."""
from __future__ import annotations

import ctypes
import os
import pickle
import threading
import tracemalloc
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Failure:
    """An exception raised in the child, as far as it travels back (a BridgeError's parts)."""
    kind: str
    message: str
    status: int | None = None
    code: str | None = None


@dataclass(frozen=True)
class Peak:
    rss: int  # bytes the resident set grew by, at its highest
    traced: int  # bytes of Python allocations at their highest (tracemalloc)
    outcome: object  # what the work returned, or a Failure for the exception it raised


def _status(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def peak(work: Callable[[], object], copies: int = 1) -> Peak:
    """Run ``copies`` of ``work`` at once (threads) in a forked child and measure it.
    ``outcome`` is the first copy's return value, or the exception it raised."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: measure, report through the pipe, leave without cleanup
        try:
            os.close(read)
            ctypes.CDLL("libc.so.6").malloc_trim(0)
            tracemalloc.start()
            with open("/proc/self/clear_refs", "w") as fh:
                fh.write("5")  # the resident-set high-water mark starts again from here
            start = _status("VmRSS")
            results: list = [None] * copies

            def run(i):
                try:
                    results[i] = work()
                except Exception as exc:  # the outcome the caller asserts on
                    results[i] = Failure(type(exc).__name__, getattr(exc, "message", str(exc)),
                                         getattr(exc, "status", None), getattr(exc, "code", None))

            threads = [threading.Thread(target=run, args=(i,)) for i in range(copies)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            grown = _status("VmHWM") - start
            traced = tracemalloc.get_traced_memory()[1]
            payload = pickle.dumps(Peak(grown, traced, results[0]))
            with os.fdopen(write, "wb") as fh:
                fh.write(payload)
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as fh:
        data = fh.read()
    os.waitpid(pid, 0)
    if not data:
        raise RuntimeError("the measuring child died without an answer")
    return pickle.loads(data)
