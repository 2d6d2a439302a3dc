"""Timing helpers shared by the benchmarks: run a callable, report median and p99 in ms, and
the garbage collector's own pauses (GCPauses)."""
from __future__ import annotations

import gc
import statistics
import time
from typing import Callable


def measure(fn: Callable[[], object], repeat: int, warmup: int = 5,
            cpu: list[float] | None = None) -> list[float]:
    """Wall-clock milliseconds of ``repeat`` calls, after ``warmup`` untimed ones; given a
    ``cpu`` list, each call's CPU milliseconds in this thread are appended to it (what the
    call cost, whatever else the machine is running)."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start, used = time.perf_counter(), time.thread_time()
        fn()
        times.append((time.perf_counter() - start) * 1000)
        if cpu is not None:
            cpu.append((time.thread_time() - used) * 1000)
    return times


def summary(times: list[float]) -> dict:
    ordered = sorted(times)
    return {"median": statistics.median(ordered),
            "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
            "n": len(ordered)}


def line(label: str, stats: dict, baseline: dict | None = None) -> str:
    text = f"{label:<44} median {stats['median']:8.3f} ms   p99 {stats['p99']:8.3f} ms"
    if baseline:
        text += f"   x{baseline['median'] / stats['median']:6.1f} faster than baseline"
    return text


class GCPauses:
    """The collector's own pauses while it is installed (``gc.callbacks``): how many, the
    longest, per generation. ``with GCPauses() as pauses: ...`` then ``pauses.line()``."""

    def __init__(self):
        self.pauses: list[tuple[int, float, float]] = []  # (generation, ms, wall-clock end)
        self._started = None

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        elif self._started is not None:
            ms = (time.perf_counter() - self._started) * 1000
            self.pauses.append((info["generation"], ms, time.time()))
            self._started = None

    def install(self) -> "GCPauses":
        gc.callbacks.append(self._callback)
        return self

    def remove(self) -> None:
        if self._callback in gc.callbacks:
            gc.callbacks.remove(self._callback)

    __enter__ = install

    def __exit__(self, *exc) -> None:
        self.remove()

    def report(self, since: float = 0.0, until: float = float("inf")) -> dict:
        """Counts and longest pauses of the collections that ended between two
        ``time.time()`` instants (all of them by default); ``pauses`` lists them."""
        pauses = [p for p in self.pauses if since <= p[2] <= until]
        return window({"pauses": pauses})


def window(report: dict, since: float = 0.0, until: float = float("inf")) -> dict:
    """A GC report for the collections of ``report["pauses"]`` that ended in a window."""
    pauses = [p for p in report.get("pauses", []) if since <= p[2] <= until]
    full = [ms for generation, ms, _ in pauses if generation == 2]
    return {"collections": len(pauses), "full": len(full),
            "longest_ms": max((ms for _, ms, _ in pauses), default=0.0),
            "longest_full_ms": max(full, default=0.0), "pauses": pauses}


def gc_line(label: str, report: dict) -> str:
    return (f"{label:<44} GC: {report['collections']} collections, longest "
            f"{report['longest_ms']:.2f} ms; {report['full']} full, longest "
            f"{report['longest_full_ms']:.2f} ms")
