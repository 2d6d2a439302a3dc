"""The offline planner: deterministic answers over the same tools a model would use.

``Planner.answer`` reads the shopper's last message in their language (``talk``: the
words, the language, the dialogue state), picks an intent and words the answer from tool
results only, in that language. Intents: greetings, a person, replies to the assistant's
own offer, service questions (``service``), orders, the cart (``cart``), comparisons,
picks among what was shown and searches (``catalogue``), one product (``product``).
"""
from __future__ import annotations

import re
from typing import Iterator

from ...catalog.text import fold, query_terms
from ..events import Event
from ..turn import Turn
from . import (cart, catalogue, compare, dialogue, more, needs, orders, parse, person, product,
               say, service, targets)
from .language import detect
from .lexicon import to_english
from .talk import Talk

PEOPLE = (r"(person|human|someone|somebody|agent|representative|staff|people|operator|"
          r"advisor|manager|supervisor|owner|employee)")
PERSON = re.compile(
    rf"\b(talk|speak|chat|get|connect|put|transfer|contact|reach)\b.{{0,30}}\b{PEOPLE}\b|"
    rf"\b{PEOPLE}\b.{{0,25}}\b(talk|speak|chat)\b|"
    r"\b(talk|speak|chat|connect|transfer|put)\b.{0,20}\b(support|team|anyone|anybody)\b|"
    r"\b(someone|somebody|anyone|anybody|a person|a human)\b.{0,15}\b(help|assist)|"
    # "have a quick word with one of your staff": a word with someone is a talk with them
    rf"\bword with\b.{{0,25}}\b({PEOPLE}|team)\b|"
    r"\b(anyone|anybody)\b.{0,20}\b(talk|speak|chat)\b|\b(real person|a human(?!-)|human being|"
    r"(real|actual|live) (human|person|people|agent)|customer (service|support|care)|"
    r"live (agent|chat|person)|representative)\b|"
    # one word, or nearly ("human", "OPERATOR", "agent pls", "i want a person")
    r"^\W*(i want |i need |get me |give me |can i have )?(an? |the )?(real |actual )?"
    r"(agent|human|person|operator|representative|associate|someone)\W*(please|pls|plz|now)?"
    r"\W*$",
    re.I)
# Yes and no as typed in a hurry too ("yse pls", "okey", "ya sure", "nvm").
LEAD = r"^\W*(?:(?:actually|hmm+|um+|uh+|well|oh|ah|erm)\b\W*)?"  # "hmm, yes"
YES = re.compile(LEAD + r"(y(?=\W*$)|yes+|yse|yeah?|yah|ya|yep|yup|yas|sure+|shure|suer|ok|okay|okey|okie|oki|"
                 r"k|kk|alright|all right|please|pls|plz|go on|go ahead|go for it|why not|sounds "
                 r"good|of course|definitely|absolutely|i'?d like that|do it|do that|please do|"
                 r"great|let'?s see|let'?s do it|"
                 # "quero", "quiero", "je veux bien": a wish that answers the question asked
                 r"i (?:want|would like|'?d like)(?: (?:it|that|them|one|to|please))?(?=\W*$))\b",
                 re.I)
NO = re.compile(LEAD + r"(no+|nope|nop|naw|nah+|not now|not really|no thanks|maybe later|i'?m good|"
                r"never ?mind|nvm|no need|not interested|i'?ll pass)\b", re.I)
# What a yes or no is padded with ("no thanks, not now"): no request of its own.
FILLER = re.compile(r"\b(no|nope|nah|not now|not really|thanks|thank you|thx|thanx|ty|i'?m good|"
                    r"please|pls|plz|yes|"
                    r"ok|maybe later|for now|right now|just|looking|browsing|never ?mind|nvm|"
                    r"sure|then|actually|after all|i'?ll|look around|thanks anyway)\b", re.I)
