"""The offline assistant's dialogue state, read from the conversation itself.

With a ``conversation_ref`` the agent recalls what was shown (``ctx.shown``/``focus``/
``seen``). A client that sends only the ``messages`` array (the contract's stateless form)
loses that memory, so the same facts are read back from the assistant's earlier messages:
products are named in bold (``**Name**``), in the order shown. The last question the
assistant asked (an offer to show, add or tell more) and the latest budget the shopper
stated are read from the messages either way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...catalog.text import fold
from ..turn import Turn
from . import loose, parse
from .lexicon import to_english
from .phrases import TABLES

BOLD = re.compile(r"\*\*(.+?)\*\*")
# The kind of offer a question makes, by its words in any supported language.
OFFER_KINDS = (
    ("add", re.compile(r"cart|basket|panier|warenkorb|carrello|carrinho|carrito|cesta|السلة|"
                       r"\badd\b|ajout|aggiung|adicion|añad|anad|legen|أضيف|اضيف", re.I)),
    ("more", re.compile(r"know more|more about|tell you more|en savoir plus|mehr wissen|"
                        r"mehr dar[uü]ber|mehr dazu|mehr erfahren|saber m[aá]s|saperne di pi[uù]|"
                        r"saperne|en savoir|mais sobre|detail|المزيد", re.I)),
    ("show", re.compile(r"\bsee\b|\bshow\b|narrow|muestre|mostrar|montre|voir|zeige|sehen|"
                        r"anschauen|mostr|\bver\b|verl[oa]s|mirar|veder|أعرض|اعرض|عرض|"
                        r"suggest|recommend|ense[nñ]|suger|recomend|propos|vorschlag|empfehl|"
                        r"consigli|أقترح|اقترح|look for|find (?:you|some|other)|search|pull up|"
                        r"bring up|\bbus(?:c|qu)|cherch|\bsuch(?:e|en)\b|procur|\bcerc|ابحث",
                        re.I)),
)
# An offer of a person, in another's words ("Shall I connect you with our team?"): a
# question that names someone at the store.
PERSON_OFFER = re.compile(
    r"\b(person|human|someone|somebody|colleague|team|agent|staff|persona|alguien|equipo|"
    r"personne|quelqu'un|equipe|mitarbeiter|mensch|jemand|pessoa|alguem|equipa|atendente|"
    r"qualcuno|operatore|conseill\w*|berater\w*|kundenservice|kundendienst|support|"
    r"customer service|service client|atendimento|assistenza|servizio clienti|agente|"
    r"consulente)\b|موظف|شخص|فريق|خدمة العملاء", re.I)
# Another's offer of products like one shown ("Want to see similar beanies?").
SIMILAR = re.compile(
    r"\b(similar|alternatives?|other|others|else|instead|like it|like this|parecid\w*|"
    r"similares?|otr[oa]s|similaires?|autres?|ahnlich\w*|andere\w*|simil[ei]|altr[ei]|"
    r"outr[oa]s)\b|مشابه|بديل|أخرى|اخرى", re.I)
SALE = re.compile(r"\bsale\b|on sale|promo|rebaj|oferta|solde|angebot|reduziert|saldo|"
                  r"sconto|تخفيض", re.I)
COLOURS = ("black", "white", "grey", "gray", "navy", "red", "blue", "green", "brown", "cream",
           "beige", "olive", "pink", "yellow")


def _own(key: str) -> tuple[str, ...]:
    """One of the assistant's own sentences in every language, folded, its fields cut off:
    what the assistant asked is recognised when the history comes back."""
    found = []
    for table in TABLES.values():
        text = fold(table.get(key, ""))
        found += [part.strip(" .:*") for part in re.split(r"\{[a-z_]+\}", text)
                  if len(part.strip(" .:*")) >= 16]
    return tuple(dict.fromkeys(found))


# The assistant's own offer of a person (``offer_person``) and its own question about a
# product's options (``choose_option``), as it says them in each language.
OWN_PERSON_OFFER = _own("offer_person") + _own("ask_person") + _own("problem")
OWN_CHOICE = _own("choose_option")


@dataclass
class Offer:
    kind: str  # add | more | show | person (a person from the store) | choose (options)
    on_sale: bool = False
    words: list[str] = field(default_factory=list)  # a narrowing the offer named ("black")
    query: str = ""  # what the shopper had asked for when the offer was made
    question: str = ""  # the question itself ("Shall I add the M in black?")
    message: str = ""  # the whole message, product names taken out ("We have rain jackets.")
    similar: bool = False  # it offers others like the products the message named
    named: list[str] = field(default_factory=list)  # the products the message named, in bold
    said: str = ""  # the message as it was written (another assistant's names may be plain)


def offered_others_than(index, offer: Offer) -> frozenset[int]:
    """The products an offer of "similar ones" is about (in bold, or named plainly in
    another assistant's words), which the shopper's yes asks to see others than."""
    if not offer.similar:
        return frozenset()
    ids = [i for i in (_product_id(index, name) for name in offer.named) if i]
    if not ids and offer.said:
        ids = _named_in(index, offer.said, _catalogue_names(index))[0]
    return frozenset(ids)


@dataclass
class State:
    offer: Offer | None = None
    budget: parse.Budget = parse.Budget()


def read(turn: Turn, lang: str = "en") -> State:
    """The state this turn starts from; fills the turn's memory from the messages when the
    conversation's own memory is empty."""
    messages = turn.messages[:-1]
    ctx = turn.ctx
    if not ctx.shown and ctx.focus is None:
        _recall_from(turn, messages)
    state = State()
    for message in reversed(messages):
        if message.get("role") == "user":
            found, _ = parse.budget(to_english(str(message.get("content", "")), lang))
            if found:
                state.budget = found
                break
    last = messages[-1] if messages and messages[-1].get("role") == "assistant" else None
    if last:
        state.offer = _offer(str(last.get("content", "")), messages)
    return state


def _recall_from(turn: Turn, messages: list[dict]) -> None:
    index, ctx = turn.ctx.index, turn.ctx
    seen: list[int] = []
    newest: list[int] | None = None
    listed: list[int] | None = None
    names = None
    for message in reversed(messages):
        if message.get("role") != "assistant":
            continue
        text = str(message.get("content", ""))
        if names is None and not BOLD.search(text):
            names = _catalogue_names(index)  # another assistant's wording: names unmarked
        ids, lines = _named_in(index, text, names or {})
        if ids and newest is None:
            newest = ids
        if len(lines) > 1 and listed is None:
            listed = lines  # "the third" counts in the list's lines, not in the sentences
        elif len(ids) > 1 and listed is None and not any(LIST_LINE.match(x)
                                                         for x in text.splitlines()):
            listed = ids
        seen += [i for i in ids if i not in seen]
    if newest:
        ctx.shown = listed or newest
        ctx.focus = newest[0] if len(newest) == 1 else None
    ctx.seen = seen


LIST_LINE = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•])\s+")
PRICED = re.compile(r"[$€£]\s?\d|\d[.,]\d\d")


