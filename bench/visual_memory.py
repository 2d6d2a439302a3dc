"""Visual search's decode memory: four concurrent decodes of the worst image of each accepted
format and mode, against four of a plain 12 MP phone JPEG measured in the same run.

The worst image of a format and mode is a flat file of a few KB at the largest size it is
accepted at (the pixel limit, or the memory budget when that comes first): what an attacker
would send. Each measurement runs in a forked child (tests/memory.py): the peak resident set
above the child's start (VmHWM) and the peak of traced Python allocations (tracemalloc).
Then the same files one size step larger, which must be refused before they are decoded.

    .venv/bin/python bench/visual_memory.py [--copies 4] [--only png]
"""
from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from memory import Failure, peak  # noqa: E402
from visual_images import WORST, largest  # noqa: E402

from bridge.visual.validate import MAX_DECODE_MIB, decode  # noqa: E402

MIB = 1024 * 1024


def phone_jpeg() -> bytes:
    """A 12 MP (4032 x 3024) baseline 4:2:0 JPEG at quality 88 with photo-like detail:
    gradients under sensor-like noise, 3 to 4 MB as a phone's are."""
    size = (4032, 3024)
    noise = Image.effect_noise(size, 18)
    across = Image.linear_gradient("L").resize(size)
    round_ = Image.radial_gradient("L").resize(size)
    down = across.transpose(Image.Transpose.ROTATE_90).resize(size)
    image = Image.merge("RGB", [ImageChops.add(band, noise, 2, offset)
                                for band, offset in ((across, -40), (round_, -30), (down, -20))])
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def measure(data: bytes, copies: int):
    started = time.process_time()
    one = peak(lambda: decode(data).image.size)
    many = peak(lambda: decode(data).image.size, copies=copies)
    return one, many, time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=4, help="decodes at once")
    parser.add_argument("--only", default="", help="formats and modes whose name has this")
    args = parser.parse_args()
    budget = MAX_DECODE_MIB * MIB
    print(f"budget per decode: {MAX_DECODE_MIB} MiB; {args.copies} decodes at once in each "
          f"measurement (threads in one process, as a gunicorn worker's)\n")

    phone = phone_jpeg()
    base_one, base_many, _ = measure(phone, args.copies)
    print(f"{'image':<28} {'side':>6} {'file':>9}   {'one decode':>17}   "
          f"{f'{args.copies} at once':>17}   {'vs phone':>8}")
    print(f"{'':<28} {'':>6} {'':>9}   {'RSS':>8} {'traced':>8}   {'RSS':>8} {'traced':>8}")

    def row(name, side, data, one, many):
        ratio = many.rss / base_many.rss if base_many.rss else float("nan")
        print(f"{name:<28} {side:>6} {len(data) / 1024:>7.0f} K   {one.rss / MIB:>7.1f}M "
              f"{one.traced / MIB:>7.1f}M   {many.rss / MIB:>7.1f}M {many.traced / MIB:>7.1f}M"
              f"   x{ratio:>6.1f}")

    row("12 MP phone JPEG (baseline)", 4032, phone, base_one, base_many)
    worst_many = 0
    refused = []
    for name, make in WORST.items():
        if args.only not in name:
            continue
        side = largest(name, budget)
        data = make(side)
        one, many, _ = measure(data, args.copies)
        for result in (one, many):
            if isinstance(result.outcome, Failure):
                raise SystemExit(f"{name} at {side}: refused ({result.outcome.message})")
        row(name, side, data, one, many)
        worst_many = max(worst_many, many.rss)
        beyond = WORST[name.replace("lossy", "lossless")](side + 1)
        refused.append((name, peak(lambda: decode(beyond), copies=args.copies)))

    print(f"\nworst {args.copies} at once: {worst_many / MIB:.1f} MiB (budget "
          f"{args.copies} x {MAX_DECODE_MIB} = {args.copies * MAX_DECODE_MIB} MiB); "
          f"the phone JPEG's: {base_many.rss / MIB:.1f} MiB")
    held = max(result.rss for _, result in refused) if refused else 0
    statuses = {getattr(result.outcome, "status", None) for _, result in refused}
    print(f"one size step larger: {len(refused)} of {len(refused)} refused with "
          f"{', '.join(map(str, sorted(s for s in statuses if s)))} before decoding; "
          f"{args.copies} refusals at once held at most {held / MIB:.1f} MiB")


if __name__ == "__main__":
    main()
