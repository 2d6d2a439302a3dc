"""The catalogue's intents: search (with a budget checked against variations, honest
negatives and needs), and the picks among what was shown (cheapest, best rated, on sale)."""
from __future__ import annotations

import re
from typing import Iterator

from ...catalog.text import query_terms
from ...store.base import option_label
from ..events import Event, Products, ToolCalled
from ..tools.registry import ToolResult
from ..tools.search import displayed
from . import needs, parse, say, targets
from .lexicon import to_english
from .talk import Talk

SEARCH_LIMIT = 5
ARABIC = re.compile(r"[\u0600-\u06FF]")  # words the lexicon left untranslated
SORTS = {"cheapest": "price_asc", "dearest": "price_desc", "best": "rating"}  # no stock sort


def search(talk: Talk, query: str | None = None, on_sale: bool = False,
           exclude: frozenset[int] = frozenset()) -> Iterator[Event]:
    """Search the catalogue; ``exclude`` keeps out products the shopper asked to see others
    than (the sold-out beanie whose alternatives they said yes to)."""
    ctx, lang = talk.ctx, talk.lang
    limits, rest = parse.budget(query if query is not None else talk.text)
    on_sale = on_sale or bool(parse.SALE_WORDS.search(rest))
    rest = parse.STOCK_WORDS.sub(" ", parse.SALE_WORDS.sub(" ", rest))
    rest = parse.drop_greeting(rest)
    # "the cheapest pair of boots": a pair is how shoes and socks are counted, no product word
    rest = re.sub(r"\b(?:a |one |two |three |\d+ )?pairs? of\b", " ", rest, flags=re.I)
    rank = targets.superlative(rest)
    rest = targets.without_rank(rest)
    foreign = re.findall(r"[\u0600-\u06FF]{2,}", rest)  # words the lexicon doesn't know
    sells = needs.sells_kind(rest, ctx.index)
    if foreign and not sells and not needs.need_query(rest):
        yield from _not_sold(talk, " ".join(foreign), {"limit": 3})
        return
    # A need still has a kind when it names one ("sandals for the summer")
    missing = needs.unsold(rest, ctx.index, ctx.index.search(rest, limit=1).ignored, lang)
    if missing:
        yield from _not_sold(talk, missing, {"limit": 3})
        return
    need = None if sells else needs.need_query(rest)
    args = {"query": need or rest, "limit": SEARCH_LIMIT}
    if limits.low is not None:
        args["min_price"] = limits.low
    if limits.high is not None:
        args["max_price"] = limits.high
    if on_sale:
        args["on_sale"] = True
    if rank in SORTS:
        args["sort"] = SORTS[rank]
    category = None if need else _category(ctx, rest)
    if category:
        args["category"] = category
    yield ToolCalled("search_products")
    result = talk.turn.execute("search_products", {**args, "limit": 10}) if not need \
        else _need_search(talk, need, args)
    found = result.content
    if not result.ok:
        yield from talk.say(f"Sorry, I couldn't search the catalogue just now: {found['error']}")
        return
    pairs = _with_options(list(zip(found["products"], result.cards)), rest, ctx)
    pairs = [(b, c) for b, c in pairs if c["id"] not in exclude]
    describing = [t for t in query_terms(rest) if t in needs.DESCRIBING]
    if describing and not need and any(needs.described(c, describing) for _, c in pairs):
        pairs = [(b, c) for b, c in pairs if needs.described(c, describing)]  # "leather" ones
    if limits:  # a variable product is in budget when a variation in stock is, in the
        # options asked for ("tees between 20 and 30 in XL": an XL at 19 doesn't count)
        pairs = [(b, c) for b, c in pairs if not c.get("variations") or any(
            v.get("in_stock", True) and _fits(v.get("price"), limits)
            and _has_asked(c, v, _asked(c, rest)) for v in c["variations"])]
    if len(pairs) < len(result.cards):  # the options named ("in XL", "in black") narrow it
        found = {**found, "total": len(pairs), "showing": min(len(pairs), SEARCH_LIMIT)}
    pairs = pairs[:SEARCH_LIMIT]
    found = {**found, "products": [b for b, _ in pairs], "showing": len(pairs)}
    if pairs:
        ctx.shown = [c["id"] for _, c in pairs]
        yield Products(tuple(c for _, c in pairs),
                       displayed(ctx, result, [c for _, c in pairs]))  # its next page
    within = say.budget_phrase(limits.low, limits.high, ctx.store.currency, lang,
                               limits.spoken, limits.around)
    if found["total"] == 0:
        yield from _nothing_found(talk, args, within)
        return
    lines = []
    fixed = found.get("spelling_corrected", {})
    if fixed:
        said = ", ".join(talk.t("spelled_pair", right=r, wrong=w) for w, r in fixed.items())
        lines.append(talk.t("spelled", pairs=said))
    total, showing = found["total"], found["showing"]
    key = "found_one" if total == 1 else "found_all" if total <= showing else "found_top"
    lines.append(talk.t(key, total=total, showing=showing, within=within))
    for i, (brief, card) in enumerate(pairs, 1):
        note = _budget_note(talk, card, limits, rest) if limits.high is not None else ""
        lines.append(say.product_line(i, brief, lang, note))
    lines.append(talk.t("follow_up"))
    yield from talk.say(*lines)


