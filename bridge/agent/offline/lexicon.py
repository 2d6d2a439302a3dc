"""Everyday shopping words of the supported languages, mapped to the English words the
offline reader and the catalogue understand.

``to_english(text, lang)`` rewrites a message phrase by phrase (longest first) so the one
English reader serves every language: "añade la segunda al carrito" reads as "add the
second to cart". Words not listed pass through unchanged, so a kind of product the
lexicon doesn't know stays the shopper's own word (and is honestly not found). Each table
line is ``phrase | phrase = english``; phrases are written folded (no accents).
"""
from __future__ import annotations

import re
from functools import lru_cache

from ...catalog.text import fold
from .words import TABLES


@lru_cache(maxsize=None)
def _rules(lang: str) -> list[tuple[re.Pattern, str]]:
    return [(re.compile(rf"(?<![\w$\x00\x01]){re.escape(phrase)}(?![\w\x00\x01])"), english)
            for phrase, english in _pairs(lang)]


@lru_cache(maxsize=None)
def _pairs(lang: str) -> list[tuple[str, str]]:
    """(phrase, english) of the language's table, longest phrase first."""
    pairs: list[tuple[str, str]] = []
    for line in TABLES.get(lang, "").strip().splitlines():
        if "=" not in line:
            continue
        left, right = line.split("=", 1)
        pairs += [(phrase.strip(), right.strip()) for phrase in left.split("|")
                  if phrase.strip()]
    if lang == "ar":
        pairs += _arabic_prefixed(pairs)
    pairs.sort(key=lambda pair: -len(pair[0]))
    return pairs


# Arabic letters joined to the word they precede: "and", "with", "for", "the" and their
# combinations ("بأقل" is "ب" + "أقل", "لأمي" is "ل" + "أمي", "للمطر" is "لل" + "مطر").
ARABIC_PREFIXES = ("و", "ب", "ل", "ف", "ال", "بال", "لل", "وال", "فال", "وب", "ول")
# Eastern Arabic and Persian digits read as the digits the reader parses.
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫", "01234567890123456789.")


def _arabic_prefixed(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each Arabic phrase also with the prefixes a word takes, so the table lists a word
    once ("امي" covers "لامي" and "وامي")."""
    listed = {p for p, _ in pairs}
    found = []
    for phrase, english in pairs:
        bare = phrase[2:] if phrase.startswith("ال") and len(phrase) > 4 else phrase
        if len(bare) < 3:
            continue  # "ضع" joined to "و" is "وضع", another word
        for prefix in ARABIC_PREFIXES:
            joined = prefix + bare
            if joined not in listed:
                listed.add(joined)
                found.append((joined, english))
    return found


def to_english(text: str, lang: str) -> str:
    """The message in the reader's English; English text is returned as it is (with its
    digits in the reader's form)."""
    text = text.translate(DIGITS)
    if lang == "en" or lang not in TABLES:
        return text
    text = text.replace("\u2019", "'").replace("ß", "ss")
    folded = fold(text) if lang != "ar" else _arabic(text)
    folded = re.sub(r"\bl'", "le ", folded)  # l'article -> le article ("L" stays a size)
    folded = re.sub(r"\b(qu|quelqu|jusqu|lorsqu|puisqu|[djcnsmt])'", r"\1 ", folded)  # c est
    folded = re.sub(r"[¿¡«»؟،]|(?<=\w)-(?=\w)", " ", folded)
    marked = folded
    for pattern, english in _rules(lang):
        # \x00 keeps a replaced phrase from being rewritten again by a shorter one.
        marked = pattern.sub(lambda _m, e=english: "\x00" + e.replace(" ", "\x01") + "\x00",
                             marked)
    marked = _inflected(marked, lang)
    out = marked.replace("\x00", " ").replace("\x01", " ")
    return re.sub(r"\s+", " ", out).strip()


# Endings a word takes (plural, gender, a verb's person) that the tables list once:
# "Sonnenbrillen" is "Sonnenbrille", "negras" is "negro", "wandert" is "wandern".
ENDINGS = {
    "es": (("es", ""), ("s", ""), ("as", "o"), ("a", "o"), ("os", "o")),
    "pt": (("es", ""), ("s", ""), ("as", "o"), ("a", "o"), ("os", "o")),
    "fr": (("es", ""), ("s", ""), ("x", ""), ("e", "")),
    "de": (("en", ""), ("n", ""), ("e", ""), ("s", ""), ("er", ""), ("es", ""), ("t", "n"),
           ("t", "en"), ("", "e"), ("st", "en")),
    "it": (("i", "o"), ("i", "a"), ("e", "a"), ("e", "o"), ("a", "o"), ("o", "a"),
           ("he", "a"), ("hi", "o")),
    "ar": (("ا", ""), ("ة", ""), ("ات", ""), ("ات", "ة"), ("ين", ""), ("ون", ""), ("ه", ""),
           ("ها", "")),
}


@lru_cache(maxsize=None)
def _single_words(lang: str) -> dict[str, str]:
    return {phrase: english for phrase, english in reversed(_pairs(lang)) if " " not in phrase}


def _inflected(marked: str, lang: str) -> str:
    """Words no table phrase matched, read through their endings to a listed word."""
    known = _single_words(lang)

    def listed(word: str) -> str | None:
        if word in known:
            return known[word]
        for ending, base in ENDINGS.get(lang, ()):
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                english = known.get(word[:len(word) - len(ending)] + base)
                if english is not None:
                    return english
        return None

    def read(m: re.Match) -> str:
        word = m.group(0)
        english = listed(word)
        if english is None and lang == "de":  # "Wanderhosen" is "Wander" + "hosen"
            for cut in range(3, len(word) - 3):
                tail = listed(word[cut:])
                head = listed(word[:cut]) or listed(word[:cut] + "n") or listed(
                    word[:cut] + "en") or ""
                if tail and (head or len(word) - cut >= 6):  # not "Fahr" + "räder"
                    english = f"{head} {tail}".strip()
                    break
        return word if english is None else "\x00" + english.replace(" ", "\x01") + "\x00"
    return re.sub(r"(?<![\w\x00\x01])[^\W\d_]{4,}(?![\w\x00\x01])", read, marked)


def _arabic(text: str) -> str:
    """Arabic without short vowels and with one form of alef and of teh marbuta endings."""
    text = re.sub(r"[\u064B-\u0652\u0640]", "", text)
    text = re.sub("[أإآ]", "ا", text)
    return text.lower()


@lru_cache(maxsize=None)
def scores() -> dict[str, dict[str, float]]:
    """Single words of every table as language evidence (shared words count in part)."""
    found: dict[str, set[str]] = {}
    for lang in TABLES:
        for pattern, _ in _rules(lang):
            phrase = pattern.pattern
            for word in re.findall(r"[^\W\d_]{3,}", fold(re.sub(r"\\(.)", r"\1", phrase))):
                found.setdefault(word, set()).add(lang)
    english = set(re.findall(r"[a-z]+", " ".join(
        e for lang in TABLES for _, e in _rules(lang))))
    english |= {w + "s" for w in english} | {w[:-1] for w in english if w.endswith("s")}
    return {w: {lang: 1 / len(langs) for lang in langs} for w, langs in found.items()
            if w not in english and lang_of_word_ok(w)}


def lang_of_word_ok(word: str) -> bool:
    # Brand-like words shared with English product names are no evidence of a language.
    return word not in {"jeans", "shorts", "chinos", "parka", "tote", "email", "paypal",
                        "visa", "mastercard", "apple", "pay", "stock", "budget", "sneakers",
                        "beige", "navy", "tenis", "canada", "italia"}
