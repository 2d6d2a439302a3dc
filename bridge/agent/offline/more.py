"""More of the same search: "show me more" continues the conversation's last search, and a
page token (the widget's "more" or a refinement chip) runs the search it holds. Each page
leaves out what earlier pages showed (bridge.catalog.paging)."""
from __future__ import annotations

import re
from typing import Iterator

from ..events import Event, Products, ToolCalled
from ..tools.search import displayed
from ..turn import Turn
from . import say
from .talk import Talk

PAGE = 5  # cards one answer shows, as a first search does (catalogue.SEARCH_LIMIT)
# Only the request itself: "show me more hoodies" names a kind, so it is a new search.
MORE = re.compile(
    r"^\W*(ok(ay)?,?\s+|yes,?\s+)?(please\s+)?((can you |could you )?(show|give|see|find)"
    r"( me)?( some| a few| any)? more|(any|got any|some) (more|others)|next page|see more|"
    r"load more|other options)( please| results| options| products| of (those|these|them)|"
    r" like (these|those|that|this))?( please)?\W*$", re.I)
# The page's first line and the line for a search with nothing more to show.
WORDS = {
    "en": ("Here are {showing} more{within}:", "That's everything I found for that search. "
           "Tell me what else you'd like, or narrow it down."),
    "es": ("Aquí tienes {showing} más{within}:", "Eso es todo lo que encontré para esa búsqueda."),
    "fr": ("Voici {showing} de plus{within} :", "C'est tout ce que j'ai trouvé pour cette "
           "recherche."),
    "de": ("Hier sind {showing} weitere{within}:", "Das ist alles, was ich zu dieser Suche "
           "gefunden habe."),
    "pt": ("Aqui estão mais {showing}{within}:", "É tudo o que encontrei para essa pesquisa."),
    "it": ("Eccone altri {showing}{within}:", "È tutto ciò che ho trovato per questa ricerca."),
    "ar": ("إليك {showing} أخرى{within}:", "هذا كل ما وجدته لهذا البحث."),
}


def asks_more(text: str) -> bool:
    return bool(MORE.search(text))


def answer(talk: Talk) -> Iterator[Event]:
    """The next page of the conversation's last search, or that there is none."""
    token = talk.ctx.next_page
    if not token:
        return talk.say(_words(talk.lang)[1])
    return page(talk.turn, token, talk)


def page(turn: Turn, token: str, talk: Talk | None = None) -> Iterator[Event]:
    talk = talk or Talk.of(turn)
    ctx = turn.ctx
    yield ToolCalled("search_products")
    result = turn.execute("search_products", {"page_token": token, "limit": PAGE})
    if not result.ok:
        yield from talk.say(f"Sorry, I couldn't continue that search: {result.content['error']}")
        return
    cards = result.cards[:PAGE]
    if not cards:
        ctx.next_page = None
        yield from talk.say(_words(talk.lang)[1])
        return
    ctx.shown = [c["id"] for c in cards]
    yield Products(tuple(cards), displayed(ctx, result, cards))
    found = result.content
    if found.get("already_shown"):
        lines = [_words(talk.lang)[0].format(showing=len(cards), within="")]
    else:  # a refinement: its first page
        total = found["total"]
        key = "found_one" if total == 1 else "found_all" if total <= len(cards) else "found_top"
        lines = [talk.t(key, total=total, showing=len(cards), within="")]
    lines += [say.product_line(i, brief, talk.lang)
              for i, brief in enumerate(found["products"][:PAGE], 1)]
    lines.append(talk.t("follow_up"))
    yield from talk.say(*lines)


def _words(lang: str) -> tuple[str, str]:
    return WORDS.get(lang, WORDS["en"])