# "The cheaper of those": a pick among what was shown, not a counter-request.
AMONG = re.compile(r"\b(of (those|these|them|the two)|which|between|both)\b", re.I)
# A counter-request to an offer: the same kind, cheaper ("no, something cheaper").
CHEAPER = re.compile(r"\b(cheaper|cheapest|less expensive|more affordable|lower price|too "
                     r"(expensive|pricey|much))\b", re.I)
FOLLOW_UP = re.compile(r"^\W*(and |ok,? |so |then )?(what|how) about\b|^\W*and (the )?\w",
                       re.I)
QUESTION = re.compile(r"\?\s*$|^\W*(do|does|is|are|have|has|can|could|any)\b", re.I)
OF_THOSE = re.compile(r"\b(of those|of these|of them|of the two|of the first|of the last|"
                      r"which one|which of|between (them|those)|the two|both|ones?|among|"
                      r"(first|last|top) (two|three|2|3)|(two|three|2|3) (first|last))\b", re.I)
# "The most expensive one you have": the store's whole kind, not the cards shown.
STORE_WIDE = re.compile(r"\b(you (have|got|sell|carry|stock)|you'?ve got|in (the|your) "
                        r"(store|shop)|of all|overall|on the site)\b", re.I)
# "Gimme the first one", "I want 3 of those": a choice of what was shown, said as a wish.
GIVE = re.compile(r"\b(gimme|give me|lemme get|let me get|let me have|can i get|can i have|"
                  r"i'?ll get|i'?ll grab|i want|i'?d like|i need)\b", re.I)
# "Three of them please": a count of the product in focus, no verb.
COUNT_OF = re.compile(r"^\W*(\d{1,2}|one|two|three|four|five|six|a couple) (of (them|those|these|"
                      r"'?em|it)|please|pls)\b", re.I)
# A wish asked as a question ("can I get 2 of those?"); "¿la tienen en stock?" reads as
# "i want ... ?" and asks, so other questions don't add.
ASKS_FOR = re.compile(r"^\W*(can|could|may) (i|we) (get|have|grab|take)\b", re.I)
# "The first one in the cart please": no verb, the cart as the destination.
TO_CART = re.compile(r"\b(to|in|into) (the |my |your )?(cart|basket|bag)\b", re.I)
SIMILAR = re.compile(r"\b(like (it|this|that|this one|that one)|similar|alternatives?|"
                     r"anything else|something else|what else)\b", re.I)
ORDINAL_OR_RANK = re.compile(r"\b(first|second|third|fourth|fifth|last|cheapest|"
                             r"cheaper|most expensive|priciest|most pricey)\b", re.I)


