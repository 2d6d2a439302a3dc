"""Comparing products the shopper points at (``compare_products``): the cheapest, the best
rated and what is out of stock, said from the tool's cards."""
from __future__ import annotations

from typing import Iterator

from ..events import Event
from . import say, targets
from .talk import Talk


def products(talk: Talk) -> Iterator[Event]:
    ids = targets.products(talk.turn, talk.text, want=2)
    if len(ids) < 2:
        yield from talk.say(talk.t("which_compare"))
        return
    result = yield from talk.turn.use("compare_products", {"product_ids": ids[:4]})
    if not result.ok:
        yield from talk.say(f"Sorry, I couldn't compare those: {result.content['error']}")
        return
    cards = {c["id"]: c for c in result.cards}
    names = [f"**{cards[i]['name']}**" for i in ids[:4] if i in cards]
    lines = [talk.t("compare_intro", names=f"{', '.join(names[:-1])} {talk.t('and')} "
                                           f"{names[-1]}")]
    priced = sorted((float(c["price"]), c) for c in cards.values() if c.get("price"))
    if len(priced) >= 2 and priced[0][0] < priced[-1][0]:
        lines.append(talk.t("compare_cheapest", name=priced[0][1]["name"],
                            price=say.price(priced[0][1], talk.lang)))
    rated = sorted(((float(c["rating"]), c) for c in cards.values() if c.get("rating")),
                   key=lambda pair: -pair[0])
    if len(rated) >= 2 and rated[0][0] > rated[-1][0]:
        lines.append(talk.t("compare_best", name=rated[0][1]["name"],
                            rating=f"{rated[0][0]:.1f}"))
    lines += [talk.t("compare_out", name=c["name"]) for c in cards.values()
              if not c["in_stock"]]
    yield from talk.say(*lines)
