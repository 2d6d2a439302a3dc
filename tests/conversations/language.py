"""Which language an answer is written in: function words and letters, nothing learned.

The eval's own detector, kept apart from anything the product may build, so the judge is
not the judged. Store text (product names, descriptions, the merchant's policies) is taken
out first: the assistant quotes it verbatim whatever language it answers in.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable

LANGUAGES = ("en", "es", "fr", "de", "pt", "it", "ar")

# Function words and the everyday words of a shop's replies. A word that several
# languages share counts for each of them in part (1 / how many share it).
_WORDS = {
    "en": """the a and is are was you your we our us of to for with this that these those it
        its in on at have has here there would like can could not don't any some what which
        or be will from by an one more about all also but if so just only yes no please
        thanks welcome sorry found matches match added cart total items item left stock
        out sold sell available price ship shipping delivery days return returns order
        how much does do did they them their let know help person someone who when where""",
    "es": """el la los las de del al a que y es en un una unos unas por para con no sí su sus lo le
        les tenemos tiene tienen hay está están estás puedo puede quieres quiere también más
        pero como este esta estos estas ya muy te gracias aquí carrito envío envíos
        devolución talla precio agotado disponible quedan días hola claro vale eso cuál
        qué cómo dónde cuando nuestro nuestra nuestros ninguno ninguna vendemos mi tu
        menos siento encontré lamentablemente todavía tengo ese esa enviamos entregamos hacemos entrega tarda hábiles
        vendemos""",
    "fr": """le la les des du de et est une un pour avec vous votre vos nous notre nos pas ne
        que qui dans sur au aux il elle ce cette ces mais ou oui je voici voilà panier très
        aussi plus été sont avons avez peut pouvez souhaitez merci bonjour livraison
        retour taille prix épuisé disponible jours reste restent aucun aucune vendons en
        à moins désolé désolée malheureusement trouvé ai avons encore votre livrons expédions
        n qu c j l d""",
    "de": """der die das und ist nicht ein eine einen einem mit für sie wir ihr ihre ihren zu
        auf im den dem des es ich auch noch oder aber haben hat gibt hier kein keine keinen
        bitte dein deine ihnen warenkorb danke leider gern gerne sind wird werden kann
        können möchten möchtest versand lieferung rückgabe größe preis ausverkauft
        verfügbar tage nur sehr schon wie was welche welcher führen verkaufen uns unser
        unsere hallo ja nein
        gefunden leider unter mehr liefern versenden""",
    "pt": """o a os as de do da dos das e é em na nos nas um uma para com não sim que você
        vocês seu sua seus suas temos tem há está estão também mais mas como este esta isso
        obrigado obrigada aqui carrinho frete envio entrega devolução tamanho preço
        esgotado disponível dias olá claro nosso nossa nenhum nenhuma vendemos pelo pela
        ao aos às qual quais
        encontrei desculpe infelizmente ainda momento abaixo enviamos entregamos fazemos leva levam úteis prazo""",
    "it": """il lo la i gli le di a del della dei delle e è in un una per con non sì che sono
        abbiamo c'è ci anche più ma come questo questa qui grazie carrello spedizione
        consegna reso taglia prezzo esaurito disponibile giorni rimangono ciao certo
        nostro nostra nessun nessuna vendiamo al alla ai agli dal dalla nel nella sul
        sulla quale quali
        ho trovato sotto ecco eccole dispiace purtroppo ancora mi ti spediamo consegniamo""",
}
STOPWORDS = {lang: frozenset(re.findall(r"[^\W\d_]+", text.lower()))
             for lang, text in _WORDS.items()}
_SHARED: dict[str, list[str]] = defaultdict(list)
for _lang, _words in STOPWORDS.items():
    for _word in _words:
        _SHARED[_word].append(_lang)

# Letters that only some of the languages use, each worth a word.
LETTERS = {"ñ": ("es",), "¿": ("es",), "¡": ("es",), "ã": ("pt",), "õ": ("pt",),
           "ç": ("pt", "fr"), "ß": ("de",), "ä": ("de",), "ö": ("de",), "ü": ("de",),
           "œ": ("fr",), "ê": ("fr", "pt"), "ù": ("fr",), "ì": ("it",), "ò": ("it",),
           "á": ("es", "pt"), "í": ("es", "pt"), "ó": ("es", "pt"), "ú": ("es", "pt")}

ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF]")
TOKEN = re.compile(r"[^\W\d_]+")
# Below this many points of evidence the language is unknown (None): one word that only
# one language uses is enough, a word shared by two is not.
MIN_SCORE = 1.0
# The winner must lead the runner-up by this factor.
LEAD = 1.5


class StoreText:
    """Runs of words the store wrote (names, descriptions, policies): quoted, not authored."""

    def __init__(self, texts: Iterable[str]):
        self.grams: set[tuple[str, ...]] = set()
        self.names: list[str] = []
        for text in texts:
            if not text:
                continue
            tokens = TOKEN.findall(text.lower())
            self.grams.update(zip(tokens, tokens[1:], tokens[2:]))
            if len(tokens) <= 6 and len(text) >= 3:  # "S" and "M" are sizes, not names
                self.names.append(text.lower())
        self.names.sort(key=len, reverse=True)

    def strip(self, text: str) -> list[str]:
        """The answer's own words: store phrases, e-mail addresses and links taken out."""
        lowered = re.sub(r"\S+@\S+|https?://\S+", " ", text.lower())
        for name in self.names:
            lowered = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", lowered)
        tokens = TOKEN.findall(lowered)
        quoted = [False] * len(tokens)
        for i in range(len(tokens) - 2):
            if tuple(tokens[i:i + 3]) in self.grams:
                quoted[i] = quoted[i + 1] = quoted[i + 2] = True
        return [t for t, q in zip(tokens, quoted) if not q]


def scores(tokens: list[str], raw: str = "") -> dict[str, float]:
    found = defaultdict(float)
    for token in tokens:
        langs = _SHARED.get(token)
        if langs:
            for lang in langs:
                found[lang] += 1 / len(langs)
    for letter, langs in LETTERS.items():
        count = raw.count(letter)
        for lang in langs:
            found[lang] += count / len(langs)
    return dict(found)


def detect(text: str, store: StoreText | None = None) -> str | None:
    """The language of ``text`` ("en", "es", ...), or None when the words don't tell."""
    tokens = store.strip(text) if store else TOKEN.findall(text.lower())
    own = " ".join(tokens)
    letters = [c for c in own if c.isalpha()]
    if letters and sum(1 for c in letters if ARABIC.match(c)) / len(letters) >= 0.3:
        return "ar"
    found = scores([t for t in tokens if not ARABIC.match(t)], own)
    if not found:
        return None
    ranked = sorted(found.items(), key=lambda pair: -pair[1])
    best, score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if score < MIN_SCORE or score < runner_up * LEAD:
        return None
    return best
