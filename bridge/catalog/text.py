"""Words of a search: tokens, stopwords, synonyms, and edit distance for typo repair."""
from __future__ import annotations

import re
import unicodedata

# Words that carry no product meaning in shoppers' requests ("show me some ... please").
STOPWORDS = frozenset("""
a about all also am an and any anything are as at be buy can could do does for from get
give good have help i id im in is it its like looking me more my need of on one or please
product products searching see show some something that the them there these this those
to want wanna we what which with would you your find search item items stuff thing things
got any get looking sell sells selling store shop cheap cheapest best nice new dollars
dollar usd under below less than over above between budget around max maximum min minimum
offer offers deal deals whats hows u ur pls plz em gimme lemme
""".split())

# A shopper's word on the left may be written as any word on the right in a catalogue.
SYNONYMS = {
    "sweatshirt": ("sweatshirt", "hoodie"),
    "sweatshirts": ("sweatshirt", "hoodie"),
    "hoody": ("hoodie",),
    "tee": ("tee", "shirt"),
    "tees": ("tee", "shirt"),
    "tshirt": ("shirt", "tee"),
    "tshirts": ("shirt", "tee"),
    "sneaker": ("sneaker", "shoe", "trainer"),
    "sneakers": ("sneaker", "shoe", "trainer"),
    "trainers": ("trainer", "sneaker", "shoe"),
    "trousers": ("trousers", "pants"),
    "pants": ("pants", "trousers"),
    "cap": ("cap", "hat"),
    "beanie": ("beanie", "hat"),
    "coat": ("coat", "jacket"),
    "jumper": ("jumper", "sweater", "hoodie"),
    "mug": ("mug", "cup"),
    "backpack": ("backpack", "daypack", "pack"),
    "backpacks": ("backpack", "daypack", "pack"),
    "raincoat": ("raincoat", "rain", "shell"),
    "raincoats": ("raincoat", "rain", "shell"),
    "swimsuit": ("swimsuit", "swim", "trunks"),
    "swimsuits": ("swimsuit", "swim", "trunks"),
    "swimwear": ("swimwear", "swim", "trunks"),
    # Electronics: what shoppers say and what names and categories write.
    "gamer": ("gamer", "gaming"),
    "gamers": ("gamer", "gaming"),
    "gpu": ("gpu", "graphics"),
    "gpus": ("gpu", "graphics"),
    "ram": ("ram", "memory"),
    "adapter": ("adapter", "converter"),
    "adapters": ("adapter", "converter"),
    "cpu": ("cpu", "processor"),
    "cpus": ("cpu", "processor"),
    "processor": ("processor", "cpu"),
    "processors": ("processor", "cpu"),
}


def fold(text: str) -> str:
    """Lower case without accents, as the index tokenizer sees text."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text))


def query_terms(text: str) -> list[str]:
    """The meaningful words of a query: no stopwords, no single letters, no bare numbers."""
    return [w for w in words(text)
            if w not in STOPWORDS and len(w) > 1 and not w.isdigit()]


def deletes(word: str) -> set[str]:
    """The word with one letter removed, each way (SymSpell's neighbourhood)."""
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment)."""
    if a == b:
        return 0
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def max_typos(word: str) -> int:
    return 0 if len(word) < 4 else 1 if len(word) < 7 else 2
