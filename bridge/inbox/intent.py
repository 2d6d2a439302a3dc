"""Intent and sentiment of a shopper's message, for the inbox and its insights.

``from_tools`` reads the intent off the tools the model called in its own turn (no extra
call); ``classify`` is the offline classifier (word lists, English first, a few words of the
other storefront languages) for everything else and for sentiment; ``label`` combines them.
``wants_person`` is the explicit "let me talk to a person", caught before any provider runs.
"""
from __future__ import annotations

import re

INTENTS = ("product_search", "product_question", "compare", "cart", "order_status", "returns",
           "shipping", "complaint", "person", "small_talk")
SENTIMENTS = ("positive", "neutral", "negative", "frustrated")

# The tool a model called says what the shopper wanted; the strongest first.
_TOOL_INTENTS = (
    ("handoff_to_person", "person"),
    ("order_status", "order_status"),
    ("compare_products", "compare"),
    ("add_to_cart", "cart"), ("update_cart_item", "cart"), ("remove_from_cart", "cart"),
    ("view_cart", "cart"),
    ("get_product_details", "product_question"),
    ("search_products", "product_search"),
)


def _words(*patterns: str) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.IGNORECASE)


_SOMEONE = (r"(?:a|an|some|the)?\s*(?:real\s+|live\s+|human\s+)?(?:person|human|agent|"
            r"some\w{0,3}(?:one|body)|som\w{0,3}one|somenoe|representative|operator|staff|"
            r"manager|people|assistant)")
_PERSON = _words(
    r"(?:talk|speak|speaking|talking|chat|chatting|write|get\s+in\s+touch)\s+(?:to|with)\s+"
    + _SOMEONE, r"contact(?:ing)?\s+" + _SOMEONE,
    r"(?:real|live|actual)\s+(?:person|human|agent)", r"human\s+(?:agent|please|support)",
    r"customer\s*(?:serv\w*|se+rvice|sevrice|supp\w*|assist\w*|care)", r"representative",
    r"operator", r"hablar\s+con\s+(?:una\s+persona|alguien|un\s+agente|un\s+humano)",
    r"(?:servicio|atenci[oó]n)\s+al\s+cliente", r"agente\s+humano",
    r"parler\s+(?:à|a|avec)\s+(?:quelqu'un|une\s+personne|un\s+conseiller|un\s+humain)",
    r"service\s+client", r"conseiller",
    r"mit\s+(?:einem|einer)\s+(?:menschen|mitarbeiter\w*|person)", r"kunden(?:service|dienst)",
    r"falar\s+com\s+(?:uma\s+pessoa|algu[eé]m|um\s+atendente|um\s+humano)",
    r"atendimento\s+ao\s+cliente", r"atendente",
    r"parlare\s+con\s+(?:una\s+persona|qualcuno|un\s+operatore)", r"servizio\s+clienti",
    r"operatore",
    r"(?:التحدث|أتحدث|اتحدث|اكلم|أكلم|التكلم)\s+(?:مع\s+)?(?:شخص|موظف|إنسان|انسان|أحد|احد)",
    r"خدمة\s+العملاء", r"موظف\s+حقيقي")
# A bare word such as "human" asks for a person only when it is (nearly) the whole message.
_PERSON_ALONE = re.compile(r"^\W*(?:human|agent|person|operator|representative|persona|humano|"
                           r"mensch|humain)\W*(?:please|pls|now)?\W*$", re.IGNORECASE)

