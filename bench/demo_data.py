"""How long the demo shop takes to build, each against a baseline measured in the same run.

- ``generate(anchor)``, the whole demo shop with its history, against
  ``generate_catalogue`` of as many products (the products alone, no orders or reviews);
- ``generate_catalogue(50000)`` (bench/search.py's catalogue) against ten times
  ``generate_catalogue(5000)`` (is it linear?);
- ``render_png`` per product against encoding a blank PNG of the same size (the encoding
  alone, no drawing).
    .venv/bin/python bench/demo_data.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from bridge.store.demo import generate, generate_catalogue, render_png  # noqa: E402
from bridge.store.demo.images import SIZE  # noqa: E402

ANCHOR = date(2025, 6, 1)


def seconds(fn, repeat: int) -> float:
    """The median wall-clock seconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def blank_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (SIZE, SIZE), (240, 240, 240)).save(out, "PNG")
    return out.getvalue()


def report(label: str, ours: float, base_label: str, base: float, unit: str = "s") -> None:
    scale = 1000 if unit == "ms" else 1
    print(f"{label:<40} {ours * scale:9.3f} {unit}   {base_label}: {base * scale:9.3f} {unit}"
          f"   x{ours / base:5.2f} the baseline")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    shop = generate(ANCHOR)
    count = len(shop.products)
    report(f"generate(anchor): {count} products + history", seconds(lambda: generate(ANCHOR),
                                                                    args.repeat),
           f"generate_catalogue({count})", seconds(lambda: generate_catalogue(count), args.repeat))

    big = seconds(lambda: generate_catalogue(50_000), 1)
    small = seconds(lambda: generate_catalogue(5_000), args.repeat)
    report("generate_catalogue(50000)", big, "10 x generate_catalogue(5000)", 10 * small)

    published = [p for p in shop.products if p.published]
    per_picture = seconds(lambda: [render_png(p) for p in published], args.repeat) / len(published)
    per_blank = seconds(lambda: [blank_png() for _ in published], args.repeat) / len(published)
    report("render_png, per product", per_picture, "blank PNG encode", per_blank, "ms")


if __name__ == "__main__":
    main()
