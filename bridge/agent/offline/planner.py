"""The offline planner: deterministic answers over the same tools a model would use.

``Planner.answer`` reads the shopper's last message and picks an intent (greet, search,
details, compare, orders, cart), runs its tools through the turn and words the answer from
their results only. The catalogue's intents are here; ``cart`` holds the cart's, and
``targets`` finds what the words point at.
"""
from __future__ import annotations

import re
from typing import Iterator

from ...catalog.text import query_terms
from ..events import Event
from ..turn import Turn
from . import cart, parse, say, targets

SEARCH_LIMIT = 5


class Planner:
    """One turn's answer without a model: ``answer()`` yields its events."""

    def __init__(self, turn: Turn):
        self.turn = turn
        self.ctx = turn.ctx
        self.text = turn.question.strip()
        self.currency = turn.ctx.store.currency

    def answer(self) -> Iterator[Event]:
        text, turn = self.text, self.turn
        if parse.GREETING.match(text) and not query_terms(_drop_greeting(text)):
            return say.chunks(
                f"Hi! I'm the shopping assistant of {self.ctx.store.name}. I can find products "
                "(try \"hoodies under $50\"), tell you about one, compare them, and manage your "
                "cart. What are you looking for?")
        if parse.THANKS.match(text):
            return say.chunks("You're welcome! Tell me whenever you'd like to look for "
                              "something else.")
        if parse.HELP.match(text):
            return say.chunks(
                "I can search the catalogue with a budget (\"t-shirts between $20 and $40\"), "
                "show a product's details and options, compare products I've shown you "
                "(\"compare the first two\"), and add, change or remove items in your cart.")
        if parse.ORDERS.search(text):
            return self.orders()
        if parse.EMPTY_CART.search(text):
            return cart.empty(turn)
        if parse.REMOVE.search(text):
            return cart.change(turn, text, remove=True)
        if parse.UPDATE.search(text) and parse.CART_WORD.search(text) or cart.sets_quantity(text):
            return cart.change(turn, text, remove=False)
        if parse.ADD.search(text):
            return cart.add(turn, text)
        if parse.VIEW_CART.search(text):
            return cart.view(turn)
        if parse.COMPARE.search(text):
            return self.compare()
        if parse.DETAILS.search(text) or targets.points_at_shown(turn, text):
            return self.details()
        return self.search()

    # -- the catalogue's intents --

    def search(self) -> Iterator[Event]:
        limits, rest = parse.budget(self.text)
        on_sale = bool(parse.SALE_WORDS.search(rest))
        in_stock = bool(parse.STOCK_WORDS.search(rest))
        rest = parse.STOCK_WORDS.sub(" ", parse.SALE_WORDS.sub(" ", rest))
        rest = _drop_greeting(rest)
        args = {"query": rest, "limit": SEARCH_LIMIT}
        if limits.low is not None:
            args["min_price"] = limits.low
        if limits.high is not None:
            args["max_price"] = limits.high
        if on_sale:
            args["on_sale"] = True
        if in_stock:
            args["in_stock"] = True
        result = yield from self.turn.use("search_products", args)
        found = result.content
        fixed = found.get("spelling_corrected", {}) if result.ok else {}
        what = " ".join(fixed.get(w, w) for w in query_terms(rest)) or "products"
        what += " on sale" if on_sale else ""
        within = say.budget_phrase(limits.low, limits.high, self.currency)
        if not result.ok:
            yield from say.chunks(f"Sorry, I couldn't search the catalogue just now: "
                                  f"{found['error']}")
            return
        if found["total"] == 0:
            yield from self._nothing_found(args, what, within, found)
            return
        lines = []
        if fixed:
            lines.append("(I searched for " + ", ".join(
                f"\"{right}\" instead of \"{wrong}\"" for wrong, right in fixed.items()) + ".)")
        total, showing = found["total"], found["showing"]
        if total <= showing:
            lines.append(f"I found {total} {_plural(total, 'match', 'matches')} for "
                         f"{what}{within}:")
        else:
            many = f"more than {total}" if found.get("total_is_at_least") else str(total)
            lines.append(f"I found {many} matches for {what}{within}. Here are the top "
                         f"{showing}:")
        lines += [say.product_line(i, p) for i, p in enumerate(found["products"], 1)]
        lines.append("Ask me to compare any of them, tell you more, or add one to your cart.")
        yield from say.chunks("\n".join(lines))

    def _nothing_found(self, args: dict, what: str, within: str, found: dict) -> Iterator[Event]:
        if within:
            wider = {"query": args.get("query", ""), "on_sale": args.get("on_sale"),
                     "in_stock": args.get("in_stock"), "limit": 1}
            # Run as a tool call, so the price said is one a tool returned (the claim check
            # holds every figure to that); "the first one" still means what was shown.
            shown = list(self.ctx.shown)
            result = self.turn.execute("search_products", wider)
            self.ctx.shown = shown
            if result.ok and result.cards:
                nearest = result.cards[0]
                yield from say.chunks(
                    f"I couldn't find any {what}{within}. The closest match is "
                    f"**{nearest['name']}** at {say.price(nearest)}, outside that budget. "
                    "Would you like to see more options at that price?")
                return
        ignored = found.get("words_not_in_catalogue")
        hint = f" I don't know the word{'s' if len(ignored) > 1 else ''} " \
               f"\"{', '.join(ignored)}\" in this catalogue." if ignored else ""
        categories = ", ".join(c.name for c in list(self.ctx.store.categories())[:8])
        yield from say.chunks(
            f"I couldn't find any {what}{within}.{hint} This store has: {categories}. "
            "What would you like to look at?")

    def details(self) -> Iterator[Event]:
        ids = targets.products(self.turn, self.text)
        if not ids:
            yield from say.chunks("Which product would you like to know more about? "
                                  "Tell me its name or search for something first.")
            return
        result = yield from self.turn.use("get_product_details", {"product_id": ids[0]})
        if not result.ok:
            yield from say.chunks(say.lookup_failed(result))
            return
        p = result.content
        lines = [f"**{p['name']}**: {say.price(p)}."]
        if p.get("short_description"):
            lines.append(p["short_description"])
        if p.get("options"):
            lines.append("Options: " + say.options(p) + ".")
        if p.get("variations"):
            available = [v for v in p["variations"] if v["in_stock"]]
            lines.append(f"{len(available)} of {len(p['variations'])} combinations are in stock."
                         if available else "Every option is out of stock right now.")
        else:
            lines.append("Availability: " + (say.stock(p) or "in stock") + ".")
        if p.get("rating"):
            lines.append(f"Rated {float(p['rating']):.1f} of 5 by {p['rating_count']} "
                         f"{_plural(p['rating_count'], 'review', 'reviews')}.")
        yield from say.chunks("\n".join(lines))

    def compare(self) -> Iterator[Event]:
        ids = targets.products(self.turn, self.text, want=2)
        if len(ids) < 2:
            yield from say.chunks("Which products should I compare? Search for something first, "
                                  "then say for example \"compare the first two\".")
            return
        result = yield from self.turn.use("compare_products", {"product_ids": ids[:4]})
        if not result.ok:
            yield from say.chunks(f"Sorry, I couldn't compare those: {result.content['error']}")
            return
        cards = {c["id"]: c for c in result.cards}
        names = [f"**{cards[i]['name']}**" for i in ids[:4] if i in cards]
        lines = [f"Here's how {', '.join(names[:-1])} and {names[-1]} compare:"]
        priced = sorted((float(c["price"]), c) for c in cards.values() if c.get("price"))
        if len(priced) >= 2 and priced[0][0] < priced[-1][0]:
            lines.append(f"- {priced[0][1]['name']} is the cheapest at {say.price(priced[0][1])}.")
        rated = sorted(((float(c["rating"]), c) for c in cards.values() if c.get("rating")),
                       key=lambda pair: -pair[0])
        if len(rated) >= 2 and rated[0][0] > rated[-1][0]:
            lines.append(f"- {rated[0][1]['name']} is the best rated "
                         f"({rated[0][0]:.1f} of 5).")
        for card in cards.values():
            if not card["in_stock"]:
                lines.append(f"- {card['name']} is out of stock.")
        yield from say.chunks("\n".join(lines))

    def orders(self) -> Iterator[Event]:
        number = re.search(r"#?\b(\d{1,10})\b", self.text)
        args = {"order_id": int(number.group(1))} if number else {}
        result = yield from self.turn.use("order_status", args)
        if not result.ok:
            yield from say.chunks(f"{result.content['error']} Sign in to the store to see your "
                                  "orders, or contact the store for help with one.")
            return
        orders = result.content["orders"]
        if not orders:
            yield from say.chunks("I can't find any orders of yours from the last year.")
            return
        lines = [f"- Order {o['order_id']} of {o['date']}: **{o['status']}**, "
                 f"{say.money(o['total'], o['currency'])}"
                 + (f", {say.money(o['refunded'], o['currency'])} refunded" if o["refunded"] else "")
                 for o in orders]
        yield from say.chunks("\n".join(lines))


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _drop_greeting(text: str) -> str:
    return re.sub(r"^\W*(hi|hello|hey|hiya|good (morning|afternoon|evening))\b[\s,!.]*", "",
                  text, flags=re.I)
