"""Availability questions of the offline assistant (issue 18): the product named loosely,
the stock question told in any language, and the products another assistant's wording
names (a stateless history), without a store."""
from __future__ import annotations

import re

import pytest

from bridge.agent.offline import dialogue, lexicon, loose, product

NAMES = ["Wool Fisherman Beanie", "Ribbed Knit Beanie", "Classic Dad Cap", "Trucker Mesh Cap",
         "Waxed Canvas Cap", "Canvas Bucket Hat", "Wide Brim Sun Hat", "Enamel Camp Mug",
         "Stoneware Coffee Mug", "Leather Card Holder", "Slim Leather Wallet", "Leather Belt",
         "Striped Breton Tee", "Essential V-Neck Tee", "Everyday Crew Socks (3-Pack)",
         "Alpine Works Expedition Pack", "Classic Sunglasses", "Classic Pullover Hoodie"]


class Index:
    """The two reads loose and dialogue make of the catalogue index."""

    def __init__(self, names):
        self.by_id = {100 + i: {"id": 100 + i, "name": n} for i, n in enumerate(names)}

    def filtered_ids(self):
        return list(self.by_id)

    def cards(self, ids):
        return [self.by_id[i] for i in ids if i in self.by_id]

    def id_by_name(self, name):
        return next((i for i, c in self.by_id.items() if c["name"].lower() == name.lower()),
                    None)


INDEX = Index(NAMES)


def name_of(found):
    return [INDEX.by_id[i]["name"] for i in found.ids] if found else None


@pytest.mark.parametrize("text, name", [
    ("is the fisherman beanie in stock?", "Wool Fisherman Beanie"),  # part of the name
    ("any dad caps left??", "Classic Dad Cap"),  # plural, sold out or not
    ("got any bucket hats left?", "Canvas Bucket Hat"),
    ("how many enamel camp mugs do you have left", "Enamel Camp Mug"),
    ("is the leathr card holder in stock", "Leather Card Holder"),  # a typo
    ("classic dad capp", "Classic Dad Cap"),
    ("do you still have the striped breton tshirt", "Striped Breton Tee"),  # "tshirt": tee
    ("when will the leather belt be back in stock?", "Leather Belt"),
])
def test_a_product_named_loosely_is_found_by_its_distinctive_words(text, name):
    found = loose.named(INDEX, text)
    assert found and found.unique and name_of(found) == [name]


def test_a_kind_with_few_products_names_each_of_them_sold_out_or_not():
    found = loose.named(INDEX, "do you have any beanies in stock?")
    assert found and not found.unique
    assert set(name_of(found)) == {"Wool Fisherman Beanie", "Ribbed Knit Beanie"}


@pytest.mark.parametrize("text", [
    "is the M available in blue?",  # options only: the product looked at
    "is it back in stock?",  # "back" is one typo from "pack", never a name word
    "do you have any classic stuff?",  # "classic" names three products alike
    "any tops in stock?",  # nothing of the kind
])
def test_words_that_name_no_product_distinctly_name_none(text):
    assert loose.named(INDEX, text) is None


@pytest.mark.parametrize("text", [
    "do u still have the leather belt", "got any bucket hats left?", "restock on the beanie?",
    "when will it be back?", "do you still sell the soy candle?", "how many do you have?",
    "do you have the puffer in black, medium?",
])
def test_stock_questions_are_told_in_english(text):
    assert product.STILL.search(text)


@pytest.mark.parametrize("text", ["how many do you have in my cart?", "show me caps"])
def test_other_questions_are_not_stock_questions(text):
    assert not product.STILL.search(text)


@pytest.mark.parametrize("raw", [
    "habt ihr die Dad Cap noch?", "le Classic Dad Capp est dispo ?", "هل متوفر Leather Card Holder؟",
    "ce l'avete ancora?", "a segunda ainda tem em estoque?",
])
def test_stock_words_are_read_in_the_message_itself(raw):
    from bridge.catalog.text import fold
    assert product.STOCK_SAID.search(fold(raw))


@pytest.mark.parametrize("text, lang, english", [
    ("elle revient quand ?", "fr", "back in stock"),
    ("¿y cuándo vuelve a estar disponible?", "es", "back in stock"),
    ("wann ist sie wieder lieferbar?", "de", "back in stock"),
    ("quando torna disponibile?", "it", "back in stock"),
    ("tem no tamanho G creme?", "pt", "size l cream"),
    ("ce l'avete in nero?", "it", "do you have it"),
    ("añádela al carrito", "es", "add it"),
])
def test_restock_and_size_words_read_as_the_readers_english(text, lang, english):
    reading = lexicon.to_english(text, lang)
    assert english in reading
    if english == "back in stock":
        assert product.RESTOCK.search(reading)


def test_another_assistants_plain_names_are_read_in_order_with_its_list():
    text = ("Here are a few caps we carry:\n\n- Trucker Mesh Cap ($22.00)\n"
            "- [Waxed Canvas Cap](https://shop.test/p/waxed) ($28.90)\n"
            "- Classic Dad Cap ($24.00)\n\nThe Classic Dad Cap is sold out, sadly.")
    names = dialogue._catalogue_names(INDEX)
    ids, lines = dialogue._named_in(INDEX, text, names)
    assert [INDEX.by_id[i]["name"] for i in lines] == ["Trucker Mesh Cap", "Waxed Canvas Cap",
                                                       "Classic Dad Cap"]
    assert ids == lines


