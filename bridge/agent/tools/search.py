"""search_products: the index's matches narrowed by the shopper's preferences and a search's
refinements, one page of them, their facets, and the token for the next page.

A page token (bridge.catalog.paging) carries the whole search, so page two is the same
search whatever the request around it says. The token is minted for the cards actually
shown (``displayed``): a channel that shows fewer than the tool returned pages on from what
the shopper saw.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from ...catalog.facets import disliked, facets, for_model, has_options, price_band
from ...catalog.index import COUNT_CAP
from ...catalog.paging import MAX_SHOWN, PageTokenError, SearchState, make_token, read_token
from ...catalog.understand import understand
from .brief import brief
from .registry import ToolContext, ToolResult

# Cards one search returns by default and at most (agents page on with ``offset``).
DEFAULT_RESULTS = 10
MAX_RESULTS = 50
# Deepest result a search pages to, and the longest query (agents write whole tasks).
MAX_OFFSET = 1000
MAX_QUERY = 1000
MAX_TOKEN = 4096
# Matches a sorted search ranks before keeping the page asked for.
SORT_POOL = 50
# Matches the page and the facets are drawn from: the index's own re-ranked pool.
FACET_POOL = 100
SORTS = {
    "price_asc": lambda c: float(c.get("price") or 0),
    "price_desc": lambda c: -float(c.get("price_max") or c.get("price") or 0),
    "rating": lambda c: -float(c.get("rating") or 0),
}


@dataclass(frozen=True)
class SearchPage:
    """What a search found beyond its cards, for ``displayed``."""

    state: SearchState
    total: int
    at_least: bool
    found: tuple[dict, ...]  # facets, without tokens
    fresh: tuple[int, ...]  # every match not shown before, in order
    complete: bool  # the pool held every match


def search_products(ctx: ToolContext, args: dict) -> ToolResult:
    token, offset = args.get("page_token"), args.get("offset", 0)
    if token:
        try:
            state = read_token(ctx.secret, token) if ctx.secret else None
        except PageTokenError as exc:
            return ToolResult.error(f"page_token is not valid: {exc}. Search again instead.")
        if state is None:
            return ToolResult.error("Paging by token is not available here; use offset.")
        offset = 0
    else:
        state = _state(ctx, args)
    return _run(ctx, state, offset, bool(token))


def displayed(ctx: ToolContext, result: ToolResult, cards) -> dict | None:
    """The search part of a products event showing ``cards`` of ``result``: total, facets
    with a refinement token per value, the next page's token (also kept on ``ctx``)."""
    page = result.search
    if not isinstance(page, SearchPage):
        return None
    ids = [c["id"] for c in cards]
    token = next_token(ctx.secret, page, ids)
    ctx.next_page = token
    return {"total": page.total, **({"total_is_at_least": True} if page.at_least else {}),
            "facets": _with_tokens(ctx.secret, page), "next_page_token": token}


def next_token(secret: str, page: SearchPage, ids: list[int]) -> str | None:
    if not secret or not ids:
        return None
    last = max(page.fresh.index(i) for i in ids if i in page.fresh) if \
        any(i in page.fresh for i in ids) else -1
    # Everything up to the last card shown counts as seen (an agent's offset skipped some).
    seen = list(dict.fromkeys([*page.state.shown, *page.fresh[:last + 1], *ids]))
    more = len(page.fresh) > last + 1 or not page.complete
    if not more or len(seen) >= MAX_SHOWN:
        return None
    return make_token(secret, replace(page.state, shown=tuple(seen)))


def _state(ctx: ToolContext, args: dict) -> SearchState:
    query = args.get("query", "")
    low, high = args.get("min_price"), args.get("max_price")
    if low is not None and high is not None and low > high:
        low, high = high, low
    prefs, dislikes = ctx.preferences, ()
    if prefs:
        if low is None and high is None:  # the query's own bounds first ("over $80")
            said = understand(query)
            low, high = said.min_price, said.max_price
        # A preferred bound fills a side the shopper left open, unless it contradicts them.
        if low is None and prefs.min_price is not None and (high is None
                                                            or prefs.min_price <= high):
            low = prefs.min_price
        if high is None and prefs.max_price is not None and (low is None
                                                             or prefs.max_price >= low):
            high = prefs.max_price
        dislikes = tuple(prefs.dislikes)
    sort = args.get("sort") if args.get("sort") in SORTS else None
    return SearchState(query=query, category=args.get("category") or None, min_price=low,
                       max_price=high, on_sale=args.get("on_sale"),
                       in_stock=args.get("in_stock"), sort=sort,
                       limit=args.get("limit", DEFAULT_RESULTS), dislikes=dislikes)


