"""The offline assistant's languages (issue 18): detection, the curated lexicon, its own
sentences in every language, and the merchant's words quoted by topic."""
from __future__ import annotations

import re
import string

import pytest

from bridge.agent.offline import language, lexicon
from bridge.agent.offline.phrases import TABLES, t
from bridge.agent.policies import StorePolicies
from bridge.agent.prompt import turn_note


@pytest.mark.parametrize("text, lang", [
    ("¿cuál es la más barata?", "es"), ("Vous livrez au Canada ?", "fr"),
    ("Habt ihr Reisebecher?", "de"), ("quanto custa a primeira?", "pt"),
    ("quanto costa la terza?", "it"), ("هل تبيعون عطور؟", "ar"),
    ("أريد Classic Pullover Hoodie", "ar"), ("do you ship to Canada?", "en"),
    ("camisetas", "es"),  # a word Spanish and Portuguese share, and no English: the first
    ("des t-shirts svp", "fr"),  # "t-shirt" is a product word, no evidence of English
])
def test_a_message_is_read_in_its_language(text, lang):
    assert language.detect(text, lexicon.scores()) == lang


def test_a_message_that_does_not_tell_keeps_the_conversations_language():
    messages = [{"role": "user", "content": "Zeig mir eure Taschen"},
                {"role": "assistant", "content": "..."}, {"role": "user", "content": "10"}]
    assert language.of_turn(messages, None) == "de"
    assert language.of_turn([{"role": "user", "content": "10"}], "it-IT,it;q=0.9") == "it"
    assert language.of_turn([{"role": "user", "content": "10"}], "ja") == "en"


@pytest.mark.parametrize("text, lang, english", [
    ("añade la segunda al carrito", "es", "add second cart"),
    ("qual é a jaqueta mais cara?", "pt", "most expensive"),
    ("Ich nehme die günstigste davon", "de", "add cheapest of those"),
    ("sudaderas por menos de 50 dólares", "es", "hoodies under 50 dollars"),
    ("Ich brauche was gegen kalte Füße", "de", "cold feet"),
    # quantities and corrections over the cart, references to what was shown
    ("quítalo", "es", "remove it"), ("toglilo", "it", "remove it"),
    ("ach nee, nimm ihn wieder raus", "de", "remove it"), ("noch eins bitte", "de", "one more"),
    ("coloca mais duas", "pt", "add two more"), ("أضف واحد آخر", "ar", "add one more"),
    ("mejor solo uno", "es", "just one"), ("den ersten bitte in den Warenkorb", "de", "to cart"),
    ("qu'est-ce qu'il y a dans mon panier ?", "fr", "show my cart"),
    ("c'est quoi le moins cher parmi celles-ci ?", "fr", "cheapest of those"),
    ("ما الأرخص منها؟", "ar", "cheapest of those"),
    ("هودي بين ٤٠ و ٥٠ دولار", "ar", "between 40 and 50"),
    ("welche der ersten beiden ist günstiger?", "de", "first two"),
    ("pack die letzten in den Korb", "de", "add last to cart"),
    ("sudaderas que no pasen de 50", "es", "under 50"), ("j'en veux 2", "fr", "i want 2"),
    ("tra la prima e la seconda quale costa di meno?", "it", "costs less"),
    ("تيشيرت ب 25 دولار أو أقل", "ar", "25 dollars or less"),
    # regional and spoken forms
    ("التاني بكام؟", "ar", "second how much is"), ("وش في سلتي؟", "ar", "show my cart"),
    ("قلل واحد", "ar", "one less"), ("bota a segunda no carrinho pfv", "pt", "second cart please"),
    ("agregame la tercera", "es", "add third"), ("cuál sale más barata de esas?", "es", "cheapest"),
    ("rajoute-m'en une", "fr", "one more"), ("60 balles max", "fr", "60 euros"),
    ("schmeiß die Kerze raus", "de", "remove"), ("levane uno", "it", "one less"),
    ("añade el penúltimo", "es", "penultimate"), ("combien coûte l'avant-dernière ?", "fr",
                                                  "penultimate"),
    ("كم سعر قبل الأخير؟", "ar", "penultimate"), ("أريد هودي لا يزيد عن 50 دولار", "ar",
                                                  "at most 50"),
    # texting and regional forms (probe round p5b): diminutives, "q", Mexican "simón",
    # Austrian "Haube", Quebec "allo"
    ("cual es la chaqueta mas baratita q teneis", "es", "cheapest"),
    ("simón porfa", "es", "yes"), ("hacen envoltura de regalo", "es", "gift wrapping"),
    ("was ist die billigste Haube", "de", "cheapest beanies"), ("allo", "fr", "hello"),
    ("algo pra dar pro meu pai q ama cafe", "pt", "dad"),
    ("hoi zäme", "de", "hello"), ("Grüezi", "de", "hello"), ("هلا", "ar", "hello"),
    ("fate pacchetti regalo?", "it", "gift wrapping"),
])
def test_everyday_words_read_as_the_readers_english(text, lang, english):
    assert english in lexicon.to_english(text, lang)


