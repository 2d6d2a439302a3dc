"""The claim check: what it adds to a streamed reply, and how well it judges.

Speed: replies written from a real turn's tool results on the demo store (a search of ten
products, one product's details, a cart with two lines), true figures and lies mixed, cut
into deltas of one to four words as models stream them. Each reply runs through the check
(bridge.agent.honesty ClaimCheck.screen, the facts built from the turn's tool calls
included) and, in the same run, through the same loop without it. Prints per chunk and per
turn median and p99 of both, and how long text waits behind a held span (in chunks).

Quality: the marked cases of tests/honesty (cases.py, which the check was tuned on, and
held_out.py, which it was not): catch rate (false claims stopped) and false-alarm rate (true
claims stopped, plus plain sentences read as claims), per kind, beside the rule the review
drafts used before (any money, percentage or link refused) as the plain baseline.
The cases are hand-written against a fixture shop (tests/honesty/shop.py), not public data.
    .venv/bin/python bench/honesty.py [--turns 200]
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from _stats import summary  # noqa: E402

from bridge.agent.events import Chunk  # noqa: E402
from bridge.agent.honesty import verdicts  # noqa: E402
from bridge.agent.tools.registry import ToolContext  # noqa: E402
from bridge.agent.turn import Turn  # noqa: E402
from bridge.core import build_core  # noqa: E402
from bridge.settings import Settings  # noqa: E402
from honesty import cases, held_out  # noqa: E402
from honesty.shop import facts, parse  # noqa: E402

# The review drafts' rule before the claim check: any money, percentage or link.
OLD_RULE = re.compile(r"[$€£¥₹]\s?\d|\d+[.,]\d{2}\b|\d+\s?%|https?://|www\.", re.I)


class Model:
    name, model = "bench", "bench-model"


def turn_with_tools(core) -> Turn:
    ctx = ToolContext(store=core.store, index=core.index, cart_ref=None)
    turn = Turn(messages=[{"role": "user", "content": "warm hoodies under $80 please"}],
                tools=core.agent.tools, ctx=ctx)
    found = turn.execute("search_products", {"query": "hoodie", "limit": 10})
    first = found.cards[0]
    turn.execute("get_product_details", {"product_id": first["id"]})
    simple = next(c for c in found.cards if not c.get("variations")) if any(
        not c.get("variations") for c in found.cards) else None
    if simple:
        turn.execute("view_cart", {})
    return turn


def replies(turn: Turn) -> list[str]:
    cards = [c for call in turn.calls for c in call.result.cards]
    lines = [f"- **{c['name']}**: ${c['price']}" + (" (on sale)" if c.get("on_sale") else "")
             + (f", only {c['stock_quantity']} left" if c.get("stock_quantity") else "")
             for c in cards[:10]]
    honest = ("Here are some warm options within your budget of $80:\n" + "\n".join(lines)
              + "\nWould you like me to compare any of them or add one to your cart?")
    first = cards[0]
    lie = (f"The {first['name']} costs $12.34 and ships free tomorrow with code FREE50. "
           f"It is rated 4.9 stars and only 2 left! The {cards[1]['name']} is "
           f"${cards[1]['price']}. " * 2)
    chat = ("Hi! Happy to help you find something cosy for the weekend. Most of our hoodies "
            "are brushed inside and wash well; tell me your size and colour and I'll narrow "
            "it down. ") * 3
    return [honest, lie, chat]


def pieces(text: str, rng: random.Random) -> list[str]:
    words = re.findall(r"\S+\s*", text)
    out = []
    while words:
        take = rng.randint(1, 4)
        out.append("".join(words[:take]))
        words = words[take:]
    return out


def speed(core, turns: int) -> None:
    rng = random.Random(15)
    turn = turn_with_tools(core)
    check = core.agent.claims
    texts = replies(turn)
    per_chunk, per_chunk_base, per_turn, per_turn_base, waits = [], [], [], [], []
    for n in range(turns):
        chunks = pieces(texts[n % len(texts)], rng)
        events = [Chunk(c) for c in chunks]
        # Without the check: the same events through the same loop.
        base = _timed(events)
        start = time.perf_counter()
        for _ in base:
            pass
        base.close()
        per_turn_base.append((time.perf_counter() - start) * 1000)
        per_chunk_base += base.gaps
        turn.text.clear()
        turn.catches.clear()
        timed = _timed(events)
        start = time.perf_counter()
        for _ in check.screen(turn, Model(), timed):
            pass
        per_turn.append((time.perf_counter() - start) * 1000)
        per_chunk += timed.gaps
        # How long text waited: for each delta, the deltas until all of it was out.
        for i, at in enumerate(_release_points(check, turn, chunks)):
            waits.append(at - i)
    print(f"speed: {turns} streamed replies of {sum(len(t) for t in texts) // len(texts)} "
          f"characters on average, after {len(turn.calls)} tool calls on the demo store")
    _row("per chunk, without the check (baseline)", summary(per_chunk_base))
    _row("per chunk, with the claim check", summary(per_chunk))
    _row("per turn, without the check (baseline)", summary(per_turn_base))
    _row("per turn, with the check (facts built included)", summary(per_turn))
    held = [w for w in waits if w > 0]
    wait = summary(waits)
    print(f"  text held back: {len(held)} of {len(waits)} deltas waited, median "
          f"{wait['median']:.0f} and p99 {wait['p99']:.0f} deltas")


class _timed:
    """The events, noting the time from taking each one to asking for the next: what the
    loop spent on that chunk (the check's holding, judging and facts included)."""

    def __init__(self, events):
        self.events = iter(events)
        self.gaps: list[float] = []
        self.taken = None

    def __iter__(self):
        return self

    def __next__(self):
        now = time.perf_counter()
        if self.taken is not None:
            self.gaps.append((now - self.taken) * 1000)
        self.taken = now
        return next(self.events)

    def close(self):
        pass


def _release_points(check, turn, chunks) -> list[int]:
    """For each delta, the index of the delta whose arrival released its last character."""
    from bridge.agent.honesty.screen import Screen
    screen = Screen(lambda: check.facts(turn), "", None)
    received = released = 0
    ends, points = [], []
    for i, chunk in enumerate(chunks):
        received += len(chunk)
        ends.append(received)
        released += len(screen.feed(chunk))
        while len(points) < len(ends) and released >= ends[len(points)] - 0:
            points.append(i)
    screen.feed("", final=True)
    points += [len(chunks)] * (len(ends) - len(points))
    return points


def _row(label: str, stats: dict) -> None:
    print(f"  {label:<50} median {stats['median']:8.4f} ms   p99 {stats['p99']:8.4f} ms")


def quality(label: str, groups: dict) -> None:
    book = facts()
    ours = {"caught": 0, "false": 0, "alarms": 0, "true": 0}
    old = dict(ours)
    kinds: dict[str, list[int]] = {}
    for kind, group in groups.items():
        row = kinds.setdefault(kind, [0, 0, 0, 0])
        for case in group:
            text, marks = parse(case)
            judged = verdicts(text, book)
            for start, end, ok in marks:
                stopped = any(not v.ok for v in judged
                              if v.claim.start < end and start < v.claim.end)
                sentence = re.split(r"(?<=[.!?])\s", text)
                flagged = any(OLD_RULE.search(s) and s.find(text[start:end]) >= 0
                              for s in sentence)
                if ok:
                    ours["true"] += 1
                    old["true"] += 1
                    ours["alarms"] += stopped
                    old["alarms"] += bool(flagged)
                    row[2] += 1
                    row[3] += stopped
                else:
                    ours["false"] += 1
                    old["false"] += 1
                    ours["caught"] += stopped
                    old["caught"] += bool(flagged)
                    row[0] += 1
                    row[1] += stopped
    print(f"\nquality on {label}: {ours['false']} false and {ours['true']} true claims")
    for name, tally in (("claim check", ours), ("old draft rule (baseline)", old)):
        print(f"  {name:<28} catch rate {_pct(tally['caught'], tally['false'])}   "
              f"false alarms {_pct(tally['alarms'], tally['true'])}")
    for kind, (false, caught, true, alarms) in kinds.items():
        print(f"    {kind:<10} caught {caught:3}/{false:<3} false alarms {alarms:3}/{true}")


def plain() -> None:
    read = [text for text in cases.PLAIN if verdicts(text, facts())]
    print(f"\nplain sentences read as claims: {len(read)} of {len(cases.PLAIN)}")


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}% ({part}/{whole})" if whole else "   n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        core = build_core(Settings(data_dir=folder, bridge_secret="bench",
                                   providers=("offline",)))
        speed(core, args.turns)
        core.engine.dispose()
    quality("the tuned cases (tests/honesty/cases.py)", cases.ALL)
    quality("the held-out cases (tests/honesty/held_out.py ALL)", held_out.ALL)
    quality("the unseen held-out cases (tests/honesty/held_out.py FRESH)", held_out.FRESH)
    plain()


if __name__ == "__main__":
    main()