def test_a_longer_name_wins_over_a_shorter_one_inside_it():
    index = Index(["Leather Belt", "Leather Belt Bag"])
    ids, _ = dialogue._named_in(index, "The Leather Belt Bag is $40.",
                                dialogue._catalogue_names(index))
    assert [index.by_id[i]["name"] for i in ids] == ["Leather Belt Bag"]


def test_our_own_bold_names_still_count_first():
    ids, lines = dialogue._named_in(INDEX, "1. **Leather Belt**: $48.00\n2. **Slim Leather "
                                           "Wallet**: $42.00", {})
    assert [INDEX.by_id[i]["name"] for i in lines] == ["Leather Belt", "Slim Leather Wallet"]
    assert not re.search("Card", " ".join(INDEX.by_id[i]["name"] for i in ids))


def test_a_list_line_that_prices_a_shortened_name_counts_in_the_list():
    text = ("We have two beanies:\n\n1. Ribbed Knit — $22.00\n2. Wool Fisherman — $28.00 "
            "(currently sold out)\n\nWant me to add one?")
    ids, lines = dialogue._named_in(INDEX, text, dialogue._catalogue_names(INDEX))
    assert [INDEX.by_id[i]["name"] for i in lines] == ["Ribbed Knit Beanie",
                                                       "Wool Fisherman Beanie"]


def test_a_list_line_without_a_price_is_not_read_as_a_shortened_name():
    _, lines = dialogue._named_in(INDEX, "Tips:\n- Ribbed knit stretches\n- Wool is warm",
                                  dialogue._catalogue_names(INDEX))
    assert lines == []


@pytest.mark.parametrize("text", ["can i still buy the bucket hat", "could I still order it?"])
def test_can_i_still_buy_asks_about_stock(text):
    assert product.STILL_BUY.search(text)


@pytest.mark.parametrize("text, lang", [
    ("ta esgotado?", "pt"), ("¿está agotado?", "es"), ("c est epuise ?", "fr"),
    ("ist das ausverkauft", "de"), ("è esaurito?", "it"), ("restock?", "en"),
])
def test_a_short_stock_question_tells_its_language(text, lang):
    from bridge.agent.offline import language
    assert language.detect(text, lexicon.scores()) == lang


@pytest.mark.parametrize("raw, asks", [
    ("¿la segunda la tienen en stock?", True), ("¿las tienen en talla 9 en negro?", True),
    ("habt ihr die zweite noch?", True), ("ce l'avete in nero?", True),
    ("vcs tem o segundo?", True), ("هل عندكم الثاني؟", True),
    ("quiero dos de la primera", False), ("dame la segunda", False), ("can i get two?", False),
])
def test_a_question_whether_the_store_has_it_is_told_from_a_request(raw, asks):
    from bridge.catalog.text import fold
    assert bool(product.HAVE_ASKED.search(fold(raw))) is asks


@pytest.mark.parametrize("text", ["when are you getting more dad caps?",
                                  "any more coming?", "will it be restocked?"])
def test_restock_questions_are_told(text):
    assert product.RESTOCK.search(text)


BOOTS = {"name": "Hiking Boots", "options": {"Size": ["7", "8", "9", "10", "11", "12"]}}
HOODIE = {"name": "Tech Hoodie", "options": {"Size": ["S", "M", "L", "XL", "XXL"],
                                            "Color": ["Black", "Royal Blue"]}}


@pytest.mark.parametrize("product_, text, missing", [
    (BOOTS, "do you have them in a 13?", "13"), (BOOTS, "size 9 please", ""),
    (HOODIE, "is it available in blue?", ""), (HOODIE, "do you have it in green?", "green"),
    (HOODIE, "in 3xl?", "3XL"), (HOODIE, "in xl black?", ""),
    (BOOTS, "are they available in black?", ""),  # no colour option: nothing to refuse
])
def test_an_option_the_product_does_not_come_in_is_named(product_, text, missing):
    assert product._unoffered(product_, text, product._named_options(product_, text)) == missing


@pytest.mark.parametrize("text", ["can you let me know when it's back?", "notify me please",
                                  "tell me when they are back"])
def test_asking_to_be_told_of_a_restock_is_a_restock_question(text):
    assert product.RESTOCK.search(text)


def test_names_are_read_again_when_the_catalogue_changes():
    class Versioned(Index):
        version = "1"

        def meta(self, key):
            return self.version if key == "changed_at" else None

    index = Versioned(["Classic Dad Cap"])
    assert loose.named(index, "the dad cap").ids == [100]
    index.by_id = {200: {"id": 200, "name": "Dad Bucket Hat"}}  # renamed, same version
    assert loose.named(index, "the dad cap").ids == [100]  # read once per version
    index.version = "2"
    assert loose.named(index, "the dad hat").ids == [200]