def _keeps(state: SearchState, card: dict) -> bool:
    if disliked(card, state.dislikes) == 2 or not has_options(card, state.options):
        return False
    if state.in_category and state.in_category not in (card.get("categories") or ()):
        return False
    return state.band is None or price_band(card.get("price")) == tuple(state.band)


def _run(ctx: ToolContext, state: SearchState, offset: int, paged: bool) -> ToolResult:
    order = SORTS.get(state.sort or "")
    narrowed = bool(state.dislikes or state.options or state.in_category or state.band)
    needed = offset + state.limit + len(state.shown)
    size = max(SORT_POOL if order else FACET_POOL, needed * 2 if narrowed else needed)
    low, high = state.min_price, state.max_price
    if state.band:  # the band's bounds narrow the index's matches; _keeps checks exactly
        low = max(low or 0, state.band[0])
        if state.band[1] is not None:  # [low, high): the index's bounds are inclusive
            edge = state.band[1] - 0.01
            high = edge if high is None else min(high, edge)
    result = ctx.index.search(
        state.query, category=state.category or state.in_category, min_price=low,
        max_price=high, on_sale=state.on_sale, in_stock=state.in_stock, limit=size, offset=0)
    cards = sorted(result.cards, key=order) if order else list(result.cards)
    kept = [c for c in cards if _keeps(state, c)] if narrowed else cards
    if state.dislikes:  # some options disliked: after the rest, in their order (stable sort)
        kept.sort(key=lambda c: disliked(c, state.dislikes))
    complete = len(result.cards) >= result.total
    shown = set(state.shown)
    fresh = [c for c in kept if c["id"] not in shown]
    page = fresh[offset:offset + state.limit]
    if narrowed:
        total, at_least = len(kept), not complete
    else:
        total, at_least = min(result.total, COUNT_CAP), not result.total_is_exact
    if page:
        ctx.shown = [c["id"] for c in page]
    found = tuple(facets(kept))
    search = SearchPage(state, total, at_least, found, tuple(c["id"] for c in fresh), complete)
    after = offset + len(page)
    content = {"total": total, "showing": len(page), "offset": offset,
               "next_offset": after if not paged and page and (after < total or at_least)
               and after <= MAX_OFFSET else None,
               "products": [brief(c) for c in page]}
    if paged:
        content["already_shown"] = len(shown)
    if at_least:
        content["total_is_at_least"] = True
    if result.understood:
        content["understood"] = result.understood
    if result.corrections:
        content["spelling_corrected"] = result.corrections
    if result.ignored:
        content["words_not_in_catalogue"] = result.ignored
    gone = sum(disliked(c, state.dislikes) == 2 for c in cards) if state.dislikes else 0
    if gone:
        content["left_out_as_disliked"] = gone
    later = sum(disliked(c, state.dislikes) == 1 for c in kept) if state.dislikes else 0
    if later:
        content["placed_last_for_disliked_options"] = later
    content["facets"] = for_model(list(found))
    token = next_token(ctx.secret, search, [c["id"] for c in page])
    if token:
        content["next_page_token"] = token
    return ToolResult(content=content, cards=tuple(page), search=search)


def _with_tokens(secret: str, page: SearchPage) -> list[dict]:
    """The facets, each value that narrows the search with the token of that refinement."""
    out = [{**f, "values": [dict(v) for v in f["values"]]} for f in page.found]
    narrowing = [(f, v) for f in out for v in f["values"] if v["count"] < page.total]
    if secret and narrowing:
        for facet, value in narrowing:  # from the first page: nothing shown yet
            value["page_token"] = make_token(secret, replace(
                page.state, shown=(), **_refine(page.state, facet, value)))
    return out


def _refine(state: SearchState, facet: dict, value: dict) -> dict:
    """The fields a facet value changes."""
    if facet["kind"] == "category":
        return {"in_category": value["value"]}
    if facet["kind"] == "price":
        return {"band": (value["min"], value["max"])}
    options = tuple(o for o in state.options if o[0] != facet["name"])
    return {"options": (*options, (facet["name"], value["value"]))}
