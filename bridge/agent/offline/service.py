"""Questions beyond shopping, answered from the merchant's own words: returns, shipping to a
country, delivery times, payment methods, contact. The store's text is quoted verbatim;
only the framing sentence is the assistant's. When the store said nothing, it says so and
offers a person."""
from __future__ import annotations

import re
from typing import Iterator

from ...catalog.text import distance, fold
from ..events import Event
from .talk import Talk

TOPICS = (
    ("contact", re.compile(r"\b(contact|e-?mail|phone(?! cases?)|telephone|call you|reach "
                           r"you|get in touch|whatsapp number)\b", re.I)),
    ("payment", re.compile(r"\b(pay|paying|payment|paypal|apple pay|google pay|visa|"
                           r"mastercard|amex|american express|credit cards?|debit cards?|"
                           r"instal?l?ments?|cash on delivery|klarna|afterpay|bitcoins?|"
                           r"crypto\w*|pix|venmo|zelle|bizum|ideal|alipay|cheques?)\b", re.I)),
    ("returns", re.compile(r"\b(return|returns|returning|refunds?|send (it|them|this|that|"
                           r"something)? ?back|exchanges?|money back|sale item|"
                           # "swap it for another size": an exchange, whatever it's called
                           r"(?:swap|change|switch) (?:it|them|this|that|the \w+) for (?:an?other|"
                           r"a different|a (?:bigger|smaller|larger)) size)\b", re.I)),
    # Something went wrong with what arrived: a person sorts it out.
    ("problem", re.compile(r"\b(damaged|broken|defective|faulty|torn|ripped|stained|"
                           r"wrong (?:size|item|colou?r|product|order)|"
                           r"(?:size|item|colou?r|product|order) (?:is |was |are )?wrong|"
                           r"missing (?:item|piece|part)|(?:has|with|came with) a hole|"
                           r"arrived (?:damaged|broken|wet|open)|doesn'?t work|fell apart|"
                           r"falling apart)\b", re.I)),
    ("delivery", re.compile(r"\b(how long|when will|arrive|leave your warehouse|leaves? the "
                            r"warehouse|dispatch|delivery times?|take to get|get there|"
                            r"how (?:many|much) days)\b", re.I)),
    ("other", re.compile(r"\b(opening hours|open on|are you open|business hours|your "
                         r"address|where are you (?:located|based)|physical (?:store|shop)|"
                         r"pick ?up|collect in store|gift wrap\w*|warranty|guarantee|size "
                         r"(?:guide|chart)|price match|gift cards?|gift vouchers?|vouchers?|"
                         r"gift wrapping|engrav\w*|monogram\w*|personali[sz]\w*|loyalty|rewards? (?:program|scheme|points)|"
                         r"student discount|military discount|physical store|in person|"
                         r"(?:store|shop) (?:i|we) can (?:visit|go to)|showroom|visit (?:your|the) "
                         r"(?:store|shop)|"
                         r"try (?:it|them|things) on)\b", re.I)),
    ("shipping", re.compile(r"\b(ship|ships|shipping|deliver|delivery|postage|send to|"
                            r"shipping cost|internationally|abroad|overseas)\b|"
                            r"\b(send|post|mail)\b.{0,25}\bto\b", re.I)),
    ("payment", re.compile(r"\b(?:do|does) (?:you|the store) (?:accept|take)\b|^\W*accept\b",
                           re.I)),  # "do you accept bitcoin?" when nothing above named it
)
COUNTRIES = {
    "United States": "united states|usa|u\\.s\\.a?|\\bus\\b|america|estados unidos|etats unis|"
                     "vereinigte staaten|stati uniti|eua",
    "Canada": "canada|kanada", "United Kingdom": "united kingdom|\\buk\\b|britain|england|"
                                                 "reino unido|royaume uni|grossbritannien|"
                                                 "regno unito",
    "Ireland": "ireland|irlanda|irlande|irland", "Germany": "germany|alemania|allemagne|"
                                                            "deutschland|germania|alemanha",
    "France": "france|francia|frankreich|franca", "Spain": "spain|espana|espagne|spanien|"
                                                           "spagna|espanha",
    "Portugal": "portugal|portogallo", "Italy": "italy|italia|italie|italien",
    "Netherlands": "netherlands|holland|paises bajos|pays bas|niederlande|paesi bassi",
    "Belgium": "belgium|belgica|belgique|belgien|belgio", "Austria": "austria|autriche|"
                                                                     "osterreich",
    "Switzerland": "switzerland|suiza|suisse|schweiz|svizzera|suica",
    "Brazil": "brazil|brasil|bresil|brasilien|brasile", "Mexico": "mexico|mexique|messico",
    "Australia": "australia|australie|australien", "Japan": "japan|japon|giappone|japao",
    "Saudi Arabia": "saudi arabia|saudi|arabie saoudite|arabia saudita|saudi-arabien",
    "United Arab Emirates": "united arab emirates|uae|emirates|emirats", "Egypt": "egypt",
    "India": "india|inde|indien", "China": "china|chine|cina", "Argentina": "argentina",
    "Chile": "chile", "Colombia": "colombia", "Poland": "poland|polonia|pologne|polen|polska",
    "Sweden": "sweden|suecia|suede|schweden|svezia", "Norway": "norway|noruega|norvege",
    "Denmark": "denmark|dinamarca|danemark|danemark|danimarca",
    "Finland": "finland|finlandia|finlande|finnland", "Greece": "greece|grecia|grece|"
                                                                  "griechenland",
    "Iraq": "iraq|irak", "Algeria": "algeria|argelia|algerie|algerien", "Tunisia": "tunisia|"
                                                                         "tunez|tunisie|"
                                                                         "tunesien",
    "Turkey": "turkey|turquia|turquie|turkei|tuerkei",
    "New Zealand": "new zealand|nueva zelanda|nouvelle zelande|neuseeland|nuova zelanda",
    "Singapore": "singapore|singapur|singapour", "South Africa": "south africa|sudafrica|"
                                                                 "afrique du sud|sudafrika",
    "South Korea": "south korea|korea|corea del sur|coree du sud|sudkorea|corea",
    "Russia": "russia|rusia|russie|russland", "Peru": "peru|perou",
    "Kuwait": "kuwait|koweit", "Qatar": "qatar|katar", "Bahrain": "bahrain|bahrein",
    "Oman": "oman", "Jordan": "jordan|jordania|jordanie|jordanien|giordania",
    "Morocco": "morocco|marruecos|maroc|marokko|marocco|marrocos",
    "Lebanon": "lebanon|libano|liban", "Nigeria": "nigeria",
}
# Cities shoppers name instead of their country ("shipping to Toronto").
CITIES = {
    "United Kingdom": "london|londres|londra|manchester|birmingham|edinburgh|glasgow",
    "Canada": "toronto|vancouver|montreal|ottawa|calgary", "Ireland": "dublin",
    "United States": "new york|nyc|los angeles|chicago|san francisco|miami|boston|seattle|"
                     "houston|texas|california|florida",
    "France": "paris|lyon|marseille", "Germany": "berlin|munich|munchen|hamburg|frankfurt",
    "Spain": "madrid|barcelona|valencia|sevilla", "Italy": "rome|roma|milan|milano|napoli",
    "Portugal": "lisbon|lisboa|porto", "Netherlands": "amsterdam|rotterdam",
    "Belgium": "brussels|bruxelles|brussel|antwerp", "Australia": "sydney|melbourne",
    "United Arab Emirates": "dubai|abu dhabi", "Saudi Arabia": "riyadh|jeddah|riad",
    "Egypt": "cairo|el cairo|le caire", "Brazil": "sao paulo|rio de janeiro",
    "Japan": "tokyo", "Mexico": "mexico city|ciudad de mexico|guadalajara",
}
METHODS = {
    "PayPal": "paypal", "Apple Pay": "apple pay", "Google Pay": "google pay",
    "Visa": "visa", "Mastercard": "mastercard|master card", "American Express":
    "american express|amex", "cash on delivery": "cash on delivery|contra reembolso|"
                                                 "contrassegno|nachnahme",
    "instalments": "instal?l?ments?|payment in instalments|in raten|a plazos|cuotas|"
                   "parcelado|a rate|en plusieurs fois", "Klarna": "klarna",
    "bank transfer": "bank transfer|transferencia|virement|uberweisung|bonifico",
    "Bitcoin": "bitcoins?|btc|crypto\\w*", "Pix": "pix", "Venmo": "venmo", "Zelle": "zelle",
    "Bizum": "bizum", "iDEAL": "ideal", "Alipay": "alipay", "cheque": "cheques?",
}
NEGATIVE = re.compile(r"\b(don'?t|do not|doesn'?t|does not|not|no|never|cannot|can'?t)\b",
                      re.I)


