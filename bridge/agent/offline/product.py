"""One product's intents: its details, whether it (or an option of it) is in stock, and
which of its variations fit a budget or an option the shopper names."""
from __future__ import annotations

import re
from typing import Iterator

from ...catalog.text import fold, query_terms
from ...store.base import item_label, option_label
from ..events import Event, Products, ToolCalled
from . import loose, needs, parse, say, targets
from .lexicon import to_english
from .talk import Talk

STILL = re.compile(r"\b(still have|still available|still in stock|in stock|available|"
                   r"back in stock|do you have (it|them|this|that)|have (it|them) in|"
                   r"sold out|how many (?:are |do you have |have you got )?(?:left|in stock|"
                   r"remaining)|still (?:sell|carry|stock|got|do|make)|(?:any|some) .{1,40} "
                   r"left|how many\b.{1,40}\b(?:left|remaining|in stock)|restock\w*|"
                   r"be back|come back|coming back|back soon|got (?:it|them|any)|out of stock|"
                   r"availability|(?:do|does) (?:you|u|ya) (?:guys )?(?:still )?(?:have|sell|"
                   r"carry|stock) the|have you (?:still )?got the|got the .{1,40} in|"
                   r"how many (?:do you have|have you got|are there|you got|do you guys have)"
                   r"(?! in (?:my|the) (?:cart|basket)))\b", re.I)
# "When will it be back?": a sold-out product's restock date, which no tool gives.
RESTOCK = re.compile(r"\b(restock\w*|be back|come back|coming back|back soon|back in stock|"
                     r"available again|in stock again|(?:getting|get|receive|receiving) (?:any )?"
                     r"more|more (?:coming|on the way)|when (?:it'?s|it is|they'?re|they are) back|"
                     r"let me know when|notify me|email me when|tell me when)\b", re.I)
# "¿la tienen en talla 9?", "habt ihr die zweite noch?": a question whether the store has
# something, which the reader's English words as "i want" (so never a request to add it).
HAVE_ASKED = re.compile(r"(?:\b(?:tienen|tienes|teneis|tenes|hay|quedan?|avez|habt|haben sie|"
                        r"gibt es|gibts|avete|ce l'?avete|tem|voces tem|vcs tem)\b|"
                        r"عندكم|لديكم|هل)[^?¿؟]*[?؟]", re.I)
BUDGET_ASK = re.compile(r"\b(fit|fits|within|that budget|that price|in budget|under|below|"
                        r"less than|budget|price range)\b", re.I)


def pointed(talk: Talk) -> list[int]:
    """The products the words point at: a name said in full, a position among the cards
    or "it" as ``targets`` reads them; else a name said loosely, sold out or not (search
    would rank the ones in stock first and answer for the wrong product)."""
    turn, text, ctx = talk.turn, talk.text, talk.ctx
    if targets.said_in_full(turn) or parse.ordinals(text, len(ctx.shown)) or (
            targets.GENERIC.search(text) and (ctx.focus or ctx.shown)):
        return targets.products(turn, text)
    found = loose.named(ctx.index, text)
    if found and found.unique:
        return found.ids
    return targets.products(turn, text)


# Stock words as shoppers write them, read in the message itself: the reader's English
# drops some ("habt ihr die Dad Cap noch?" reads "i want dad cap").
STOCK_SAID = re.compile(r"\b(noch|encore|toujours|todavia|aun|ainda|ancora|dispo|lieferbar|"
                        r"verfugbar|vorratig|lager|stock|estoque|disponible|disponivel|"
                        r"disponibile|esaurit\w*|agotad\w*|esgotad\w*|epuise\w*|"
                        r"ausverkauft)\b|متوفر|متاح|المخزون|نفد", re.I)


STILL_BUY = re.compile(r"\b(can|could) (i|we|you) still (buy|order|get|purchase)\b", re.I)
ASKS = re.compile(r"\?\s*$|^\W*(do|does|have|got|is|are|any|can|could)\b", re.I)


def asks_stock(talk: Talk) -> bool:
    """Whether the words ask if a product the shopper names is in stock (or back soon),
    when the product looked at will be back, or whether a product named comes in the
    options named ("do you have size 10 in the trail runners?")."""
    found = loose.named(talk.ctx.index, talk.text)
    if STILL.search(talk.text) or STILL_BUY.search(talk.text) or RESTOCK.search(talk.text) or \
            STOCK_SAID.search(fold(talk.raw)):
        return bool(found) or bool(RESTOCK.search(talk.text) and in_focus(talk))
    if found and found.unique and ASKS.search(talk.text):
        cards = talk.ctx.index.cards(found.ids)
        return bool(cards and cards[0].get("variations") and _named_options(
            {"options": _options_of(cards[0])}, talk.text))
    return False