def _need_search(talk: Talk, need: str, args: dict):
    """A need's catalogue words searched one by one and taken in turns, so each part of
    the need ("coffee", "pour", "tumbler") shows its best match rather than one word
    crowding out the rest."""
    results = [talk.turn.execute("search_products", {**args, "query": words.replace("+", " "),
                                                     "limit": 3})
               for words in need.split()]  # "wool+socks" is one search
    results = [r for r in results if r.ok]
    if not results:
        return talk.turn.execute("search_products", {**args, "limit": 10})
    pairs, seen = [], set()
    for rank in range(3):
        for r in results:
            if rank < len(r.cards) and r.cards[rank]["id"] not in seen:
                seen.add(r.cards[rank]["id"])
                pairs.append((r.content["products"][rank], r.cards[rank]))
    content = {"total": len(pairs), "showing": min(len(pairs), SEARCH_LIMIT),
               "products": [b for b, _ in pairs]}
    return ToolResult(content=content, cards=tuple(c for _, c in pairs))


def _with_options(pairs: list, words: str, ctx) -> list:
    """The products that come in the options the words name (a size, a colour), in stock;
    all of them when the words name none or nothing has them."""
    values = {v for _, card in pairs for var in card.get("variations") or ()
              for v in var["attributes"].values() if parse.mentioned(v, words)}
    if not values:
        return pairs
    kept = []
    for brief, card in pairs:
        variations = card.get("variations") or []
        own = {v for var in variations for v in var["attributes"].values()}
        wanted = [v for v in values if v in own]
        if variations and wanted and any(
                var.get("in_stock", True) and set(wanted) <= set(var["attributes"].values())
                for var in variations) and len(wanted) == len(
                {_option_of(card, v) for v in values if _option_of(card, v)}):
            kept.append((brief, card))
        elif not variations and all(parse.mentioned(v, card["name"]) for v in values):
            kept.append((brief, card))
    return kept or pairs


def _option_of(card: dict, value: str) -> str | None:
    return next((name for var in card.get("variations") or ()
                 for name, v in var["attributes"].items() if v == value), None)


def _budget_note(talk: Talk, card: dict, limits: parse.Budget, words: str) -> str:
    """For a variable product partly within budget: the options that fit."""
    variations = card.get("variations") or []
    if not variations:
        return ""
    fitting = [v for v in variations if v.get("in_stock", True)
               and _fits(v.get("price"), limits)
               and all(parse.mentioned(value, words) for value in _asked(card, words))]
    if len(fitting) == len(variations) or not fitting:
        return ""
    return talk.t("budget_some", options=", ".join(
        option_label(v["attributes"].values()) for v in fitting[:3]))


def _category(ctx, words: str) -> str | None:
    """The category a kind word names outright ("shoes" -> Shoes), so a search for it
    doesn't drift to products whose descriptions mention it."""
    terms = {needs.singular(t) for t in query_terms(words)}
    hits = [c.name for c in ctx.store.categories()
            if terms & {needs.singular(w) for w in query_terms(c.name)}]
    if not hits:
        homes = needs.homes(ctx.index)  # "sneakers" live in Shoes
        hits = list(dict.fromkeys(homes[t] for t in terms if t in homes))
    return hits[0] if len(hits) == 1 else None


def _asked(card: dict, words: str) -> list[str]:
    """Option values of the card the shopper named ("XL")."""
    values = {value for v in card.get("variations") or () for value in v["attributes"].values()}
    return [value for value in values if parse.mentioned(value, words)]


def _has_asked(card: dict, variation: dict, asked: list[str]) -> bool:
    """Whether a variation is in the options named: one of them for each option that has
    any named ("in M or L, black": M or L, and black)."""
    wanted: dict[str, set[str]] = {}
    for value in asked:
        name = _option_of(card, value)
        if name:
            wanted.setdefault(name, set()).add(value)
    return all(variation["attributes"].get(name) in values for name, values in wanted.items())


def _fits(price, limits: parse.Budget) -> bool:
    if price in (None, ""):
        return False
    value = float(price)
    return (limits.low is None or value >= limits.low) and \
        (limits.high is None or value <= limits.high)