def test_english_and_unknown_words_pass_through():
    assert lexicon.to_english("add the Leather Belt", "en") == "add the Leather Belt"
    assert "televisores" in lexicon.to_english("¿venden televisores?", "es")


def test_every_language_has_every_sentence_with_the_same_fields():
    def fields(template):
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}
    for lang, table in TABLES.items():
        assert set(table) == set(TABLES["en"]), lang
        for key, template in table.items():
            assert fields(template) == fields(TABLES["en"][key]), (lang, key)


def test_a_missing_language_falls_back_to_english():
    assert t("ja", "cart_empty") == TABLES["en"]["cart_empty"]


POLICIES = StorePolicies(
    "Returns: unworn items within 30 days.\nShipping: we ship to Canada and the UK.\n"
    "Delivery: 3-5 business days.\nPayment: Visa and PayPal. No cash on delivery.",
    "help@shop.test")


def test_the_merchants_words_are_quoted_by_topic_verbatim():
    assert POLICIES.about("returns") == ["Returns: unworn items within 30 days."]
    assert POLICIES.about("payment") == ["Payment: Visa and PayPal. No cash on delivery."]
    untitled = StorePolicies("We ship worldwide. Refunds take 5 days.")
    assert untitled.about("returns") == ["Refunds take 5 days."]
    assert StorePolicies("").about("shipping") == []


def test_claude_is_told_the_language_the_shopper_writes_in():
    note = turn_note("storefront", False, "en-US", "fr")
    assert "French (fr)" in note and "verbatim" in note
    assert "writes in" not in turn_note("storefront", False, None, None)
    assert re.search(r"browser prefers: en-US", turn_note("storefront", False, "en-US"))


def test_a_texted_q_is_dropped_like_que():
    assert " q " not in f" {lexicon.to_english('la mas barata q tienen', 'es')} "
    assert " q " not in f" {lexicon.to_english('algo q seja barato', 'pt')} "


@pytest.mark.parametrize("text, lang", [("can i contact an employee", "en"),
                                        ("ودي اتواصل مع موظف", "ar"),
                                        ("how do i reach a person", "en")])
def test_contacting_a_person_asks_for_one(text, lang):
    from bridge.agent.offline.planner import PERSON
    assert PERSON.search(lexicon.to_english(text, lang))


def test_contacting_the_store_alone_is_not_asking_for_a_person():
    from bridge.agent.offline.planner import PERSON
    assert not PERSON.search("how do i contact you")


def test_most_pricey_ranks_by_price():
    from bridge.agent.offline.targets import DEAREST
    assert DEAREST.search("most pricey boots u got")


@pytest.mark.parametrize("text", ["do u do engraving", "can you personalise it",
                                  "monogramming?"])
def test_services_a_shop_may_not_offer_are_service_questions(text):
    from bridge.agent.offline import service
    assert service.topic(text) == "other"


def test_a_texted_no_thanks_is_filler_and_no():
    from bridge.agent.offline.planner import FILLER, NO
    text = "nah im good thx"
    assert NO.search(text) and not FILLER.sub("", text).strip()