def _options_of(card: dict) -> dict[str, list[str]]:
    options: dict[str, list[str]] = {}
    for v in card.get("variations") or ():
        for name, value in v["attributes"].items():
            options.setdefault(name, [])
            if value not in options[name]:
                options[name].append(value)
    return options


def _target(talk: Talk, pid: int | None = None) -> dict | None:
    ids = [pid] if pid else pointed(talk)
    if not ids and in_focus(talk):
        ids = [in_focus(talk)]  # "how many are left?" of the product looked at
    if not ids:
        ids = _kind_for_earlier_need(talk)
    if not ids:
        return None
    result = yield from talk.turn.use("get_product_details", {"product_id": ids[0]})
    if not result.ok:
        yield from talk.say(say.lookup_failed(result))
        return False
    return result.content


def _kind_for_earlier_need(talk: Talk) -> list[int]:
    """"How much are the socks?" after a search for a need that listed none: the product of
    that kind that best serves what the shopper asked before ("running socks")."""
    index = talk.ctx.index
    kind = needs.kind_in(talk.text, index)
    earlier = next((to_english(str(m.get("content", "")), talk.lang)
                    for m in reversed(talk.turn.messages[:-1]) if m.get("role") == "user"), "")
    if not kind or not earlier:
        return []
    context = [t for t in query_terms(earlier) if t in needs.NEED_WORDS]
    if not context:
        return []
    for card in index.search(" ".join([kind, *context]), limit=5).cards:
        if needs.singular(say.kind_of(card["name"])) == needs.singular(kind):
            return [card["id"]]
    return []


def _asked(talk: Talk) -> dict | None:
    """The product the shopper points at, or None once the reply is said (which product
    they mean, or why it couldn't be looked up)."""
    p = yield from _target(talk)
    if p is None:
        yield from talk.say(talk.t("which_product"))
    return p or None


def details(talk: Talk, pid: int | None = None) -> Iterator[Event]:
    p = yield from _target(talk, pid)
    if p is False:
        return
    if p is None:
        yield from talk.say(talk.t("which_product"))
        return
    lang = talk.lang
    if p.get("variations"):
        named = _named_options(p, talk.text)
        if named:
            yield from _variants(talk, p, named)
            return
    lines = [f"**{p['name']}**: {say.price(p, lang)}.", p.get("short_description") or ""]
    if p.get("options"):
        lines.append(talk.t("options", options=say.options(p)))
    if p.get("variations"):
        available = [v for v in p["variations"] if v["in_stock"]]
        lines.append(talk.t("combos", available=len(available), total=len(p["variations"]))
                     if available else talk.t("all_out"))
    else:
        lines.append(talk.t("availability", state=_stock_state(talk, p)))
    if not p.get("in_stock", True):
        lines += yield from alternatives(talk, p)
    if p.get("rating"):
        lines.append(talk.t("rated", rating=f"{float(p['rating']):.1f}",
                            count=p["rating_count"]))
    yield from talk.say(*lines)


def _stock_state(talk: Talk, p: dict) -> str:
    if not p.get("in_stock", True):
        return talk.t("out_of_stock")
    if p.get("stock_quantity") is not None:
        return talk.t("n_in_stock", n=p["stock_quantity"])
    return talk.t("in_stock")


def availability(talk: Talk) -> Iterator[Event]:
    """"Do you still have X?": names X and says yes (with the count) or no."""
    found = loose.named(talk.ctx.index, talk.text) if not targets.said_in_full(talk.turn) \
        else None
    if found and not found.unique:
        yield from _kind_stock(talk, found.ids)
        return
    shown = list(talk.ctx.shown)
    if len(shown) > 1 and not talk.ctx.focus and not pointed(talk):
        yield from _kind_stock(talk, shown)  # "are they still in stock?" of a list shown
        return
    p = yield from _asked(talk)
    if p is None:
        return
    if p.get("variations"):
        named = _named_options(p, talk.text)
        missing = _unoffered(p, talk.text, named)
        if missing:
            yield from talk.say(talk.t("not_offered", name=p["name"], value=missing,
                                       options=say.options(p)))
            return
        if named:
            yield from _variants(talk, p, named)
            return
    label = p["name"]
    if parse.ASKS_PRICE.search(talk.text):
        label = f"{label} ({say.price(p, talk.lang)})"  # "how much is it and is it in stock"
    if not p.get("in_stock", True):
        restock = talk.t("restock_unknown") if RESTOCK.search(talk.text) or RESTOCK.search(
            talk.raw) else ""
        others = yield from alternatives(talk, p)
        yield from talk.say(talk.t("avail_no", label=label), restock, *others)
    elif p.get("stock_quantity") is not None:
        yield from talk.say(talk.t("avail_yes_n", label=label, n=p["stock_quantity"]))
    else:
        yield from talk.say(talk.t("avail_yes", label=label))


