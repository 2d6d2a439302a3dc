"""The conversation eval's score (issue 18): pass rates per class and language, for the dev
and the held-out cases, beside a plain-search baseline measured in the same run.

The baseline answers each turn with a plain catalogue search of the shopper's last message
(GET /agent/search): no history, no cart, no policies, what a keyword box amounts to. The
held-out cases are scored, never listed: their failures are not printed.
    .venv/bin/python bench/conversations.py [--details] [--only dev|held_out]
Target (issue 18): at least 90% of the held-out cases pass with the offline assistant.
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from conversations import report  # noqa: E402
from conversations.cases import DEV, HELD_OUT, load  # noqa: E402
from conversations.runner import Offline, PlainSearch, run  # noqa: E402

TARGET = 0.9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true",
                        help="list each failed dev case with its first failing turn")
    parser.add_argument("--only", choices=("dev", "held_out"))
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    sets = {"dev": DEV, "held_out": HELD_OUT}
    if args.only:
        sets = {args.only: sets[args.only]}
    for name, path in sets.items():
        suite = load(path)
        started = time.perf_counter()
        offline = run(suite, Offline())
        baseline = run(suite, PlainSearch())
        seconds = time.perf_counter() - started
        broken = [r for r in offline + baseline if r.error]
        print(report.table({"offline": offline, "plain search": baseline},
                           f"{name} ({len(suite.cases)} cases)"))
        rate = sum(r.passed for r in offline) / len(offline)
        print(f"offline pass rate {rate:.1%} (target for held_out: {TARGET:.0%}); "
              f"both runs took {seconds:.1f} s")
        for result in broken:
            print(f"RUNNER ERROR {result.case.id}: {result.error}")
        if args.details and name == "dev":
            print("\nfailed dev cases, first failing turn:")
            print(report.failures(offline))
        print()


if __name__ == "__main__":
    main()
