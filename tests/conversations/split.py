"""Split the authored cases into dev.yaml and held_out.yaml: a random fifth, fixed seed.

Run once, before anyone tunes the assistant, over the files the cases were written in:

    python tests/conversations/split.py STORES.yaml CASES.yaml [CASES.yaml ...]

The first file holds ``stores:``; the others hold ``cases:``. Each class gives a fifth of
its cases (rounded up) to the held-out file, drawn with SEED, so every class is
scored on cases nobody tuned for. The case text is copied as written (comments included).
Both outputs exist once split; the script refuses to overwrite them, so the held-out set
can't be redrawn after the build has seen the dev results.
"""
from __future__ import annotations

import argparse
import math
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SEED = 18_2024
SHARE = 0.2

DEV_HEAD = """\
# Conversation eval, dev cases (issue 18). Tune against these; README.md explains the format.
# Written by tests/conversations/split.py from the authored cases; edit cases here.
"""
HELD_OUT_HEAD = """\
# HELD-OUT CASES: DO NOT READ THIS FILE IF YOU WORK ON THE ASSISTANT.
# It scores the build of issue 18 on cases it was not tuned for (bench/conversations.py
# prints its pass rate per class and language, never its cases). Reading it, quoting it
# or shaping the assistant after it makes the score worthless. Drawn by split.py, seed
# {seed}, a fifth of each class, before anyone tuned anything.
"""


def blocks(text: str) -> list[str]:
    """The text of each case under ``cases:``; section comments between cases dropped."""
    body = text.split("\ncases:\n", 1)[1] if "\ncases:\n" in text else \
        text.split("cases:\n", 1)[1]
    parts = re.split(r"(?m)^(?=  - id: )", body)
    cleaned = []
    for part in parts:
        lines = [line for line in part.splitlines() if not line.startswith("  # --")]
        chunk = "\n".join(lines).strip("\n")
        if chunk.strip():
            cleaned.append(chunk + "\n")
    return cleaned


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stores", type=Path)
    parser.add_argument("cases", type=Path, nargs="+")
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    dev_path, held_path = args.out / "dev.yaml", args.out / "held_out.yaml"
    if dev_path.exists() or held_path.exists():
        sys.exit("dev.yaml or held_out.yaml exists already: the split is drawn once.")
    stores = args.stores.read_text(encoding="utf-8").strip() + "\n"
    by_class: dict[str, list[str]] = defaultdict(list)
    for path in args.cases:
        for block in blocks(path.read_text(encoding="utf-8")):
            case = yaml.safe_load("cases:\n" + block)["cases"][0]
            by_class[case["class"]].append(block)
    rng = random.Random(SEED)
    held, dev = [], []
    for cls in sorted(by_class):
        cases = by_class[cls]
        order = list(range(len(cases)))
        rng.shuffle(order)
        chosen = set(order[:math.ceil(len(cases) * SHARE)])
        for n, block in enumerate(cases):
            (held if n in chosen else dev).append(block)
    dev_path.write_text(DEV_HEAD + "\n" + stores + "\ncases:\n" + "\n".join(dev),
                        encoding="utf-8")
    held_path.write_text(HELD_OUT_HEAD.format(seed=SEED) + "\n" + stores + "\ncases:\n"
                         + "\n".join(held), encoding="utf-8")
    print(f"{len(dev)} dev cases, {len(held)} held out "
          f"({len(held) / (len(dev) + len(held)):.0%}), seed {SEED}")


if __name__ == "__main__":
    main()
