"""The offline intent and sentiment labels, and the model's own tool calls winning where the
words name no service matter."""
import pytest

from bridge.inbox.intent import INTENTS, SENTIMENTS, classify, label, wants_person


@pytest.mark.parametrize("text", ["can I talk to a real person?", "human", "HUMAN please",
                                  "I want to speak with someone", "customer service",
                                  "quiero hablar con una persona", "je veux parler à un conseiller",
                                  "ich möchte mit einem Mitarbeiter sprechen",
                                  "quero falar com um atendente", "posso parlare con un operatore?",
                                  "أريد التحدث مع موظف", "servicio al cliente por favor"])
def test_explicit_requests_for_a_person(text):
    assert wants_person(text) and classify(text)[0] == "person"


@pytest.mark.parametrize("text", ["is this hoodie for humans or dogs?", "human-friendly fabric",
                                  "hoodies under $50", "a personal gift"])
def test_words_that_only_mention_people_are_not_requests(text):
    assert not wants_person(text)


@pytest.mark.parametrize("text, intent", [
    ("where is my order?", "order_status"), ("I want a refund", "returns"),
    ("how long does shipping take to Spain", "shipping"),
    ("the zip arrived broken", "complaint"), ("compare the first two", "compare"),
    ("add it to my cart", "cart"), ("what sizes does it come in", "product_question"),
    ("show me hoodies under $50", "product_search"), ("hi there", "small_talk"),
    ("wool socks", "product_search"),
])
def test_the_classifier_names_the_intent(text, intent):
    assert classify(text)[0] == intent


@pytest.mark.parametrize("text, mood", [
    ("thanks, that's perfect!", "positive"), ("socks", "neutral"),
    ("the colour is wrong", "negative"), ("this is ridiculous, still waiting!!!", "frustrated"),
    ("not good at all", "negative"),
])
def test_the_classifier_names_the_sentiment(text, mood):
    assert classify(text)[1] == mood


def test_the_models_tool_calls_decide_unless_the_words_name_a_service_matter():
    assert label("those two?", ["compare_products"]) == ("compare", "neutral")
    assert label("hmm", ["get_product_details"])[0] == "product_question"
    assert label("I want a refund for this", ["order_status"])[0] == "returns"
    assert label("a gift for my dad", [])[0] == "product_search"
    assert all(label(t, [])[0] in INTENTS and label(t, [])[1] in SENTIMENTS
               for t in ("", "???", "ok"))