def _kind_stock(talk: Talk, ids: list[int]) -> Iterator[Event]:
    """"Any beanies left?": each product of that kind with its stock, the sold-out ones
    named too (an in-stock filter would hide exactly what was asked about)."""
    yield ToolCalled("compare_products")
    result = talk.turn.execute("compare_products", {"product_ids": ids[:4]})
    cards = list(result.cards) if result.ok else []
    if not cards:
        yield from talk.say(talk.t("which_product"))
        return
    talk.ctx.shown = [c["id"] for c in cards]
    yield Products(tuple(cards))
    yield from talk.say(*[f"{i}. **{c['name']}**: {say.price(c, talk.lang)}, "
                          f"{_stock_state(talk, c)}" for i, c in enumerate(cards, 1)])


def budget_fit(talk: Talk) -> Iterator[Event]:
    """"Which sizes of X fit that?" against the budget stated now or earlier."""
    p = yield from _asked(talk)
    if p is None:
        return
    limits, _ = parse.budget(talk.text)
    if not limits:
        bare = re.search(r"\b(?:under|below) (\d+(?:\.\d\d)?)\b", talk.text)
        limits = parse.Budget(None, float(bare.group(1))) if bare else talk.state.budget
    named = _named_options(p, talk.text) if p.get("variations") else {}
    if not p.get("variations") or not limits:
        yield from (details_of(talk, p) if not named else _variants(talk, p, named))
        return
    if named:
        yield from _variants(talk, p, named, limits)
        return
    fitting = [v for v in p["variations"] if v["in_stock"] and _within(v["price"], limits)]
    if not fitting:
        yield from talk.say(talk.t("budget_none", name=p["name"]))
        return
    yield from talk.say(talk.t("budget_fits", name=p["name"],
                               options=_by_colour(fitting, p["currency"])))


def _by_colour(variations: list[dict], currency: str) -> str:
    """"Charcoal: S, M, L ($52.00), XL ($54.00); Forest Green: ..." — each size once per
    colour, a price after the sizes that share it."""
    names = list(variations[0]["attributes"]) if variations else []
    size = next((n for n in names if "size" in n.lower()), None)
    if size is None or len(names) < 2:
        return ", ".join(f"{option_label(v['attributes'].values())} "
                         f"({say.money(v['price'], currency)})" for v in variations)
    groups: dict[str, list[dict]] = {}
    for v in variations:
        rest = option_label(value for n, value in v["attributes"].items() if n != size)
        groups.setdefault(rest, []).append(v)
    parts = []
    for rest, group in groups.items():
        runs: list[list] = []
        for v in group:
            if runs and runs[-1][1] == v["price"]:
                runs[-1][0].append(v["attributes"][size])
            else:
                runs.append([[v["attributes"][size]], v["price"]])
        parts.append(f"{rest}: " + ", ".join(f"{', '.join(sizes)} ({say.money(price, currency)})"
                                             for sizes, price in runs))
    return "; ".join(parts)


def alternatives(talk: Talk, p: dict, limit: int = 3) -> Iterator[Event]:
    """The closest products in stock to ``p`` (its kind, else its category), shown as
    cards; returns the lines that introduce them, or none when there are none."""
    kind = say.kind_of(p["name"])
    categories = [c if isinstance(c, str) else c.get("name", "")
                  for c in p.get("categories") or ()]
    # Its kind in its own category first: "belt" alone finds trousers with belt loops
    tries = [{"query": kind, "category": categories[0]},
             {"query": p["name"], "category": categories[0]}] if categories else []
    tries.append({"query": kind})
    for args in tries:
        yield ToolCalled("search_products")
        result = talk.turn.execute("search_products",
                                   {**args, "in_stock": True, "limit": limit + 1})
        found = [(b, c) for b, c in zip(result.content.get("products", ()), result.cards)
                 if c["id"] != p["id"]][:limit] if result.ok else []
        if found:
            talk.ctx.shown = [c["id"] for _, c in found]
            yield Products(tuple(c for _, c in found))
            return [talk.t("alternatives")] + [say.product_line(i, b, talk.lang)
                                               for i, (b, _) in enumerate(found, 1)]
    return []


