"""Which of the supported languages the shopper writes in, read from each message.

Function words, greetings and the letters a language alone uses score the message; the
curated shopping words of ``lexicon`` count too. A message that doesn't tell ("10", a
product name) keeps the language of the shopper's latest message that did, then the
browser's Accept-Language, then English.
"""
from __future__ import annotations

import re
from collections import defaultdict

from ...catalog.text import fold

SUPPORTED = ("en", "es", "fr", "de", "pt", "it", "ar")

_WORDS = {
    "en": """the a an is are do does you your we i me my it this that those these of to for
        with have has can could would will please thanks thank yes no not what which how
        much many any some and or about show tell want need looking hi hello hey ok okay
        yeah sure one ones there they them who where when why s ll don isn t""",
    "es": """el la los las un una unos unas es son que de del por para con tienen tiene tienes
        hay qué cuál cuáles cuánto cuánta cuesta cuestan quiero busco puedo me mi mis su
        sus sí gracias hola vale también más menos este esta esos esas ese esa estos todavía
        venden vendéis tenéis usted ustedes porfa favor quita añade añadir pon envían
        hacen dónde cómo interesa interesan encanta gusta gustaría quisiera necesito""",
    "fr": """le la les des du de un une est sont et vous votre vos nous je j ai avez avons pour
        avec dans sur ce cette ces quel quelle quels quelles combien oui non merci bonjour
        bonsoir voudrais cherche êtes est-ce qu c s il elle pas ne plus moins encore
        livrez acceptez peux puis retourner intéresse aimerais besoin""",
    "de": """der die das den dem des ein eine einen einem ist sind und ich du ihr wir sie es
        mit für auf von zu habt haben hast gibt welche welcher welches was wie wo wann
        bitte danke hallo ja nein nicht kein keine noch mal mir mich mein meine meinem
        euch eure eurer zeig zeigt kann können möchte brauche nehme kostet davon daraus
        liefert nach gegen interessiert gefällt""",
    "pt": """o a os as um uma é são que de do da dos das em no na para com vocês você tem têm
        temos há quero queria qual quais quanto quanta custa custam sim não obrigado
        obrigada olá oi também mais menos esse essa isso este esta ainda pode ser ao aos
        meu minha seu sua vendem interessa gostaria preciso por favor""",
    "it": """il lo la i gli le un una uno è sono che di del della dei delle per con avete
        abbiamo c'è ci quale quali quanto quanta costa costano voglio vorrei cerco sì
        grazie ciao anche più meno questo questa quello quella quelle quelli mi ti
        mostrami fai vedere ancora spedite vendete nel nella sotto piace serve quante quanti
        rimaste rimasti rimane restano""",
}
# Stock words: a short availability question ("¿está agotado?", "noch lieferbar?") tells
# its language by them.
_STOCK = {
    "en": "restock restocked stock left thx pls",
    "es": "agotado agotada agotados agotadas quedan queda sigue siguen",
    "fr": "dispo épuisé épuisée rupture reste restent reviendra",
    "de": "ausverkauft lieferbar vorrätig wieder",
    "pt": "esgotado esgotada esgotados esgotou vcs estoque",
    "it": "esaurito esaurita esauriti tornerà magazzino",
}
for _lang, _text in _STOCK.items():
    _WORDS[_lang] += " " + _text
_SCORES: dict[str, dict[str, float]] = defaultdict(dict)
for _lang, _text in _WORDS.items():
    for _word in set(_text.split()):
        _SCORES[fold(_word)][_lang] = 1.0
for _word, _langs in _SCORES.items():
    for _lang in _langs:
        _langs[_lang] = 1 / len(_langs)

LETTERS = {"ñ": ("es",), "¿": ("es",), "¡": ("es",), "ã": ("pt",), "õ": ("pt",),
           "ç": ("pt", "fr"), "ß": ("de",), "ä": ("de",), "ö": ("de",), "ü": ("de",),
           "è": ("fr", "it"), "à": ("fr", "it", "pt"), "ê": ("fr", "pt"), "ì": ("it",),
           "ò": ("it",), "é": ("fr", "es", "pt"), "á": ("es", "pt"), "í": ("es", "pt"),
           "ó": ("es", "pt"), "ú": ("es", "pt"), "â": ("pt", "fr"), "ô": ("pt", "fr")}
ARABIC = re.compile(r"[\u0600-\u06FF]")
TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def detect(text: str, extra: dict[str, dict[str, float]] | None = None) -> str | None:
    """The language of one message, or None when its words don't tell."""
    letters = [c for c in text if c.isalpha()]
    if letters and sum(1 for c in letters if ARABIC.match(c)) / len(letters) >= 0.3:
        return "ar"
    found: dict[str, float] = defaultdict(float)
    text = re.sub(r"\bt-?shirts?\b", " ", text, flags=re.I)  # a product word, not English
    # Arabic words beside a product's Latin name ("أريد Classic Pullover Hoodie").
    found["ar"] += 2 * len(re.findall(r"[\u0600-\u06FF]{2,}", text))
    for token in TOKEN.findall(text.lower()):
        for part in re.split(r"'", token):
            if ARABIC.match(part):
                continue
            for table in (_SCORES, extra or {}):
                for lang, weight in table.get(fold(part), {}).items():
                    found[lang] += weight
    for letter, langs in LETTERS.items():
        for lang in langs:
            found[lang] += text.lower().count(letter) / len(langs)
    if not found:
        return None
    ranked = sorted(found.items(), key=lambda pair: -pair[1])
    best, score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if score < 1.0 and not (sum(found.values()) >= 1.0 and "en" not in found):
        return None  # one shopping word Spanish and Portuguese share ("camisetas") tells
    if score <= runner_up:
        # Tied (Spanish and Portuguese share many words): the first tied language other
        # than English, in SUPPORTED order, rather than no answer.
        tied = [lang for lang, value in ranked if value == score]
        return min(tied, key=SUPPORTED.index) if "en" not in tied else None
    return best


def of_turn(messages: list[dict], preferred: str | None,
            extra: dict[str, dict[str, float]] | None = None) -> str:
    """The language to answer this turn in: the last message's, else the latest earlier
    shopper message that told, else the shopper's stated preference, else English."""
    for message in reversed(messages):
        if message.get("role") != "user":
            continue
        lang = detect(str(message.get("content", "")), extra)
        if lang:
            return lang
    if preferred:
        code = preferred.split(",")[0].split("-")[0].strip().lower()
        if code in SUPPORTED:
            return code
    return "en"


NAMES = {"en": "English", "es": "Spanish", "fr": "French", "de": "German", "pt": "Portuguese",
         "it": "Italian", "ar": "Arabic"}


def of_shopper(messages: list[dict], preferred: str | None) -> str:
    """``of_turn`` with the curated lexicon's words as evidence (what providers call)."""
    from .lexicon import scores
    return of_turn(messages, preferred, scores())


def reading(text: str) -> tuple[str, str]:
    """A search query in the catalogue's English (``lexicon.to_english``) and the language it
    was written in, or the query and "" when it is English or doesn't tell; what
    bridge.catalog.languages is given."""
    from .lexicon import scores, to_english

    lang = detect(text, scores())
    if not lang or lang == "en":
        return text, ""
    return to_english(text, lang), lang
