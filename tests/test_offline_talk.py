"""The offline assistant reads replies to its own offers, requests for a person and other
languages' everyday words (issue 18): the readers alone, then over /message."""
from __future__ import annotations

import pytest

from bridge.agent.offline import dialogue, planner
from bridge.agent.offline.language import detect
from bridge.agent.offline.lexicon import scores, to_english
from bridge.agent.offline.phrases import TABLES, t
from test_offline_provider import Chat


@pytest.mark.parametrize("lang", sorted(TABLES))
def test_its_own_offer_of_a_person_is_read_back_in_every_language(lang):
    said = t(lang, "policy_silent", topic=t(lang, "topic_returns"))
    assert dialogue._offer(said, []).kind == "person"
    assert dialogue._offer(t(lang, "ask_person"), []).kind == "person"


@pytest.mark.parametrize("lang", sorted(TABLES))
def test_its_own_question_about_options_is_read_back_in_every_language(lang):
    said = t(lang, "choose_option", name="Classic Pullover Hoodie", choice="Size: S, M")
    offer = dialogue._offer(said, [])
    assert offer.kind == "choose" and offer.named == ["Classic Pullover Hoodie"]


def test_another_voice_offering_a_person_or_similar_products_is_read_too():
    assert dialogue._offer("I can't tell. Shall I connect you with someone from our team?",
                           []).kind == "person"
    for other in ("Souhaitez-vous que je vous mette en relation avec un conseiller ?",
                  "Soll ich dich mit dem Kundenservice verbinden?",
                  "Vuoi che ti metta in contatto con l'assistenza?",
                  "هل تريد التحدث مع خدمة العملاء؟"):
        assert dialogue._offer(other, []).kind == "person", other
    offer = dialogue._offer("Sorry, the **Wool Fisherman Beanie** is sold out. Would you like "
                            "to see similar beanies?", [])
    assert offer.kind == "show" and offer.similar and offer.named == ["Wool Fisherman Beanie"]
    plain = dialogue._offer("We have several beanies. Would you like to see them?", [])
    assert plain.kind == "show" and not plain.similar
    assert dialogue._offer("The **Leather Belt** is $48.00.", []) is None  # nothing asked


@pytest.mark.parametrize("text", ["yes", "yse pls", "yeah sure", "okey", "ok do that",
                                  "sure go on", "please do", "k", "i want", "hmm, yes"])
def test_a_hurried_yes_is_yes(text):
    assert planner.YES.match(text) and not planner.NO.match(text)


@pytest.mark.parametrize("text", ["no thanks", "nah never mind", "nvm", "not interested",
                                  "i'll pass"])
def test_a_hurried_no_is_no(text):
    assert planner.NO.match(text) and not planner.YES.match(text)


@pytest.mark.parametrize("text", ["human", "OPERATOR", "agent pls", "real person please",
                                  "can I talk to someone", "i want an actual human to help me",
                                  "someone please",
                                  "would it be possible to have a quick word with one of your staff",
                                  "could I have a word with your team"])
def test_a_person_asked_for_in_a_word_or_indirectly(text):
    assert planner.PERSON.search(text)


@pytest.mark.parametrize("text", ["a human-size duffel?", "is this good for someone tall?",
                                  "the person who owns it loves hats"])
def test_person_words_in_a_product_question_are_not_a_request_for_one(text):
    assert not planner.PERSON.search(text)


@pytest.mark.parametrize("lang, said, english", [
    ("fr", "je veux un vrai humain svp", "real person please"),
    ("fr", "je peux parler à quelqu'un ?", "talk to a person"),
    ("fr", "je pourrais échanger avec quelqu'un de votre équipe svp", "talk to a person"),
    ("fr", "ouais vas y", "yes"),
    ("pt", "tem alguma pessoa de verdade ai?", "real person"),
    ("de", "nein danke, doch nicht", "no thanks"),
    ("it", "si dai", "yes"),
    ("es", "no, algo mas barato", "cheapest"),
    ("ar", "كيف أتواصل معكم؟", "contact"),
    ("ar", "أحتاج شيئا للمشي في الجبال", "mountains"),
    ("ar", "رجلي دايم بردانة", "feet always cold"),
    ("it", "posso cambiare la taglia?", "exchange"),
    ("it", "vado in montagna a fare escursioni", "mountains"),
    ("pt", "vocês têm guarda-chuva?", "umbrella"),
    ("fr", "vous faites les paquets cadeaux ?", "gift wrapping"),
    ("de", "einen echten Menschen bitte", "real person please"),
    ("es", "nop", "no"), ("fr", "nan", "no"), ("de", "jaa", "yes"), ("pt", "isso mesmo", "yes"),
    ("es", "¿me puedes pasar con un agente?", "connect me to"),
])
def test_everyday_words_of_each_language_reach_the_reader(lang, said, english):
    assert english in to_english(said, lang)


