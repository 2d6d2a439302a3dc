"""Pass rates of a run, per class and per language, as a plain-text table.

``table({"offline": results, "plain search": baseline})`` puts several runs of the same
cases side by side; ``failures(results)`` lists each failed case's first failed turn, for
dev cases only (held-out cases are scored, never shown).
"""
from __future__ import annotations

from collections import defaultdict

from .cases import CLASSES
from .language import LANGUAGES
from .runner import CaseResult


def rates(results: list[CaseResult], key) -> dict[str, tuple[int, int]]:
    """(passed, total) per group."""
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for result in results:
        group = found[key(result)]
        group[0] += result.passed
        group[1] += 1
    return {k: (v[0], v[1]) for k, v in found.items()}


def _cell(passed: int, total: int) -> str:
    return f"{passed:>3}/{total:<3} {100 * passed / total:5.1f}%" if total else f"{'-':>16}"


def table(runs: dict[str, list[CaseResult]], title: str = "") -> str:
    """Rows by class, then by language, then overall; one column per run."""
    names = list(runs)
    width = 18
    head = f"{title or 'cases':<28}" + "".join(f"{n:>{width}}" for n in names)
    lines = [head, "-" * len(head)]
    sections = (("class", CLASSES, lambda r: r.case.cls),
                ("language", LANGUAGES, lambda r: r.case.lang))
    for label, order, key in sections:
        tallies = {n: rates(results, key) for n, results in runs.items()}
        for group in order:
            if not any(group in t for t in tallies.values()):
                continue
            row = f"  {label} {group:<{25 - len(label)}}"
            row += "".join(f"{_cell(*tallies[n].get(group, (0, 0))):>{width}}" for n in names)
            lines.append(row)
        lines.append("")
    total = f"{'all':<28}" + "".join(
        f"{_cell(sum(r.passed for r in results), len(results)):>{width}}"
        for results in runs.values())
    lines.append(total)
    if len(names) == 2:
        a, b = (sum(r.passed for r in runs[n]) for n in names)
        total = len(runs[names[0]]) or 1
        ratio = f"{a / b:.2f}x" if b else "n/a (the baseline passes none)"
        lines.append(f"{names[0]} / {names[1]}: {ratio}, "
                     f"{100 * (a - b) / total:+.1f} points")
    return "\n".join(lines)


def failures(results: list[CaseResult]) -> str:
    """Each failed case with its first failing turn and why, for reading dev results."""
    lines = []
    for result in results:
        if result.passed:
            continue
        if result.error:
            lines.append(f"{result.case.id}: ERROR {result.error}")
            continue
        for n, turn in enumerate(result.turns, 1):
            if turn.failures:
                lines.append(f"{result.case.id} (turn {n}: {turn.say!r}): "
                             + "; ".join(turn.failures))
                break
    return "\n".join(lines)
