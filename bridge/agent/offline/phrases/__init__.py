"""The offline assistant's own sentences in each supported language.

``t(lang, key, **fields)`` fills one template; a key a language lacks falls back to
English. Fields are store data (names, prices, policies) and stay verbatim.
"""
from __future__ import annotations

from . import ar, de, en, es, fr, it, pt

TABLES = {"en": en.T, "es": es.T, "fr": fr.T, "de": de.T, "pt": pt.T, "it": it.T, "ar": ar.T}


def t(lang: str, key: str, **fields) -> str:
    template = TABLES.get(lang, en.T).get(key) or en.T[key]
    return template.format(**fields)