def similar(talk: Talk) -> Iterator[Event]:
    """"What else do you have like it?": the closest products in stock to the one in focus."""
    ids = targets.products(talk.turn, talk.text) or [in_focus(talk) or talk.ctx.shown[0]]
    found = talk.turn.execute("get_product_details", {"product_id": ids[0]})  # not shown again
    if not found.ok:
        yield from talk.say(say.lookup_failed(found))
        return
    p = found.content
    lines = yield from alternatives(talk, p, limit=5)
    yield from talk.say(*(lines or [talk.t("no_alternatives", name=p["name"])]))


def details_of(talk: Talk, p: dict) -> Iterator[Event]:
    yield from talk.say(f"**{p['name']}**: {say.price(p, talk.lang)}.")


def _variants(talk: Talk, p: dict, named: dict[str, list[str]],
              limits: parse.Budget | None = None) -> Iterator[Event]:
    """The variations matching the options named: stock and price of each."""
    fits = [v for v in p["variations"]
            if all(v["attributes"].get(k) in values for k, values in named.items())]
    if not fits:
        yield from talk.say(talk.t("avail_no", label=p["name"]))
        return
    lines = []
    for v in fits[:6]:
        label = item_label(p["name"], option_label(v["attributes"].values()))
        price = say.money(v["price"], p["currency"])
        if limits:
            key = "variant_within" if _within(v["price"], limits) else "variant_over"
            lines.append(talk.t(key, label=label, price=price))
        elif not v["in_stock"]:
            lines.append(talk.t("avail_no", label=label))
        elif v.get("stock_quantity") is not None:
            lines.append(talk.t("avail_yes_n", label=label, n=v["stock_quantity"]) + " "
                         + talk.t("variant_price", label=label, price=price))
        else:
            lines.append(talk.t("avail_yes", label=label) + " "
                         + talk.t("variant_price", label=label, price=price))
    if all(not v["in_stock"] for v in fits) and not limits:
        others = [option_label(v["attributes"].values()) for v in p["variations"]
                  if v["in_stock"]]
        if others:
            lines.append(talk.t("avail_others", options=", ".join(others[:8])))
    yield from talk.say(*lines)


# A size or colour the shopper names, whether or not the product comes in it.
SIZE_SAID = re.compile(r"\b(?:size|in an?|in)\s+(\d{1,2}(?:[.,]5)?|xxs|xs|xxl|xxxl|[234]xl)\b|"
                       r"\b(xxs|xxxl|[234]xl)\b", re.I)


def _unoffered(p: dict, text: str, named: dict[str, list[str]]) -> str:
    """A size or colour named that no variation of ``p`` has ("in a 13" of boots in 7-12,
    "in blue" of a black-and-brown boot), else "": the answer must not say it's in stock."""
    values = {v for v in p.get("options", {}).values() for v in v}
    for match in SIZE_SAID.finditer(text):
        said = (match.group(1) or match.group(2)).upper().replace(",", ".")
        if not any(said == str(v).upper() for v in values) and not any(
                "size" not in name.lower() for name in named):
            return said
    colours = {w for w in targets.COLOUR_WORDS if re.search(rf"\b{w}\b", text, re.I)}
    has_colour = any("size" not in name.lower() for name in p.get("options", {}))
    for colour in sorted(colours):
        if has_colour and not any(colour in str(v).lower().replace("gray", "grey") or (
                colour == "gray" and "grey" in str(v).lower()) for v in values):
            return colour
    return ""


def _named_options(p: dict, text: str) -> dict[str, list[str]]:
    return {name: hits for name, values in p.get("options", {}).items()
            if (hits := [v for v in values if parse.mentioned(v, text)])}


def _within(price, limits: parse.Budget) -> bool:
    value = float(price)
    return (limits.low is None or value >= limits.low) and \
        (limits.high is None or value <= limits.high)


def in_focus(talk: Talk) -> int | None:
    """The product the conversation is about: the one looked at, or the only one shown."""
    shown = talk.ctx.shown
    return talk.ctx.focus or (shown[0] if len(shown) == 1 else None)


def options_for_focus(talk: Talk, focus: int | None = None) -> bool:
    """Whether a short message names options of the product in focus ("in a 9", "M, black"),
    or of ``focus`` when given (a product named in full: "the X, the black one in M")."""
    limit = 8 if focus is None else 14
    focus = focus or in_focus(talk)
    if focus is None or len(talk.text.split()) > limit:
        return False
    cards = talk.ctx.index.cards([focus])
    if not cards or not cards[0].get("variations"):
        return False
    values = {value for v in cards[0]["variations"] for value in v["attributes"].values()}
    return any(parse.mentioned(value, talk.text) for value in values)