def _named_in(index, text: str, names: dict[str, int]) -> tuple[list[int], list[int]]:
    """The products a message names, in the order it names them, and those that start a
    list line ("1. **Name**", "- Name ($22.00)", "2. [Name](url)"), in the list's order.
    Our own messages set names in bold; another assistant's (Claude's) may not."""
    found: list[tuple[int, int, int]] = []  # (start, end, id)
    for match in BOLD.finditer(text):
        pid = _product_id(index, match.group(1))
        if pid:
            found.append((match.start(), match.end(), pid))
    lowered = fold(text)
    for name, pid in sorted(((n, i) for n, i in names.items() if n in lowered),
                            key=lambda pair: -len(pair[0])):
        for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", lowered):
            if not any(a < match.end() and match.start() < b for a, b, _ in found):
                found.append((match.start(), match.end(), pid))
    found.sort()
    ids = list(dict.fromkeys(pid for *_, pid in found))
    lines: list[int] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        head = LIST_LINE.match(line)
        if head:
            first = next((pid for a, _, pid in found if offset <= a < offset + len(line)), None)
            if first is None and names and PRICED.search(line):
                # "1. Ribbed Knit — $22.00": a name shortened, on a line that prices it
                short = loose.named(index, re.split(r"[—–:(]| - |\$|€|£", line[head.end():])[0])
                first = short.ids[0] if short and short.unique else None
                if first and first not in ids:
                    ids.append(first)
            if first and first not in lines:
                lines.append(first)
        offset += len(line)
    return ids, lines


def _catalogue_names(index) -> dict[str, int]:
    """Every product name the shop may show, folded, to its id."""
    return loose.full_names(index)  # read once per catalogue version


def _product_id(index, name: str) -> int | None:
    """The product a bold name stands for: "Classic Pullover Hoodie (M / Black)" too."""
    name = name.strip()
    return index.id_by_name(name) or index.id_by_name(re.sub(r"\s*\([^)]*\)$", "", name))


def _offer(text: str, messages: list[dict]) -> Offer | None:
    asked = next((str(m.get("content", "")) for m in reversed(messages)
                  if m.get("role") == "user"), "")
    folded = fold(text)
    named = BOLD.findall(text)
    if any(own in folded for own in OWN_PERSON_OFFER):
        return Offer("person", question=text, query=asked)
    if any(own in folded for own in OWN_CHOICE):
        return Offer("choose", question=text, query=asked, named=named)
    questions = re.findall(r"[^.!?\n]*[?؟]", text)
    if not questions:
        return None
    question = questions[-1]
    lowered = fold(question)
    words = [c for c in COLOURS if re.search(rf"\b{c}\b", lowered)]
    if PERSON_OFFER.search(BOLD.sub(" ", question)) and not any(
            pattern.search(question) for _, pattern in OFFER_KINDS):
        return Offer("person", question=question, query=asked)
    # The question's own words decide; else the whole message's ("I can show you our
    # caps. Do you want only the ones on sale?" offers to show).
    for scope in (question, text):
        for kind, pattern in OFFER_KINDS:
            if pattern.search(scope):
                return Offer(kind, bool(SALE.search(question)), words, asked, question,
                             BOLD.sub(" ", text),
                             bool(SIMILAR.search(fold(BOLD.sub(" ", question)))), named, text)
    return None