class Planner:
    """One turn's answer without a model: ``answer()`` yields its events."""

    def __init__(self, turn: Turn):
        self.turn = turn
        self.talk = Talk.of(turn)
        self.ctx = turn.ctx

    def answer(self) -> Iterator[Event]:
        talk, text = self.talk, self.talk.text
        store = self.ctx.store.name
        if parse.GREETING.match(text) and not query_terms(parse.drop_greeting(text)) \
                or re.fullmatch(r"\W*hello\W*", text):
            return talk.say(talk.t("greet", store=store))
        if PERSON.search(text):
            return self.person()
        reply = self.offer_reply()
        if reply is not None:
            return reply
        if more.asks_more(text):
            return more.answer(talk)
        if parse.THANKS.match(text):
            return talk.say(talk.t("thanks"))
        if parse.HELP.match(text):
            return talk.say(talk.t("help"))
        reply = self.bare_reply()
        if reply is not None:
            return reply
        kind = service.topic(text) or self.service_follow_up() or service.topic(
            service.repaired(text, needs.naming(self.ctx.index)))
        if kind == "shipping" and parse.ORDERS.search(text) and not service.mentions_place(
                talk.raw + " " + text):
            kind = None  # "where is my order?" is about an order, not the policy
        if kind and not _about_products(text) and not product.asks_stock(talk):
            return service.answer(talk, kind)  # "when is the belt back?" asks about stock
        if parse.ORDERS.search(text):
            return orders.status(talk)
        return self.shopping()

    def shopping(self) -> Iterator[Event]:
        talk, text, turn = self.talk, self.talk.text, self.turn
        focus = product.in_focus(talk)
        if focus and self.counter_cheaper():
            return self.cheaper(focus)
        if parse.EMPTY_CART.search(text):
            return cart.empty(talk)
        # "in navy instead" changes a cart line; "I'd rather see black hoodies under 50" asks
        swap = cart.option_change(talk) if not _new_kind(talk) and not parse.budget(text)[0] \
            else None
        if swap:
            return cart.swap(talk, *swap)
        if cart.sets_quantity(text) or parse.UPDATE.search(text) and parse.CART_WORD.search(text):
            return cart.change(talk, remove=False)
        if parse.REMOVE.search(text):
            return cart.change(talk, remove=True)
        if product.STILL_BUY.search(text) and product.asks_stock(talk):
            return product.availability(talk)  # "can I still buy the X?" asks, not buys
        pointed = bool(parse.ordinals(text, len(self.ctx.shown))) or bool(
            targets.GENERIC.search(text)) or bool(targets.said_in_full(turn))
        if parse.ADD.search(text) or re.search(r"\b(go with|i'?ll have|take)\b", text, re.I) or \
                TO_CART.search(text) and not QUESTION.search(text) and pointed or \
                GIVE.search(text) and (pointed or self.ctx.focus and _count_said(text)) and \
                not _new_kind(talk) and (not QUESTION.search(text) or ASKS_FOR.match(text)) and \
                not product.HAVE_ASKED.search(fold(talk.raw)) or \
                COUNT_OF.match(text) and self.ctx.focus:
            return cart.add(talk)
        if parse.VIEW_CART.search(text) or re.search(r"\bshow my cart\b|\btotal\b", text):
            return cart.view(talk)
        if parse.COMPARE.search(text):
            return compare.products(talk)
        if re.search(r"\b(on sale|sale)\b", text, re.I) and self.ctx.shown and \
                re.search(r"\b(which|those|these|is it|it on|one|first|second|third|last)\b",
                          text, re.I):
            return catalogue.on_sale(talk)
        if _budget_question(talk):
            return product.budget_fit(talk)
        # "got any jackets under a hundred bucks?" is a search with a budget, not a stock check
        budgeted = bool(parse.budget(text)[0]) and not targets.said_in_full(turn)
        if ((product.STILL.search(text) or FOLLOW_UP.search(text) and product.STILL.search(
                self.previous_question())) and _points_at_product(talk) or
                product.asks_stock(talk)) and not budgeted:
            return product.availability(talk)
        rank = targets.superlative(text)
        if rank:
            return self.ranked(rank)
        named = targets.said_in_full(turn)
        if product.options_for_focus(talk) and not _new_kind(talk):
            if QUESTION.search(text):  # "do you have the grey one in L?" asks, not buys
                return product.availability(talk)
            return cart.add(talk, [product.in_focus(talk)])
        if len(named) == 1 and product.options_for_focus(talk, named[0]) and not (
                QUESTION.search(text) or parse.DETAILS.search(text)):
            return cart.add(talk, named)  # "the Running Split Shorts, black in M": a choice
        if SIMILAR.search(text) and (self.ctx.focus or self.ctx.shown):
            return product.similar(talk)
        pointed = bool(self.ctx.shown) and bool(parse.ordinals(text, len(self.ctx.shown)))
        about_it = QUESTION.search(text) and targets.GENERIC.search(text) and self.ctx.focus
        if parse.DETAILS.search(text) or targets.points_at_shown(turn, text) or \
                _names_known_product(talk) or (pointed or about_it) and not _new_kind(talk):
            return product.details(talk)
        return self.refine() or catalogue.search(talk)

    def refine(self) -> Iterator[Event] | None:
        """"Under $50 please", "any in black?", "on sale?" right after a search narrows that
        search: the words name a filter and no kind or need of their own."""
        talk, index = self.talk, self.ctx.index
        text = talk.text
        limits, rest = parse.budget(text)
        filters = bool(limits) or bool(parse.SALE_WORDS.search(text)) or bool(
            re.search(rf"\b({'|'.join(targets.COLOUR_WORDS)})\b", text, re.I))
        if not filters or needs.sells_kind(rest, index) or needs.need_query(rest) or \
                len(query_terms(rest)) > 3:
            return None
        earlier = self.earlier_request()
        return catalogue.search(talk, earlier + " " + text) if earlier else None

    def earlier_request(self) -> str:
        """The shopper's latest earlier message that asked for a kind or described a need."""
        index = self.ctx.index
        for message in reversed(self.turn.messages[:-1]):
            if message.get("role") != "user":
                continue
            earlier = parse.budget(to_english(str(message.get("content", "")),
                                              self.talk.lang))[1]
            if needs.sells_kind(earlier, index) or needs.need_query(earlier):
                return earlier
        return ""

    def previous_question(self) -> str:
        """The shopper's message before this one, in the reader's English."""
        earlier = [m for m in self.turn.messages[:-1] if m.get("role") == "user"]
        return to_english(str(earlier[-1].get("content", "")), self.talk.lang) if earlier else ""

    def service_follow_up(self) -> str | None:
        """"Is it free if I spend more?" right after a shipping question stays on it."""
        text = self.talk.text
        if len(text.split()) > 9 or needs.sells_kind(text, self.ctx.index):
            return None
        if not re.search(r"\b(free|there|cost|how much|how long|and|also|what about|when)\b",
                         text, re.I):
            return None
        return service.topic(self.previous_question())

    def ranked(self, rank: str) -> Iterator[Event]:
        """"The cheapest of those" picks among what was shown; "the cheapest t-shirt" (or
        "and the most expensive?" after a search for socks) ranks the whole kind."""
        talk, index = self.talk, self.ctx.index
        if len(targets.said_in_full(self.turn)) >= 2:  # "the Leather Belt or the Wallet?"
            return catalogue.pick(talk, rank)
        if self.ctx.shown and not STORE_WIDE.search(talk.text) and (OF_THOSE.search(
                talk.text) or len(parse.ordinals(talk.text, len(self.ctx.shown))) >= 2):
            return catalogue.pick(talk, rank)  # "of those", "the first or the third?"
        if needs.sells_kind(talk.text, index):
            return catalogue.search(talk)
        for message in reversed(self.turn.messages[:-1]):
            if message.get("role") != "user":
                continue
            earlier = to_english(str(message.get("content", "")), talk.lang)
            kinds = [w for w in query_terms(earlier)
                     if needs.sells_kind(w, index) or w in needs.DESCRIBING]
            if kinds:
                return catalogue.search(talk, " ".join(kinds) + " " + talk.text)
        if self.ctx.shown:
            return catalogue.pick(talk, rank)
        return catalogue.search(talk)

    def offer_reply(self) -> Iterator[Event] | None:
        """A short yes or no to the assistant's own last question acts on that offer."""
        offer, text = self.talk.state.offer, self.talk.text
        if offer is None:
            return None
        rest = FILLER.sub(" ", YES.sub(" ", NO.sub(" ", text))).strip(" ,.!?")
        if len(text.split()) > 8:
            # "oh yeah that would be great, I was just thinking of one, go ahead": a long
            # yes that asks no question and names nothing else is still the yes
            if not _long_yes(text, rest, self.ctx.index):
                return None
            rest = ""
        focus = product.in_focus(self.talk)
        if focus and self.counter_cheaper():
            return self.cheaper(focus)  # "no, something cheaper": the same kind, for less
        if offer.kind in ("person", "choose"):
            if NO.match(text) and not YES.match(text):
                # "no thanks" ends it; "no, the black one in L" says something else
                return None if query_terms(rest) else self.talk.say(self.talk.t("declined"))
            if offer.kind == "person" and YES.match(text) and not needs.sells_kind(
                    rest, self.ctx.index):
                return self.person()  # "Shall I ask a person?" "yes please"
            return None  # "yes, M in black" answers the options: the cart reads it
        if NO.match(text) and not YES.match(text):
            # "no thanks" ends the offer; "no, but show me caps" asks for something else
            if offer.kind == "show" and re.search(r"\b(show|see|all|every)\b", rest, re.I):
                # "nah, show me all of them": the offer without its narrowing
                return catalogue.search(self.talk, to_english(offer.query, detect(
                    offer.query) or self.talk.lang))
            asks = needs.sells_kind(rest, self.ctx.index) or needs.need_query(rest)
            return None if asks else self.talk.say(self.talk.t("declined"))
        if not YES.match(text) and not re.match(r"^\W*(tell me more|more)\W*$", text, re.I):
            return None
        if offer.kind == "add" and focus:
            # "Shall I add the M in black?" "yes": the options are the question's words
            return cart.add(self.talk, [focus], count=_count(text),
                            words=f"{offer.question} {text}")
        if offer.kind == "more" and focus:
            return product.details(self.talk, focus)
        if offer.kind == "show":
            asked = to_english(offer.query, detect(offer.query) or self.talk.lang)
            # "Want to see other leather accessories?": what the question offers, when it
            # names something the store sells, rather than what was asked before it
            offered = ""
            for said in (offer.question, offer.message):
                terms = query_terms(to_english(said, detect(said) or self.talk.lang))
                kinds = [t for t in terms if needs.sells_kind(t, self.ctx.index)
                         or t == "accessories"]
                offered = offered or " ".join(t for t in terms if kinds and (
                    t in kinds or t in needs.DESCRIBING))
            if offered:  # what was asked still describes it ("wool" beanies)
                offered += " " + " ".join(t for t in query_terms(asked)
                                          if t in needs.DESCRIBING and t not in offered)
            query = " ".join([offered or asked, *offer.words, rest])
            # "Sold out; want to see similar ones?" "yes": others than the ones it named
            named = dialogue.offered_others_than(self.ctx.index, offer)
            return catalogue.search(self.talk, query, on_sale=offer.on_sale, exclude=named)
        return None

    def counter_cheaper(self) -> bool:
        """"No, something cheaper", "too expensive", "algo más barato" about the product in
        focus: the same kind for less, not a pick among a list or a kind of its own."""
        text = self.talk.text
        if len(text.split()) > 8:
            return False
        rest = FILLER.sub(" ", YES.sub(" ", NO.sub(" ", text))).strip(" ,.!?")
        if not CHEAPER.search(rest) or AMONG.search(rest):
            return False
        focus = product.in_focus(self.talk)
        kind = needs.singular(say.kind_of(self.ctx.index.cards([focus])[0]["name"])) \
            if focus else ""
        others = [t for t in query_terms(CHEAPER.sub(" ", rest))
                  if needs.sells_kind(t, self.ctx.index) and needs.singular(t) != kind]
        return not others and bool(
            NO.match(text) or re.search(r"\b(something|anything|ones?|else|other|too)\b", rest)
            or not query_terms(CHEAPER.sub(" ", rest)))

    def cheaper(self, pid: int) -> Iterator[Event]:
        """The same kind as ``pid`` for less than it costs: its price is the budget (a
        figure the conversation already holds), and it is left out of the list."""
        index = self.ctx.index
        card = index.cards([pid])[0]
        kind = say.kind_of(card["name"])
        alike = [c for c in index.cards(index.ids()) if say.kind_of(c["name"]) == kind]
        categories = [c if isinstance(c, str) else c.get("name", "")
                      for c in card.get("categories") or ()]
        what = kind if len(alike) > 1 or not categories else categories[0]
        return catalogue.search(self.talk, f"{what} under {card['price']}",
                                exclude=frozenset({pid}))

    def bare_reply(self) -> Iterator[Event] | None:
        """A yes or no with nothing asked before it ("yes please" to no question): not a
        search for those words."""
        text = self.talk.text
        if len(text.split()) > 5 or FILLER.sub(" ", YES.sub(" ", NO.sub(" ", text))).strip(
                " ,.!?"):
            return None
        if NO.match(text) and not YES.match(text):
            return self.talk.say(self.talk.t("declined"))
        if YES.match(text):
            return self.talk.say(self.talk.t("yes_what"))
        return None

    def person(self) -> Iterator[Event]:
        return person.hand_off(self.turn, "asked for a person")