_RULES = (
    ("returns", _words(r"return(?:s|ing|ed)?", r"refu?n\w*", r"exchange", r"money\s+back",
                       r"\w*imburs\w*", r"restitutions?", r"rebat\w*", r"compensations?",
                       r"my\s+money",
                       r"send\s+(?:it\s+)?back", r"devoluci[oó]n", r"reembolso", r"remboursement",
                       r"rückgabe", r"rimborso")),
    ("order_status", _words(r"where\s+is\s+my\s+(?:order|package|parcel)", r"order\s+status",
                            r"track(?:ing)?(?:\s+(?:number|my|order))?", r"my\s+order",
                            r"order\s*#?\s*\d+", r"hasn'?t\s+(?:arrived|shipped)",
                            r"status\s+of\s+(?:my\s+|the\s+)?(?:order|purchase)",
                            r"(?:order|purchase)\s+(?:#?\d+\s+)?(?:current\s+)?status",
                            r"locate\s+(?:my\s+|the\s+)?(?:order|purchase)", r"ETA",
                            r"estimated\s+time\s+of\s+arrival", r"purchase\s+#?\d{5,}",
                            r"not\s+(?:arrived|delivered)", r"mi\s+pedido", r"ma\s+commande",
                            r"meine\s+bestellung")),
    ("shipping", _words(r"ship(?:ping|ped|s|ment|ments)?", r"deliver\w*", r"postage", r"courier",
                        r"(?:when|how\s+long).{0,50}\barriv\w*", r"how\s+soon\s+can\s+i\s+expect",
                        r"o+rder\s+from", r"deli\w*\s+to", r"ship\w*\s+to",
                        r"how\s+long\s+(?:does|will)\s+(?:it|delivery)\s+take", r"env[ií]o",
                        r"livraison", r"versand", r"spedizione", r"entrega")),
    ("complaint", _words(r"complain(?:t|ts|ing)?", r"(?:fil|lodg|mak|submit)\w*\s+(?:an?\s+)?"
                         r"(?:\w+\s+){0,3}(?:claim|reclamation)", r"(?:consumer|customer)\s*claim",
                         r"reclamation", r"broken", r"damaged", r"defective",
                         r"wrong\s+(?:size|item|product)",
                         r"terrible", r"awful", r"worst", r"unacceptable", r"scam", r"rip\s*-?off",
                         r"disappointed", r"never\s+again", r"queja", r"plainte", r"beschwerde")),
    ("compare", _words(r"compare", r"comparison", r"versus", r"vs\.?", r"difference\s+between",
                       r"which\s+(?:one\s+)?is\s+better", r"comparar", r"comparer", r"vergleich")),
    ("cart", _words(r"cart", r"basket", r"add\s+(?:it|this|that|them|one|two|\d+)",
                    r"remove", r"checkout", r"check\s+out", r"carrito", r"panier", r"warenkorb",
                    r"carrello")),
    ("product_question", _words(r"(?:is|are)\s+(?:it|this|that|they)\s+\w+",
                                r"does\s+(?:it|this|that)",
                                r"what\s+(?:size|sizes|colou?rs?|material)", r"made\s+of",
                                r"in\s+stock", r"available\s+in", r"reviews?", r"rating",
                                r"tell\s+me\s+(?:more\s+)?about", r"details?", r"how\s+much\s+is")),
    ("product_search", _words(r"looking\s+for", r"show\s+me", r"do\s+you\s+(?:have|sell)",
                              r"i\s+(?:need|want)", r"search", r"find", r"under\s+\$?\d+",
                              r"between\s+\$?\d+", r"cheap(?:est)?", r"busco", r"je\s+cherche",
                              r"ich\s+suche", r"cerco", r"procuro")),
    ("small_talk", _words(r"h(?:i|ello|ey)", r"good\s+(?:morning|afternoon|evening)", r"thanks?",
                          r"thank\s+you", r"bye", r"how\s+are\s+you", r"hola", r"bonjour",
                          r"hallo", r"ciao", r"ol[aá]", r"gracias", r"merci", r"danke", r"grazie",
                          r"obrigad[oa]")),
)

_FRUSTRATED = _words(r"ridiculous", r"unacceptable", r"useless", r"still\s+(?:waiting|nothing|no)",
                     r"how\s+many\s+times", r"fed\s+up", r"sick\s+of", r"waste\s+of",
                     r"scam", r"rip\s*-?off", r"wtf", r"seriously\??", r"worst", r"never\s+again",
                     r"nobody\s+(?:answers|replies|helps)", r"furious", r"angry")
_NEGATIVE = _words(r"bad", r"broken", r"damaged", r"defective", r"wrong", r"disappointed",
                   r"disappointing", r"not\s+happy", r"unhappy", r"poor", r"terrible", r"awful",
                   r"hate", r"late", r"problem", r"issue", r"doesn'?t\s+work", r"complain(?:t)?",
                   r"malo", r"mauvais", r"schlecht", r"problema")
_POSITIVE = _words(r"thanks?", r"thank\s+you", r"great", r"perfect", r"awesome", r"love",
                   r"excellent", r"amazing", r"nice", r"helpful", r"good", r"cool", r"wonderful",
                   r"gracias", r"merci", r"danke", r"grazie", r"obrigad[oa]", r"genial", r"super")
_NEGATED_POSITIVE = _words(r"not\s+(?:good|great|nice|helpful|happy)", r"no\s+good")


def wants_person(text: str) -> bool:
    """An explicit request for a person ("can I talk to a human?", "customer service", "human")."""
    return bool(_PERSON.search(text) or _PERSON_ALONE.match(text))


def classify(text: str) -> tuple[str, str]:
    """(intent, sentiment) of a message by the offline classifier; product_search when the
    message names nothing the rules know (most shoppers' messages name what they want)."""
    return _intent(text), sentiment(text)


def _intent(text: str) -> str:
    if wants_person(text):
        return "person"
    for intent, pattern in _RULES:
        if pattern.search(text):
            return intent
    return "product_search"


def sentiment(text: str) -> str:
    shouted = len(re.findall(r"[A-Z]{4,}", text)) >= 2 or text.count("!") >= 3
    if _FRUSTRATED.search(text) or (shouted and _NEGATIVE.search(text)):
        return "frustrated"
    if _NEGATIVE.search(text) or _NEGATED_POSITIVE.search(text):
        return "negative"
    if _POSITIVE.search(text):
        return "positive"
    return "neutral"


# Intents only the shopper's words carry: a tool call doesn't override them.
_SERVICE = ("person", "order_status", "returns", "shipping", "complaint")


def from_tools(names: list[str]) -> str | None:
    """The intent the model's own tool calls show, strongest first; None without a call."""
    called = set(names)
    return next((intent for tool, intent in _TOOL_INTENTS if tool in called), None)


def label(text: str, tool_names: list[str]) -> tuple[str, str]:
    """(intent, sentiment) of a shopper message: the service intents its words name, else the
    intent of the tools the model called, else the classifier's."""
    intent, mood = classify(text)
    if intent in _SERVICE:
        return intent, mood
    return from_tools(tool_names) or intent, mood
