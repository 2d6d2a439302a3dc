"""The offline provider: a deterministic planner over the same tools a model would use.

It reads the shopper's last message, picks an intent (greet, search, details, compare, cart),
runs the tools through the turn, and words the answer from their results only.
"""
from __future__ import annotations

import re
from typing import Iterator

from ...catalog.text import query_terms, words
from ...store.base import StoreUnavailable, item_label, option_label
from ..events import Chunk, Event
from ..turn import Turn
from . import parse, say

SEARCH_LIMIT = 5
# Share of a product name's words the shopper must use for "the hoodie" to mean that product.
NAME_MATCH = 0.5
GENERIC = re.compile(r"\b(it|this|that|this one|that one|them|these|those|both|the one)\b", re.I)


class OfflineProvider:
    name = "offline"
    model_based = False

    def run(self, turn: Turn) -> Iterator[Event]:
        yield from Planner(turn).answer()


class Planner:
    def __init__(self, turn: Turn):
        self.turn = turn
        self.ctx = turn.ctx
        self.text = turn.question.strip()
        self.currency = turn.ctx.store.currency

    def answer(self) -> Iterator[Event]:
        text = self.text
        if parse.GREETING.match(text) and not query_terms(_drop_greeting(text)):
            return self.say(
                f"Hi! I'm the shopping assistant of {self.ctx.store.name}. I can find products "
                "(try \"hoodies under $50\"), tell you about one, compare them, and manage your "
                "cart. What are you looking for?")
        if parse.THANKS.match(text):
            return self.say("You're welcome! Tell me whenever you'd like to look for something else.")
        if parse.HELP.match(text):
            return self.say(
                "I can search the catalogue with a budget (\"t-shirts between $20 and $40\"), "
                "show a product's details and options, compare products I've shown you "
                "(\"compare the first two\"), and add, change or remove items in your cart.")
        if parse.ORDERS.search(text):
            return self.orders()
        if parse.EMPTY_CART.search(text):
            return self.empty_cart()
        if parse.REMOVE.search(text):
            return self.change_cart(remove=True)
        if parse.UPDATE.search(text) and parse.CART_WORD.search(text) or _sets_quantity(text):
            return self.change_cart(remove=False)
        if parse.ADD.search(text):
            return self.add()
        if parse.VIEW_CART.search(text):
            return self.view_cart()
        if parse.COMPARE.search(text):
            return self.compare()
        if parse.DETAILS.search(text) or self._points_at_shown(text):
            return self.details()
        return self.search()

    def say(self, text: str) -> Iterator[Event]:
        lines = text.split("\n")
        for i, line in enumerate(lines):
            yield Chunk(line + ("\n" if i < len(lines) - 1 else ""))

    # -- finding what the shopper means --

    def targets(self, text: str, want: int = 1) -> list[int]:
        """Product ids the words point at: ordinals, "the cheapest", names, "it", a search."""
        shown = list(self.ctx.shown)
        positions = parse.ordinals(text, len(shown))
        if positions:
            return [shown[i] for i in positions]
        ranked = self._superlative(text, shown)
        if ranked:
            return ranked[:want]
        named = self._by_name(text, self.ctx.index.cards(_seen(self.turn, shown)))
        if named:
            return named[:want]
        if GENERIC.search(text):
            if want == 1 and self.ctx.focus:
                return [self.ctx.focus]
            if shown and (want > 1 or len(shown) == 1):
                return shown[:want]
        terms = query_terms(_without_intent_words(text))
        if terms:
            found = self.ctx.index.search(" ".join(terms), limit=want).cards
            strong = self._by_name(" ".join(terms), found)
            return strong or ([c["id"] for c in found] if want > 1 else [])
        return []

    def _superlative(self, text: str, shown: list[int]) -> list[int]:
        """"the cheapest", "the most expensive", "the best rated" among the last list shown."""
        lowered = text.lower()
        cards = self.ctx.index.cards(shown)
        if re.search(r"\b(cheapest|least expensive|lowest price)\b", lowered):
            return [c["id"] for c in sorted(cards, key=lambda c: float(c["price"] or 0))]
        if re.search(r"\b(most expensive|priciest|highest price)\b", lowered):
            return [c["id"] for c in sorted(cards, key=lambda c: -float(c["price"] or 0))]
        if re.search(r"\b(best rated|top rated|highest rated|best reviewed)\b", lowered):
            return [c["id"] for c in sorted(cards, key=lambda c: -float(c["rating"] or 0))]
        return []

    def _by_name(self, text: str, cards: list[dict]) -> list[int]:
        said = set(words(text))
        scored = []
        for card in cards:
            name = [w for w in words(card["name"]) if len(w) > 1]
            hits = sum(1 for w in name if w in said or w.rstrip("s") in said
                       or w + "s" in said)
            if name and hits / len(name) >= NAME_MATCH:
                scored.append((-hits / len(name), -hits, card["id"]))
        return [pid for *_, pid in sorted(scored)]

    def _points_at_shown(self, text: str) -> bool:
        return bool(self.ctx.shown) and bool(parse.ordinals(text, len(self.ctx.shown))) \
            and len(words(text)) <= 6

    # -- intents --

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
            yield from self.say(f"Sorry, I couldn't search the catalogue just now: "
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
        yield from self.say("\n".join(lines))

    def _nothing_found(self, args: dict, what: str, within: str, found: dict) -> Iterator[Event]:
        if within:
            wider = {k: v for k, v in args.items() if k not in ("min_price", "max_price")}
            wider["limit"] = 1
            result = self.ctx.index.search(
                wider["query"], on_sale=wider.get("on_sale"), in_stock=wider.get("in_stock"),
                limit=1)
            if result.cards:
                nearest = result.cards[0]
                yield from self.say(
                    f"I couldn't find any {what}{within}. The closest match is "
                    f"**{nearest['name']}** at {say.price(nearest)}, outside that budget. "
                    "Would you like to see more options at that price?")
                return
        ignored = found.get("words_not_in_catalogue")
        hint = f" I don't know the word{'s' if len(ignored) > 1 else ''} " \
               f"\"{', '.join(ignored)}\" in this catalogue." if ignored else ""
        categories = ", ".join(c.name for c in list(self.ctx.store.categories())[:8])
        yield from self.say(
            f"I couldn't find any {what}{within}.{hint} This store has: {categories}. "
            "What would you like to look at?")

    def details(self) -> Iterator[Event]:
        ids = self.targets(self.text)
        if not ids:
            yield from self.say("Which product would you like to know more about? "
                                "Tell me its name or search for something first.")
            return
        result = yield from self.turn.use("get_product_details", {"product_id": ids[0]})
        if not result.ok:
            yield from self.say(_lookup_failed(result))
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
        yield from self.say("\n".join(lines))

    def compare(self) -> Iterator[Event]:
        ids = self.targets(self.text, want=2)
        if len(ids) < 2:
            yield from self.say("Which products should I compare? Search for something first, "
                                "then say for example \"compare the first two\".")
            return
        result = yield from self.turn.use("compare_products", {"product_ids": ids[:4]})
        if not result.ok:
            yield from self.say(f"Sorry, I couldn't compare those: {result.content['error']}")
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
        yield from self.say("\n".join(lines))

    def add(self) -> Iterator[Event]:
        want = 2 if re.search(r"\b(both|all of them)\b", self.text, re.I) else 1
        ids = self.targets(self.text, want=want)
        if not ids:
            yield from self.say("Which product would you like to add? Search for something "
                                "first, or tell me its name.")
            return
        count = parse.quantity(self.text) or 1
        for product_id in ids:
            yield from self._add_one(product_id, count)

    def _add_one(self, product_id: int, count: int) -> Iterator[Event]:
        result = yield from self.turn.use("get_product_details", {"product_id": product_id})
        if not result.ok:
            yield from self.say(_lookup_failed(result))
            return
        product = result.content
        args = {"product_id": product_id, "quantity": count}
        label = product["name"]
        if product.get("variations"):
            variation, open_choice = self._pick_variation(product)
            if variation is None:
                yield from self.say(
                    f"**{product['name']}** comes in {open_choice}. Which one would you like? "
                    "You can also choose on the card.")
                return
            label = item_label(label, option_label(variation["attributes"].values()))
            if not variation["in_stock"]:
                others = ", ".join(option_label(v["attributes"].values())
                                   for v in product["variations"] if v["in_stock"])
                yield from self.say(f"Sorry, {label} is out of stock."
                                    + (f" In stock: {others}." if others else ""))
                return
            args["variation_id"] = variation["id"]
        added = yield from self.turn.use("add_to_cart", args)
        if not added.ok:
            yield from self.say(f"I couldn't add {label} to your cart: {added.content['error']}")
            return
        yield from self.say(f"Added {count} × **{label}** to your cart.\n"
                            + say.cart_lines(added.content["cart"]))

    def _pick_variation(self, product: dict) -> tuple[dict | None, str]:
        """The one variation the shopper's words decide, else None and the choice still open.

        "M" for a shirt in M/Black and M/Grey leaves "Color: Black, Grey" to choose.
        """
        variations = product["variations"]
        named = {name: [v for v in values if parse.mentioned(v, self.text)]
                 for name, values in product.get("options", {}).items()}
        fits = [v for v in variations
                if all(v["attributes"].get(name) in values
                       for name, values in named.items() if values)]
        if len(fits) == 1:
            return fits[0], ""
        candidates = fits or variations
        open_names = [name for name, values in named.items() if len(values) != 1]
        choice = "; ".join(f"{name}: " + ", ".join(_values(candidates, name))
                           for name in open_names) or say.options(product)
        return None, choice

    def orders(self) -> Iterator[Event]:
        number = re.search(r"#?\b(\d{1,10})\b", self.text)
        args = {"order_id": int(number.group(1))} if number else {}
        result = yield from self.turn.use("order_status", args)
        if not result.ok:
            yield from self.say(f"{result.content['error']} Sign in to the store to see your "
                                "orders, or contact the store for help with one.")
            return
        orders = result.content["orders"]
        if not orders:
            yield from self.say("I can't find any orders of yours from the last year.")
            return
        lines = [f"- Order {o['order_id']} of {o['date']}: **{o['status']}**, "
                 f"{say.money(o['total'], o['currency'])}"
                 + (f", {say.money(o['refunded'], o['currency'])} refunded" if o["refunded"] else "")
                 for o in orders]
        yield from self.say("\n".join(lines))

    def view_cart(self) -> Iterator[Event]:
        result = yield from self.turn.use("view_cart", {})
        if not result.ok:
            yield from self.say(f"Sorry, I couldn't open your cart: {result.content['error']}")
            return
        yield from self.say(say.cart_lines(result.content["cart"]))

    def change_cart(self, remove: bool) -> Iterator[Event]:
        viewed = yield from self.turn.use("view_cart", {})
        if not viewed.ok:
            yield from self.say(f"Sorry, I couldn't open your cart: {viewed.content['error']}")
            return
        items = viewed.content["cart"]["items"]
        if not items:
            yield from self.say("Your cart is empty.")
            return
        line = self._cart_line(items)
        if line is None:
            names = ", ".join(i["name"] for i in items)
            yield from self.say(f"Which item do you mean? Your cart has: {names}.")
            return
        if remove:
            result = yield from self.turn.use("remove_from_cart", {"cart_item_key": line["key"]})
            done = f"Removed **{line['name']}** from your cart."
        else:
            count = _new_quantity(self.text)
            if count is None:
                yield from self.say(f"How many {line['name']} would you like?")
                return
            result = yield from self.turn.use(
                "update_cart_item", {"cart_item_key": line["key"], "quantity": count})
            done = f"Updated **{line['name']}** to {count}."
        if not result.ok:
            yield from self.say(f"I couldn't change your cart: {result.content['error']}")
            return
        yield from self.say(done + "\n" + say.cart_lines(result.content["cart"]))

    def _cart_line(self, items: list[dict]) -> dict | None:
        positions = parse.ordinals(self.text, len(items))
        if positions:
            return items[positions[0]]
        said = set(words(self.text))
        scored = []
        for item in items:
            name = [w for w in words(item["name"]) if len(w) > 1]
            hits = sum(1 for w in name if w in said or w + "s" in said)
            if hits:
                scored.append((hits / len(name), item))
        if scored:
            best = max(score for score, _ in scored)
            winners = [item for score, item in scored if score == best]
            if len(winners) == 1:
                return winners[0]
        return items[0] if len(items) == 1 else None

    def empty_cart(self) -> Iterator[Event]:
        viewed = yield from self.turn.use("view_cart", {})
        if not viewed.ok:
            yield from self.say(f"Sorry, I couldn't open your cart: {viewed.content['error']}")
            return
        cart = viewed.content["cart"]
        for item in cart["items"]:
            result = yield from self.turn.use("remove_from_cart", {"cart_item_key": item["key"]})
            if not result.ok:
                yield from self.say(f"I couldn't empty your cart: {result.content['error']}")
                return
            cart = result.content["cart"]
        yield from self.say("Your cart is now empty." if not cart["items"]
                            else say.cart_lines(cart))


def _values(variations: list[dict], name: str) -> list[str]:
    """The values of one option among these variations; a value none has in stock says so."""
    stocked: dict[str, bool] = {}
    for v in variations:
        value = v["attributes"].get(name)
        if value:
            stocked[value] = stocked.get(value, False) or v["in_stock"]
    return [value if ok else f"{value} (out of stock)" for value, ok in stocked.items()]


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _drop_greeting(text: str) -> str:
    return re.sub(r"^\W*(hi|hello|hey|hiya|good (morning|afternoon|evening))\b[\s,!.]*", "",
                  text, flags=re.I)


def _without_intent_words(text: str) -> str:
    """The words left when the request's verbs, ordinals and counts are taken out."""
    positions = "|".join([*parse.ORDINALS, *parse.NUMBER_WORDS, "last", "top", "number", "item"])
    text = re.sub(rf"\b(add|put|buy|get|order|purchase|compare|tell|more|about|details?|"
                  rf"describe|cart|basket|to|my|in|size|colou?r|with|and|vs|versus|{positions})\b",
                  " ", text, flags=re.I)
    return re.sub(r"\b\d+\b", " ", text)


def _seen(turn: Turn, shown: list[int]) -> list[int]:
    seen = list(shown)
    for call in turn.calls:
        seen += [c["id"] for c in call.result.cards if c["id"] not in seen]
    for pid in turn.ctx.seen:
        if pid not in seen:
            seen.append(pid)
    return seen


def _sets_quantity(text: str) -> bool:
    return bool(re.search(r"\b(change|update|set|make)\b.*\bto \w+\b", text, re.I)
                and re.search(r"\b(quantity|qty|items?|pieces|units|\d+|one|two|three|four|"
                              r"five)\b", text, re.I)
                and not parse.ADD.search(text))


def _new_quantity(text: str) -> int | None:
    match = re.search(r"\bto (\d{1,3}|\w+)\b", text.lower())
    if match:
        value = match.group(1)
        if value.isdigit():
            return int(value)
        if value in parse.NUMBER_WORDS:
            return parse.NUMBER_WORDS[value]
        if value in ("zero", "none"):
            return 0
    return parse.quantity(text)


def _lookup_failed(result) -> str:
    """A failed product lookup in the shopper's words: a store that could not answer is
    said as such, never as a product that doesn't exist."""
    if result.content.get("code") == StoreUnavailable.code:
        return result.content["error"]
    return f"Sorry, I couldn't find that product: {result.content['error']}"