def _long_yes(text: str, rest: str, index) -> bool:
    """A yes padded with talk: it opens with a yes, asks nothing, names no kind or need."""
    return bool(YES.match(text)) and "?" not in text and not NO.search(text) \
        and not needs.sells_kind(rest, index) and not needs.need_query(rest)


def _count(text: str) -> int:
    """A count said in a short reply ("yes, two pairs"), else one."""
    for word in re.findall(r"\b(\d{1,2}|two|three|four|five|six)\b", text.lower()):
        return int(word) if word.isdigit() else parse.NUMBER_WORDS[word]
    return 1


def _count_said(text: str) -> bool:
    """A count on its own or of what was shown ("i want two", "3 of those")."""
    return re.search(r"\b(\d{1,2}|one|two|three|four|five|six)\b(?!\s*(?:[$€£%]|dollars?|"
                     r"euros?|bucks))", text, re.I) is not None


def _about_products(text: str) -> bool:
    """A question on a product that happens to use a service word ("is it waterproof for
    delivery drivers?") stays a product question; only the obvious ones are caught."""
    return bool(re.search(r"\b(under|below)\s*\$?\d", text))


def _new_kind(talk: Talk) -> bool:
    """Whether the words name a kind of product other than the ones last shown."""
    shown = talk.ctx.index.cards(list(talk.ctx.shown))
    for term in query_terms(talk.text):
        if needs.sells_kind(term, talk.ctx.index) and not any(
                term.rstrip("s") in c["name"].lower() or any(
                    term.rstrip("s") in str(cat).lower() for cat in c.get("categories") or ())
                for c in shown):
            return True
    return False