# The words service questions turn on, so a typo of one ("retrun policy", "shiping to
# canada") still asks that question.
SERVICE_WORDS = ("return", "returns", "refund", "refunds", "shipping", "ship", "deliver",
                 "delivery", "payment", "payments", "exchange", "contact", "postage",
                 "warranty", "international", "instalments")


def repaired(text: str, known: frozenset[str] = frozenset()) -> str:
    """The message with each near miss of a service word (one typo, same first letter, five
    letters or more, not a word the catalogue uses) read as that word."""
    def fix(m: re.Match) -> str:
        word = m.group(0).lower()
        if len(word) < 5 or word in SERVICE_WORDS or word in known:
            return m.group(0)
        for right in SERVICE_WORDS:
            if right[0] == word[0] and abs(len(right) - len(word)) <= 1 and \
                    distance(word, right) == 1:
                return right
        return m.group(0)
    return re.sub(r"[A-Za-z]+", fix, text)


def mentions_place(text: str) -> bool:
    return _country(fold(text)) is not None


def topic(text: str) -> str | None:
    for name, pattern in TOPICS:
        if pattern.search(text):
            return name
    return None


POLICY_TOPICS = ("returns", "payment", "shipping", "delivery")


def also_asked(text: str, kind: str) -> list[str]:
    """The other policy topics one message asks about beside ``kind``, in table order."""
    found = [name for name, pattern in TOPICS if name in POLICY_TOPICS and pattern.search(text)]
    return [name for name in dict.fromkeys(found) if name != kind
            and not (kind in ("shipping", "delivery") and name in ("shipping", "delivery"))]


