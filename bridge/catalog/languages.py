"""A query in another supported language read in the catalogue's words.

The reader is given by whoever builds the index (bridge.core passes the offline reader's
curated shopping lexicon, ``bridge.agent.offline.language.reading``: es, fr, de, pt, it, ar,
phrase by phrase to English; the catalogue doesn't import the agent). "busco un teclado
inalámbrico" reads as "i want keyboard wireless", which an English catalogue matches. A shop
whose catalogue is in the shopper's language keeps the words as written: the reading that
more of the catalogue's words match wins. Words the lexicon doesn't list pass through.
"""
from __future__ import annotations

from typing import Callable

from .text import query_terms

# A query to (the query in English, its language), or (the query, "") when it is English.
Reader = Callable[[str], tuple[str, str]]


def read(query: str, reader: Reader, matches: Callable[[str], bool]) -> tuple[str, str]:
    """The query to search and the language it was read from ("" when as written)."""
    english, lang = reader(query)
    if not lang or english == query:
        return query, ""
    found = {t: matches(t) for t in set(query_terms(query)) | set(query_terms(english))}
    if sum(found[t] for t in set(query_terms(english))) > \
            sum(found[t] for t in set(query_terms(query))):
        return english, lang
    return query, ""
