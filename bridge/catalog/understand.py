"""What a search query asks for, beyond its words: instruction phrasing to drop, price bounds,
numbers with units to compare (read by bridge.catalog.amounts), colours wanted, words
excluded, the thing wanted and the thing owned, and the words naming the kind of product.

``understand(text)`` reads shopper and agent phrasing in the supported languages (en, es, fr,
de, pt, it); the index searches ``Understood.text`` and re-ranks with the rest.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .amounts import UNIT, Amount, amounts, asked, parse_number
from .text import fold

# Phrasing that asks rather than describes ("Find all offers for the ..."), per language.
INSTRUCTIONS = [
    r"(?:please )?(?:can|could) you (?:please )?(?:find|show|get|give|recommend)(?: me)?",
    r"find (?:me )?(?:all |the |every |an? )*(?:cheapest |best |available )*"
    r"(?:offers?|products?|items?|deals?|listings?|options?)?(?: for| of)?",
    r"(?:i am|i'm|im|we are|we're) (?:looking|searching) for", r"looking for",
    r"do you (?:have|sell|stock|carry)", r"have you got", r"(?:show|give|get) me",
    r"i (?:want|need|would like|'d like)(?: to buy)?", r"search(?:ing)? for",
    r"if multiple offers share the lowest price,? return all of them",
    r"the cheapest offers? (?:for|of)", r"for each", r"(?:the )?(?:cheapest )?(?:alternatives?|"
    r"substitutes?|replacements?)(?: for| to)?", r"(?:this|that|the) (?:specific )?(?:item|product)", r"(?:that|which) (?:is|are) available",
    # es, pt, it
    r"(?:estoy |ando )?busc(?:o|ando)", r"(?:tienen|tienes|venden|hay)", r"quiero|necesito",
    r"mu[eé]strame|ens[eé][nñ]ame|encuentra(?:me)?", r"(?:estou )?procur(?:o|ando)",
    r"(?:voc[eê]s )?t[eê]m", r"preciso", r"(?:sto )?cerc(?:o|ando)", r"avete|vorrei|voglio",
    r"mostrami|trovami",
    # fr
    r"je (?:cherche|veux|voudrais|recherche)", r"(?:avez|vendez)[- ]vous", r"montre[sz]?[- ]moi",
    r"trouve[sz]?[- ]moi",
    # de
    r"ich (?:suche|m[oö]chte|brauche|will)", r"(?:haben|verkaufen) sie", r"zeig(?:e|en sie)? mir",
    r"finde(?: mir)?",
]
_INSTRUCTION = re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in INSTRUCTIONS) + r")\b")

# Basic colour words (en, es, fr, de, it, pt) and the catalogue's English for each.
COLOURS = {
    "black": "black", "negro": "black", "negra": "black", "noir": "black", "schwarz": "black",
    "nero": "black", "preto": "black", "white": "white", "blanco": "white", "blanca": "white",
    "blanc": "white", "weiss": "white", "bianco": "white", "branco": "white", "red": "red",
    "rojo": "red", "roja": "red", "rouge": "red", "rot": "red", "rosso": "red",
    "vermelho": "red", "blue": "blue", "azul": "blue", "bleu": "blue", "blau": "blue",
    "blu": "blue", "green": "green", "verde": "green", "vert": "green", "grun": "green",
    "yellow": "yellow", "amarillo": "yellow", "jaune": "yellow", "gelb": "yellow",
    "giallo": "yellow", "amarelo": "yellow", "orange": "orange", "naranja": "orange",
    "arancione": "orange", "laranja": "orange", "purple": "purple", "morado": "purple",
    "violet": "purple", "lila": "purple", "viola": "purple", "roxo": "purple", "pink": "pink",
    "rosa": "pink", "rose": "pink", "grey": "grey", "gray": "grey", "gris": "grey",
    "grau": "grey", "grigio": "grey", "cinza": "grey", "silver": "silver", "gold": "gold",
    "brown": "brown", "beige": "beige", "navy": "navy", "cream": "cream",
}

# "In bright colours", "a colourful case": any of these (the catalogue's English) goes up.
BRIGHT = ("yellow", "orange", "red", "pink", "green", "purple")
_BRIGHT = re.compile(r"\b(?:bright|vivid|vibrant|colou?rful|flashy|neon)\b(?! white)")

# Words that exclude what follows: "not black", "without RGB", "sin cable", "ohne Kabel".
# Not a bare "no": names use it ("No-Show Socks", "No PSU").
_NEGATION = re.compile(
    r"\b(?:not(?: (?:colou?red|in|a|an|the|made of|from))?|without|except|excluding|"
    r"sin|sans|ohne|senza|sem|pas|nicht|kein(?:e|en)?)\s+"
    r"((?:[a-z0-9]+)(?:\s*(?:,|or|nor|and|o|ou|oder|e|ni|y)\s*[a-z0-9]+)*)")
_LIST_JOIN = re.compile(r"\s*(?:,|\bor\b|\bnor\b|\band\b|\bo\b|\bou\b|\boder\b|\be\b|\bni\b|\by\b)\s*")

_CURRENCY = r"(?:[$€£]|usd|euros?|eur|gbp|dollars?|pounds?)"
_PRICE_NUMBER = rf"{_CURRENCY}?\s?(\d+(?:[.,]\d{{1,2}})?)\s?{_CURRENCY}?"
_BETWEEN = re.compile(rf"\b(?:between|from|entre|zwischen|tra|fra)\s+{_PRICE_NUMBER}\s*"
                      rf"(?:and|to|-|y|et|und|e|a)\s*{_PRICE_NUMBER}(?!\s?(?:{UNIT})\b)")
_BELOW = re.compile(rf"\b(?:under|below|less than|cheaper than|up to|at most|max(?:imum)?|"
                    rf"no more than|within|menos de|por debajo de|moins de|unter|bis|"
                    rf"meno di|ate|até)\s+{_PRICE_NUMBER}(?!\s?(?:{UNIT})\b)(?![.,]?\d)")
_ABOVE = re.compile(rf"\b(?:over|above|more than|at least|min(?:imum)?|from|mas de|más de|"
                    rf"plus de|uber|über|piu di)\s+({_CURRENCY})\s?(\d+(?:[.,]\d{{1,2}})?)")


# What links the thing wanted to a thing the shopper has: "straps that fit the Apple Watch",
# "a cable to connect my monitor to this GPU: <name>", "RAM compatible with this board".
_RELATION = re.compile(
    r"\b(?:(?:that|which) (?:is |are )?)?(?:compatible with|suitable for|fits?(?: with| in| into)?|"
    r"works? with|(?:for|to|with|on|in|of|like|as) (?=this|my))\s*(?:the|a|an|my|this|your)\b")


# "at least the same capacity as this Y", "the same colour as this Y": Y's, not the head's.
_SAME = re.compile(r"\b(?:at least the same|the same or (?:more|better|higher)|as (?:big|large|"
                   r"fast|good) as)\b")
_SAME_COLOUR = re.compile(r"\b(?:same|matching) colou?rs?\b|\bcolou?rs? (?:that )?match")


@dataclass(frozen=True)
class Understood:
    text: str  # what is left to search by words
    min_price: float | None = None
    max_price: float | None = None
    amounts: tuple[Amount, ...] = ()
    colours: tuple[str, ...] = ()  # wanted, in the catalogue's English
    exclude: tuple[str, ...] = ()  # words a product must not have in its name
    named: str = ""  # the query as a product's name would be written, for exact matches
    cheapest: bool = False  # "the cheapest ...": of equally good matches, the cheaper first
    extreme: tuple[str, str] | None = None  # "the highest read speed": (dimension, max/min)
    head: str = ""  # with a relation ("X that fits this Y"): the words of X, else ""
    context: str = ""  # and the words of Y, the thing the shopper has
    kind: str = ""  # the words naming what the product is ("ssds" of "SSDs with ... speed")

    def summary(self) -> dict:
        """What was read from the query beyond its words (for tools and agents)."""
        data = {"min_price": self.min_price, "max_price": self.max_price,
                "amounts": [f"{a.op} {a.value / 1e6:.2f} megapixels ({a.dimension})"
                            if a.dimension == "resolution" else f"{a.op} {a.value:g} ({a.dimension})"
                            for a in self.amounts],
                "colours": list(self.colours), "exclude": list(self.exclude),
                "extreme": f"{self.extreme[1]} {self.extreme[0]}" if self.extreme else ""}
        return {k: v for k, v in data.items() if v}


_CHEAPEST = re.compile(r"\b(?:cheapest|least expensive|lowest price[ds]?|lowest[- ]priced|"
                       r"mas barat[oa]s?|moins cher|am billigsten|billigste[nr]?|piu economic[oi])\b")


# "The highest read speed", "the largest capacity", "the fastest SSD": the products stating
# the most (or least) of an amount's dimension go up. What each dimension is called.
MEASURES = {
    "throughput": r"(?:(?:data )?(?:read(?:ing)?|write|writing|transfer) )?(?:speeds?|rates?)|"
                  r"throughput|bandwidth",
    "storage": r"(?:storage )?capacity|storage(?: space)?|disc space|disk space|memory|vram",
    "frequency": r"refresh rates?|clock(?: speed)?s?|frequency",
    "resolution": r"resolution",
    "inch": r"screen(?: size)?|display(?: size)?|diagonal",
    "length": r"length|reach",
    "power": r"power|wattage|output",
    "charge": r"battery(?: capacity| life)?",
    "pixels": r"megapixels?|camera resolution",
}
# Not "max", "maximum", "min", "minimum": they bound ("a max length of 2m"), not rank.
_MOST = r"highest|largest|biggest|greatest|most|top|best|longest|fastest|strongest"
_LEAST = r"lowest|smallest|least|shortest|slowest"
_EXTREME = re.compile(rf"\b(?:the )?({_MOST}|{_LEAST})\s+(?:(?:available|possible|total|"
                      r"overall|sequential|achievable)\s+)*(" +
                      "|".join(f"(?P<{d}>{p})" for d, p in MEASURES.items()) + r")\b")
# Superlatives that say their dimension themselves: "the fastest SSD", "the longest cable".
_EXTREME_WORD = re.compile(r"\b(fastest|slowest|longest|shortest)\b")
_WORD_DIMENSION = {"fastest": ("throughput", "max"), "slowest": ("throughput", "min"),
                   "longest": ("length", "max"), "shortest": ("length", "min")}


def _extreme(text: str) -> tuple[str, str] | None:
    if m := _EXTREME.search(text):
        dimension = next(d for d in MEASURES if m[d])
        return dimension, "min" if re.fullmatch(_LEAST, m[1]) else "max"
    if m := _EXTREME_WORD.search(text):
        return _WORD_DIMENSION[m[1]]
    return None


def understand(query: str) -> Understood:
    text = fold(query).replace("''", '"').replace("”", '"').replace("″", '"')
    cheapest = bool(_CHEAPEST.search(text))
    named = re.sub(r"^(?:(?:the|a|an|el|la|los|las|un|una|le|les|der|die|das|ein|eine|il|o)\s)+",
                   "", " ".join(re.findall(r"[a-z0-9]+", _INSTRUCTION.sub(" ", text))))
    low = high = None
    if m := _BETWEEN.search(text):
        low, high = sorted((parse_number(m[1]), parse_number(m[2])))
        text = text.replace(m[0], " ")
    if m := _BELOW.search(text):
        high = parse_number(m[1])
        text = text.replace(m[0], " ")
    if m := _ABOVE.search(text):
        low = parse_number(m[2])
        text = text.replace(m[0], " ")

    # "X that fits this Y": the amounts and colours wanted are X's; Y only matches. A
    # relation found in the instruction itself ("offers for this product: Y") is none.
    head, context = text, ""
    if (m := _RELATION.search(text)) and _INSTRUCTION.sub(" ", text[:m.start()]).strip(" .,:"):
        head, context = text[:m.start()], text[m.end():]
    wanted, head = asked(head)
    if context and _SAME.search(head):
        # "at least the same capacity and speed as this Y": Y's amounts, or more.
        wanted += [Amount(d, "ge", v) for d, v in amounts(context)]
    exclude: list[str] = []
    for m in _NEGATION.finditer(head):
        exclude += [w for w in _LIST_JOIN.split(m[1]) if w]
    head = _INSTRUCTION.sub(" ", _NEGATION.sub(" ", head))
    context = _INSTRUCTION.sub(" ", context)
    colours = re.findall(r"[a-z]+", head)
    if context and _SAME_COLOUR.search(head):
        colours += re.findall(r"[a-z]+", context)
    colours = tuple(dict.fromkeys(COLOURS[w] for w in colours if w in COLOURS))
    if _BRIGHT.search(head):
        colours += tuple(c for c in BRIGHT if c not in colours)
    exclude_words = tuple(dict.fromkeys(COLOURS.get(w, w) for w in exclude))
    text = f"{head} {context}" if context else head
    return Understood(text=" ".join(text.split()), min_price=low, max_price=high,
                      amounts=tuple(wanted), colours=colours, exclude=exclude_words,
                      named=named, cheapest=cheapest, extreme=_extreme(head),
                      head=" ".join(head.split()) if context else "",
                      context=" ".join(context.split()), kind=_kind(head))


# Where the words naming the product end and the ones describing it begin: "SSDs | with
# the highest read speed", "a gaming monitor | which is suitable for e-sports".
_DESCRIBING = re.compile(
    r"[,.;:()]|\b(?:with|without|that|which|who|whose|for|suitable|designed|so|available|"
    r"(?:on|in|at) which|"
    r"across|where|featuring|supporting|having|to (?=connect|use|work|fit|run|play|carry|store|"
    r"keep|back|dump|hold|go|make|get|put|plug|charge|mount|protect|cool|replace|upgrade|build|"
    r"power|take|wear|match))\b")


def _kind(head: str) -> str:
    """The words before the first describing phrase: what the product is."""
    return " ".join(_DESCRIBING.split(head.strip(" ,.;:"), 1)[0].split())


_WORDS = re.compile(r"[a-z0-9]+")


@dataclass
class Fit:
    """How well one product meets what the query asked beyond words (for re-ranking)."""
    met: int = 0
    missed: int = 0
    excluded: bool = False


def fit(understood: Understood, name: str, details: str = "",
        name_words: list[str] | None = None) -> Fit:
    """Compare a product's name (and attribute text) with the query's amounts, colours and
    exclusions. A product that states no amount of a kind neither meets nor misses it."""
    result = Fit()
    if not (understood.amounts or understood.colours or understood.exclude):
        return result
    have = amounts(fold(f"{name} {details}").replace("''", '"')) if understood.amounts else []
    for want in understood.amounts:
        values = [v for d, v in have if d == want.dimension]
        if not values:
            continue
        if any(want.met_by(v) for v in values):
            result.met += 1
        else:
            result.missed += 1
    if not (understood.colours or understood.exclude):
        return result
    name_words = set(name_words if name_words is not None else _WORDS.findall(fold(name)))
    for colour in understood.colours:
        if colour in name_words or colour == "grey" and "gray" in name_words:
            result.met += 1
    result.excluded = any(w in name_words for w in understood.exclude)
    return result
