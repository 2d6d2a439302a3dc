"""How a withheld figure reads, in the reply's own language.

The figure is cut where it stood and the rest of its sentence with it (it was built on the
figure), and the sentence ends instead on a clause that says the figure can't be confirmed
and where the true one is: "It costs — I can't confirm that price here, so please check it
on the product page or at checkout." It reads as the assistant correcting itself mid-
sentence, claims nothing, and sends the shopper to where the store's own figure is shown.
"""
from __future__ import annotations

import re

WITHHELD = {
    "en": "— I can't confirm that {thing} here, so please check it on the product page or at "
          "checkout.",
    "es": "— no puedo confirmar {thing} aquí, así que compruébalo en la página del producto o "
          "al pagar.",
    "fr": "— je ne peux pas confirmer {thing} ici ; vérifiez-le sur la page du produit ou au "
          "moment de payer.",
    "de": "— {thing} kann ich hier nicht bestätigen; bitte prüfen Sie das auf der Produktseite "
          "oder an der Kasse.",
}
THINGS = {
    "en": {"money": "price", "percent": "discount", "code": "code", "stock": "stock level",
           "rating": "rating", "delivery": "delivery promise", "link": "link"},
    "es": {"money": "ese precio", "percent": "ese descuento", "code": "ese código",
           "stock": "esas existencias", "rating": "esa valoración",
           "delivery": "ese plazo de entrega", "link": "ese enlace"},
    "fr": {"money": "ce prix", "percent": "cette réduction", "code": "ce code",
           "stock": "ce stock", "rating": "cette note", "delivery": "ce délai de livraison",
           "link": "ce lien"},
    "de": {"money": "Diesen Preis", "percent": "Diesen Rabatt", "code": "Diesen Code",
           "stock": "Diesen Lagerbestand", "rating": "Diese Bewertung",
           "delivery": "Diese Lieferzusage", "link": "Diesen Link"},
}
_COMMON = {
    "en": {"the", "and", "is", "it", "you", "your", "for", "with", "this", "of", "to", "are",
           "costs", "that", "have", "can", "will", "only", "but", "also", "we", "what", "how"},
    "es": {"el", "la", "los", "las", "que", "y", "es", "por", "para", "con", "una", "tu", "está",
           "esta", "este", "cuesta", "cuánto", "qué", "tiene", "hay", "más", "muy", "pero",
           "del", "al", "se", "también", "quiero", "busco"},
    "fr": {"le", "la", "les", "et", "est", "une", "pour", "avec", "vous", "votre", "des", "du",
           "ce", "cette", "coûte", "sont", "pas", "mais", "aussi", "au", "il", "elle", "je",
           "combien", "nous", "cherche"},
    "de": {"der", "die", "das", "und", "ist", "ein", "eine", "für", "mit", "sie", "ihr", "nicht",
           "kostet", "dieser", "diese", "dieses", "auch", "aber", "nur", "wir", "ich", "den",
           "dem", "im", "wie", "viel", "suche"},
}
_WORDS = re.compile(r"[a-záéíóúñàâçèêëîïôûüäöß]+")


def language(text: str, preferred: str | None = None) -> str:
    """The reply's language among en, es, fr, de, by its most common small words; else the
    shopper's preferred one (Accept-Language), else English."""
    words = _WORDS.findall(text.lower()[-600:])
    scores = {lang: sum(w in common for w in words) for lang, common in _COMMON.items()}
    best = max(scores, key=scores.get)
    if scores[best] and list(scores.values()).count(scores[best]) == 1:
        return best
    preferred = (preferred or "")[:2].lower()
    return preferred if preferred in WITHHELD else "en"


def withheld(kind: str, lang: str) -> str:
    lang = lang if lang in WITHHELD else "en"
    return WITHHELD[lang].format(thing=THINGS[lang].get(kind, THINGS[lang]["money"]))