def test_a_portuguese_please_is_not_spanish():
    assert detect("sim, por favor", scores()) == "pt"
    assert detect("sí, por favor", scores()) == "es"


@pytest.fixture
def chat(shopper):
    return Chat(shopper)


@pytest.mark.parametrize("question, yes", [
    ("do you do gift wrapping?", "yes please"), ("¿hacéis envíos a México?", "vale"),
    ("Wie lange dauert der Versand?", "ja bitte"), ("ما هي سياسة الإرجاع؟", "نعم"),
])
def test_yes_to_its_offer_of_a_person_opens_the_handoff(chat, question, yes):
    offered = chat.say(question)  # the test store published no policies
    assert offered["cards"] == [] and offered["message"].rstrip().endswith(("?", "؟"))
    body = chat.say(yes)
    assert body["handoff"]["ref"] in body["message"], body
    assert body["cards"] == []


def test_no_to_its_offer_of_a_person_is_not_a_search(chat):
    chat.say("what's your returns policy?")
    body = chat.say("no thanks, i'll just look around")
    assert body["cards"] == [] and "sell" not in body["message"]


def test_a_bare_yes_with_nothing_asked_is_not_a_search(chat):
    body = chat.say("yes please")
    assert body["cards"] == [] and "don't sell" not in body["message"]


def test_yes_to_similar_ones_leaves_out_the_sold_out_one(chat):
    prior = [{"role": "user", "content": "is the Wool Fisherman Beanie still available?"},
             {"role": "assistant", "content": "Sorry, the **Wool Fisherman Beanie** is sold "
                                              "out right now. Would you like to see similar "
                                              "beanies?"}]
    body = chat.say("yeah sure", history=prior)
    names = [c["name"] for c in body["cards"]]
    assert names and "Wool Fisherman Beanie" not in names


@pytest.mark.parametrize("lang, counter", [("en", "no, something cheaper"),
                                           ("es", "no, algo más barato"),
                                           ("de", "nee, lieber was günstigeres")])
def test_no_something_cheaper_shows_the_same_kind_for_less(chat, lang, counter):
    prior = [{"role": "user", "content": "I need a jacket"},
             {"role": "assistant", "content": "The **Waxed Canvas Field Jacket** is $126.00. "
                                              "Shall I add it to your cart?"}]
    body = chat.say(counter, history=prior)
    assert body["cards"] and all(float(c["price"]) < 126 for c in body["cards"])
    assert all("Jacket" in c["name"] or "Shell" in c["name"] or "Parka" in c["name"]
               or "Overshirt" in c["name"] for c in body["cards"])
    assert "Waxed Canvas Field Jacket" not in [c["name"] for c in body["cards"]]


@pytest.mark.parametrize("typed, topic", [("retrun policy", "returns"),
                                          ("shiping to canada", "shipping"),
                                          ("do you shipp to uk", "shipping"),
                                          ("refnd?", "returns")])
def test_a_typo_of_a_service_word_still_asks_the_service_question(typed, topic):
    from bridge.agent.offline import service
    assert service.topic(typed) is None
    assert service.topic(service.repaired(typed)) == topic


def test_a_catalogue_word_near_a_service_word_is_left_alone():
    from bridge.agent.offline import service
    assert service.repaired("a shirt for the shop", frozenset({"shirt"})) == \
        "a shirt for the shop"


@pytest.mark.parametrize("complaint", ["my package arrived damaged", "me llegó roto",
                                       "Der Artikel ist kaputt", "la taglia è sbagliata"])
def test_something_wrong_with_an_order_offers_a_person_and_yes_opens_the_handoff(chat,
                                                                                 complaint):
    offered = chat.say(complaint)
    assert offered["cards"] == [] and dialogue._offer(offered["message"], []).kind == "person"
    assert chat.say("ok")["handoff"]["ref"]


def test_too_expensive_after_one_product_shows_its_kind_for_less(chat):
    chat.say("tell me about the Expedition Parka")
    body = chat.say("too expensive")
    assert body["cards"] and all(float(c["price"]) < 180 for c in body["cards"])
    assert "Expedition Parka" not in [c["name"] for c in body["cards"]]


def test_no_with_a_choice_after_its_options_question_is_the_choice(chat):
    chat.say("add the Classic Pullover Hoodie")
    body = chat.say("no, the black one in L")
    assert "Classic Pullover Hoodie (L / Black)" in body["message"]


@pytest.mark.parametrize("text, country", [("ship to toronto?", "Canada"),
                                           ("do you deliver to new zealand?", "New Zealand"),
                                           ("envían a Madrid?", "Spain")])