def _points_at_product(talk: Talk) -> bool:
    return bool(talk.ctx.focus or talk.ctx.shown or _names_known_product(talk))


def _names_known_product(talk: Talk) -> bool:
    """Whether the words name one product ("the Leather Belt", "Je regarde le X")."""
    text = talk.text
    if targets.said_in_full(talk.turn):
        return True  # as the store spells it, even sold out (a search would hide it)
    if needs.ASKS.search(text) and needs.sells_kind(text, talk.ctx.index):
        return False  # "looking for jeans or chinos" asks for kinds
    if len(query_terms(text)) > 7 or ORDINAL_OR_RANK.search(text):
        return False
    found = talk.ctx.index.search(text, limit=3).cards
    if re.search(r"\b(the|is|are|about|it)\b", text, re.I):
        return bool(targets._by_name(text, found))
    said = set(query_terms(text))
    return any(set(query_terms(c["name"])) <= said for c in found)


def _budget_question(talk: Talk) -> bool:
    """"Which sizes of X fit that?", "is X in XL under 100?": one product against a budget
    stated now or earlier."""
    text = talk.text
    if not product.BUDGET_ASK.search(text):
        return False
    rest = parse.budget(text)[1]
    if needs.sells_kind(rest, talk.ctx.index) and not targets.said_in_full(talk.turn) and \
            not targets.GENERIC.search(rest) and not parse.ordinals(rest, len(talk.ctx.shown)):
        return False  # "shorts under 40" asks for a kind, not about one product
    stated = bool(parse.budget(text)[0]) or bool(re.search(r"\b(under|below) \d", text))
    earlier = bool(talk.state.budget) and re.search(
        r"\b(which|what) sizes?\b|\bsizes?\b|\b(xs|s|m|l|xl|xxl)\b|\bthat budget\b|"
        r"\bthat price\b|\bfit\b|\bwithin\b", text, re.I) is not None
    return (stated or earlier) and bool(targets.products(talk.turn, text))