def _not_sold(talk: Talk, missing: str, args: dict) -> Iterator[Event]:
    ctx = talk.ctx
    lines = [talk.t("not_sold", what=_as_written(talk, missing))]
    kind = needs.kind_in(missing, ctx.index)  # no leather jackets: the jackets are closest
    query = kind or missing
    nearby = ctx.index.search(query, limit=3)
    if nearby.cards and not nearby.ignored and not ARABIC.search(query):
        category = _category(ctx, kind) if kind else None
        result = yield from talk.turn.use("search_products", {
            **args, "query": query, "limit": 3, **({"category": category} if category else {})})
        if result.ok and result.cards:
            lines.append(talk.t("closest"))
            lines += [say.product_line(i, p, talk.lang)
                      for i, p in enumerate(result.content["products"], 1)]
            yield from talk.say(*lines)
            return
    categories = ", ".join(c.name for c in list(ctx.store.categories())[:8])
    lines.append(talk.t("store_has", categories=categories))
    yield from talk.say(*lines)


def _as_written(talk: Talk, missing: str) -> str:
    """The missing kind in the shopper's own words: the stretch of their message whose words
    the reader took for it ("chaqueta de cuero" for "jackets leather")."""
    if talk.lang == "en":
        return missing
    wanted = set(missing.split())
    spans = [m.span() for m in re.finditer(r"[^\W\d_]+", talk.raw)
             if wanted & set(to_english(m.group(0), talk.lang).lower().split())]
    return talk.raw[spans[0][0]:spans[-1][1]] if spans else missing


def _nothing_found(talk: Talk, args: dict, within: str) -> Iterator[Event]:
    ctx = talk.ctx
    if within:
        wider = {"query": args.get("query", ""), "on_sale": args.get("on_sale"),
                 "category": args.get("category"), "limit": 1}
        # Run as a tool call, so the price said is one a tool returned (the claim check
        # holds every figure to that); "the first one" still means what was shown.
        shown = list(ctx.shown)
        result = talk.turn.execute("search_products", wider)
        ctx.shown = shown
        if result.ok and result.cards:
            nearest = result.cards[0]
            yield from talk.say(talk.t("nothing_in_budget", within=within,
                                       name=nearest["name"], price=say.price(nearest, talk.lang)))
            return
    categories = ", ".join(c.name for c in list(ctx.store.categories())[:8])
    yield from talk.say(talk.t("nothing_found", categories=categories))


def pick(talk: Talk, kind: str) -> Iterator[Event]:
    """The cheapest, dearest or best rated among the products last shown."""
    ids = targets.products(talk.turn, talk.text)
    cards = talk.ctx.index.cards(ids[:1])
    if not cards:
        yield from talk.say(talk.t("which_product"))
        return
    result = yield from talk.turn.use("get_product_details", {"product_id": cards[0]["id"]})
    if not result.ok:
        yield from talk.say(say.lookup_failed(result))
        return
    card = result.cards[0]
    if kind == "best":
        yield from talk.say(talk.t("pick_best", name=card["name"],
                                   rating=f"{float(card.get('rating') or 0):.1f}",
                                   count=card.get("rating_count", 0)))
        return
    if kind == "stocked":
        count = card.get("stock_quantity")
        if count:
            yield from talk.say(talk.t("pick_stock", name=card["name"], n=count))
        elif card.get("in_stock"):  # no counts to rank by: say so, and name one in stock
            yield from talk.say(talk.t("pick_stock_unknown", name=card["name"]))
        else:
            yield from talk.say(talk.t("avail_no", label=card["name"]))
        return
    key = "pick_cheapest" if kind == "cheapest" else "pick_dearest"
    yield from talk.say(talk.t(key, name=card["name"], price=say.price(card, talk.lang)))


def on_sale(talk: Talk) -> Iterator[Event]:
    """"Which of those is on sale?" / "is the third on sale?" over what was shown."""
    shown = list(talk.ctx.shown)
    positions = parse.ordinals(talk.text, len(shown))
    named = targets.products(talk.turn, talk.text) if not positions else []
    if positions or (named and len(query_terms(talk.text)) > 1):
        pid = shown[positions[0]] if positions else named[0]
        result = yield from talk.turn.use("get_product_details", {"product_id": pid})
        if not result.ok:
            yield from talk.say(say.lookup_failed(result))
            return
        card = result.cards[0]
        key = "is_on_sale" if card.get("on_sale") else "not_on_sale"
        yield from talk.say(talk.t(key, name=card["name"], price=say.price(card, talk.lang)))
        return
    result = talk.turn.execute("compare_products", {"product_ids": shown[:4]}) \
        if len(shown) >= 2 else None
    talk.ctx.shown = shown  # read, not shown again: "the first one" keeps its meaning
    cards = [c for c in (result.cards if result and result.ok else ()) if c.get("on_sale")]
    if not cards:
        yield from talk.say(talk.t("no_sale"))
        return
    yield from talk.say(*[talk.t("pick_sale", name=c["name"], price=say.price(c, talk.lang))
                          for c in cards])
