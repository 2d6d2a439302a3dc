"""Timing helpers shared by the benchmarks: run a callable, report median and p99 in ms."""
from __future__ import annotations

import statistics
import time
from typing import Callable


def measure(fn: Callable[[], object], repeat: int, warmup: int = 5) -> list[float]:
    """Wall-clock milliseconds of ``repeat`` calls, after ``warmup`` untimed ones."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
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