def answer(talk: Talk, kind: str) -> Iterator[Event]:
    policies = talk.ctx.policies
    if kind == "contact":
        if policies.contact:
            yield from talk.say(talk.t("contact_is", contact=policies.contact))
        else:
            yield from talk.say(talk.t("policy_silent", topic=talk.t("topic_contact")))
        return
    if kind == "problem":
        contact = talk.t("contact_is", contact=policies.contact) if policies.contact else ""
        yield from talk.say(talk.t("problem"), contact)
        return
    if kind == "other":
        found = dict(TOPICS)["other"].search(talk.text)
        yield from _other(talk, found.group(0) if found else "")
        return
    lines = policies.about(kind)
    if kind in ("shipping", "delivery"):
        # Where it goes and how long it takes are read together ("do you ship to Canada?"
        # is followed by "how long would it take?").
        lines = list(dict.fromkeys(policies.about("shipping") + policies.about("delivery")))
    if not lines:
        silent = talk.t("policy_silent", topic=talk.t(f"topic_{kind}"))
        contact = talk.t("contact_is", contact=policies.contact) if policies.contact else ""
        yield from talk.say(silent, contact)
        return
    for other in also_asked(talk.text, kind):
        # "do you take paypal and how long does delivery take?": each question answered
        lines = list(dict.fromkeys(lines + policies.about(other)))
    lead = ""
    words = fold(talk.raw) + " " + fold(talk.text)
    if kind == "shipping":
        country = _country(words)
        if country:
            listed = _country(fold(" ".join(lines)), only=country)
            lead = talk.t("ship_yes" if listed else "ship_no", country=country)
    if kind == "payment":
        method = _method(words)
        if method:
            lead = _method_answer(talk, method, lines)
    yield from talk.say(lead, talk.t("policy_intro"), *lines)


def _country(text: str, only: str | None = None) -> str | None:
    for table in (COUNTRIES, CITIES) if only is None else (COUNTRIES,):
        for name, aliases in table.items():
            if only and name != only:
                continue
            if re.search(rf"(?<!\w)(?:{aliases})(?!\w)", text, re.I):
                return name
    return None


def _method(text: str) -> str | None:
    for name, aliases in METHODS.items():
        if re.search(rf"(?<!\w)(?:{aliases})(?!\w)", text, re.I):
            return name
    return None


def _method_answer(talk: Talk, method: str, lines: list[str]) -> str:
    aliases = METHODS[method]
    for sentence in re.split(r"(?<=[.!?])\s+", " ".join(lines)):
        if re.search(rf"(?<!\w)(?:{aliases})(?!\w)", fold(sentence), re.I):
            negative = NEGATIVE.search(sentence)
            return talk.t("pay_no" if negative else "pay_yes", method=method)
    return talk.t("pay_unlisted", method=method) + " " + _person(talk)


def _person(talk: Talk) -> str:
    """What the store didn't say, a person can: its contact, else the offer of one."""
    contact = talk.ctx.policies.contact
    return talk.t("contact_is", contact=contact) if contact else talk.t("ask_person")


def _other(talk: Talk, asked: str) -> Iterator[Event]:
    """A question the policies may answer in passing (opening hours, warranty): the lines
    that mention it, else that the store hasn't said, and a person."""
    policies = talk.ctx.policies
    # Every word of what was asked, as a word of the line ("gift card" is not "Mastercard")
    keys = [w.rstrip("s") for w in re.findall(r"[a-z]{3,}", asked.lower())
            if w not in ("your", "the", "are", "you", "them", "things")]
    lines = [line for line in (f"{t}: {b}" if t else b for t, b in policies.sections())
             if keys and all(re.search(rf"\b{k}s?\b", line, re.I) for k in keys)]
    if lines:
        yield from talk.say(talk.t("policy_intro"), *lines)
        return
    contact = talk.t("contact_is", contact=policies.contact) if policies.contact else ""
    yield from talk.say(talk.t("policy_silent", topic=talk.t("topic_other")), contact)
