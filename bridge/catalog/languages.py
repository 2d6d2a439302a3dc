"""A query in another supported language read in the catalogue's words.

The offline reader's curated shopping lexicon (``bridge.agent.offline.lexicon``: es, fr, de,
pt, it, ar, phrase by phrase to English) turns "busco un teclado inalámbrico" into "i want
keyboard wireless", which an English catalogue matches. A shop whose catalogue is in the
shopper's language keeps the words as written: the reading that more of the catalogue's
words match wins. Words the lexicon doesn't list (brands, models) pass through.
"""
from __future__ import annotations

from typing import Callable

from .text import query_terms


def read(query: str, matches: Callable[[str], bool]) -> tuple[str, str]:
    """The query to search and the language it was read from ("" when as written)."""
    # Imported here: the agent package imports the catalogue.
    from ..agent.offline import language, lexicon

    lang = language.detect(query, lexicon.scores())
    if not lang or lang == "en":
        return query, ""
    english = lexicon.to_english(query, lang)
    if english == query:
        return query, ""
    found = {t: matches(t) for t in set(query_terms(query)) | set(query_terms(english))}
    if sum(found[t] for t in set(query_terms(english))) > \
            sum(found[t] for t in set(query_terms(query))):
        return english, lang
    return query, ""
