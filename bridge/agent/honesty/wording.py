"""How a withheld figure reads, in the reply's own language (the seven the offline assistant
speaks).

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
    "pt": "— não posso confirmar {thing} aqui; verifique na página do produto ou no checkout.",
    "it": "— non posso confermare {thing} qui; controlla nella pagina del prodotto o al "
          "pagamento.",
    "ar": "— لا يمكنني تأكيد {thing} هنا؛ يرجى التحقق منه في صفحة المنتج أو عند الدفع.",
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
    "pt": {"money": "esse preço", "percent": "esse desconto", "code": "esse código",
           "stock": "esse estoque", "rating": "essa avaliação",
           "delivery": "esse prazo de entrega", "link": "esse link"},
    "it": {"money": "questo prezzo", "percent": "questo sconto", "code": "questo codice",
           "stock": "questa disponibilità", "rating": "questa valutazione",
           "delivery": "questi tempi di consegna", "link": "questo link"},
    "ar": {"money": "هذا السعر", "percent": "هذا الخصم", "code": "هذا الرمز",
           "stock": "هذه الكمية", "rating": "هذا التقييم", "delivery": "موعد التوصيل هذا",
           "link": "هذا الرابط"},
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
    "pt": {"o", "os", "um", "uma", "não", "você", "seu", "sua", "custa", "está", "também",
           "mas", "do", "da", "em", "quanto", "procuro", "é"},
    "it": {"il", "lo", "gli", "un", "una", "non", "che", "è", "costa", "anche", "ma", "del",
           "della", "per", "quanto", "cerco", "sono"},
}
_ARABIC = re.compile(r"[\u0600-\u06FF]")
_WORDS = re.compile(r"[a-záéíóúñàâçèêëîïôûüäößãõò]+")


def language(text: str, preferred: str | None = None) -> str:
    """The reply's language among en, es, fr, de, pt, it (by their most common small words)
    and ar (by its script); else the shopper's preferred one (Accept-Language), else English."""
    tail = text[-600:]
    if len(_ARABIC.findall(tail)) > len(tail) / 4:
        return "ar"
    words = _WORDS.findall(tail.lower())
    scores = {lang: sum(w in common for w in words) for lang, common in _COMMON.items()}
    best = max(scores, key=scores.get)
    if scores[best] and list(scores.values()).count(scores[best]) == 1:
        return best
    preferred = (preferred or "")[:2].lower()
    return preferred if preferred in WITHHELD else "en"


def withheld(kind: str, lang: str) -> str:
    lang = lang if lang in WITHHELD else "en"
    return WITHHELD[lang].format(thing=THINGS[lang].get(kind, THINGS[lang]["money"]))