def test_a_city_or_a_further_country_names_where_to_ship(text, country):
    from bridge.agent.offline import service
    assert service._country(text.lower()) == country


def test_arabic_country_names_reach_the_shipping_answer():
    assert "germany" in to_english("هل تشحنون إلى ألمانيا؟", "ar")
    assert "united arab emirates" in to_english("هل توصلون للإمارات؟", "ar")


def test_yes_to_similar_ones_in_another_voice_without_bold_leaves_it_out(chat):
    prior = [{"role": "user", "content": "is the Wool Fisherman Beanie still available?"},
             {"role": "assistant", "content": "Unfortunately the Wool Fisherman Beanie is sold "
                                              "out right now. Would you like to see some "
                                              "similar hats?"}]
    body = chat.say("yes please", history=prior)
    names = [c["name"] for c in body["cards"]]
    assert names and "Wool Fisherman Beanie" not in names


@pytest.mark.parametrize("lang, said", [("es", "sandalias para la playa"),
                                        ("fr", "des sandales pour la plage"),
                                        ("de", "Sandalen für den Strand"),
                                        ("it", "sandali per il mare")])
def test_a_kind_not_sold_beside_a_need_is_said_plainly(chat, lang, said):
    body = chat.say(said)
    assert body["cards"] == [] and "Sandal" in body["message"].title()


@pytest.mark.parametrize("said", ["un bañador para las vacaciones", "eine Badehose für den Urlaub",
                                  "a swimsuit for my holiday"])
def test_swimwear_in_any_language_finds_the_swim_trunks(chat, said):
    assert "Quick-Dry Swim Trunks" in [c["name"] for c in chat.say(said)["cards"]]


class _Shelf:
    """A two-product index: just what needs.kinds reads."""
    _cards = [{"id": 1, "name": "Ribbed Knit Beanie", "categories": ["Hats"]},
              {"id": 2, "name": "Packable Tote", "categories": ["Bags"]}]

    def count(self):
        return len(self._cards)

    def meta(self, key):
        return None

    def ids(self):
        return [c["id"] for c in self._cards]

    def cards(self, ids):
        return [c for c in self._cards if c["id"] in ids]


@pytest.mark.parametrize("text, yes", [
    ("oh yeah that would be great actually, I was just thinking about getting one, go ahead", True),
    ("yes please that sounds lovely, I have been meaning to buy one for ages", True),
    ("yes but what is your return policy for things bought in the sale?", False),
    ("yeah sure, and also could you show me some bags while you are at it", False),
    ("no thanks I think I will keep looking around the shop for a while", False),
])
def test_a_long_yes_is_a_yes_only_when_it_asks_nothing_else(text, yes):
    rest = planner.FILLER.sub(" ", planner.YES.sub(" ", planner.NO.sub(" ", text)))
    assert planner._long_yes(text, rest, _Shelf()) is yes


@pytest.mark.parametrize("text, asks", [
    ("ok so how much is the third one and is it in stock", True),
    ("what's the price and do you have it in M", True),
    ("is it still in stock", False),
])
def test_the_price_asked_beside_another_question(text, asks):
    from bridge.agent.offline import parse
    assert bool(parse.ASKS_PRICE.search(text)) is asks


@pytest.mark.parametrize("text, kind, also", [
    ("do you take paypal and how long does delivery take in the us", "payment", "delivery"),
    ("what is your return policy and do you accept amex", "payment", "returns"),
])
def test_several_policy_questions_in_one_message(text, kind, also):
    from bridge.agent.offline import service
    assert service.topic(text) == kind and also in service.also_asked(text, kind)


def test_swapping_for_another_size_is_an_exchange():
    from bridge.agent.offline import service
    assert service.topic("would it be possible to swap it for another size and how long "
                         "have I got?") == "returns"


def test_got_any_with_a_budget_is_a_budget():
    from bridge.agent.offline import parse
    assert parse.budget("got any jackets for under a hundred bucks? nothing fancy")[0].high == 100


@pytest.mark.parametrize("text", ["my feet get frozen on the ski slopes",
                                  "chilly feet in the office", "cold feet"])
def test_any_word_for_cold_feet_is_that_need(text):
    from bridge.agent.offline import needs
    assert needs.need_query(text) == "wool+socks slippers boots"


def test_cold_feet_at_night_want_socks_and_slippers():
    from bridge.agent.offline import needs
    assert needs.need_query("my feet are always freezing at night") == "wool+socks slippers"


@pytest.mark.parametrize("text", ["whats the least I could spend on a pair of shoes",
                                  "I want to pay the least for a cap"])
def test_the_least_one_could_spend_is_the_cheapest(text):
    from bridge.agent.offline import targets
    assert targets.superlative(text) == "cheapest"
