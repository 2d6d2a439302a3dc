"""The conversation eval of issue 18: its dev cases as a report, and the eval's own checks.

``test_dev_conversations_report_their_pass_rate`` plays every dev case against the offline
assistant and prints the pass rate per class and language; it fails only when the runner
breaks (or the rate falls under DEV_BAR, which the builder of issue 18 raises). The other
tests hold the judge itself to account: each property fails a wrong answer and passes a
right one, so a score means what it says. Held-out cases are only checked for form here.
"""
from __future__ import annotations

import json
import logging
import re

import pytest

from bridge.catalog.cards import card
from conftest import make_app
from conversations import report
from conversations.cases import (CLASSES, DEV, FRESH, HELD_OUT, THIRD, Case, Suite, Turn,
                                 load, validate)
from conversations.checks import TurnView, check_turn
from conversations.figures import Facts, claims, invented
from conversations.language import LANGUAGES, StoreText, detect
from conversations.runner import Offline, PlainSearch, ScriptedClaude, base_settings, run
from conversations.selectors import CaseError, Shop, resolve

# The dev pass rate below which this test fails (issue 18 built: about 97% today; a handoff
# reference without a digit fails the handoff property now and then, hence the margin).
DEV_BAR = 0.9


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    app = make_app(base_settings(str(tmp_path_factory.mktemp("shop")), {}))
    yield Shop.of(app.extensions["fahad"].store)
    app.extensions["fahad"].engine.dispose()


def cards_of(shop: Shop, *names: str) -> list[dict]:
    return [card(shop.named(n), shop.currency) for n in names]


def view(shop: Shop, answer: str, *, cards=(), before=None, after=None, shown=(), lang="en",
         user="", extra=None, policies="", contact="") -> TurnView:
    facts = Facts()
    facts.add_text(policies)
    facts.add_text(user)
    for c in [*cards, *(c for earlier in shown for c in earlier)]:
        facts.add_card(c)
    empty = {"items": [], "item_count": 0, "totals": {}}
    facts.add_cart(before or empty)
    facts.add_cart(after or empty)
    payload = {"message": answer, "cards": list(cards), "comparison": [],
               "conversation_ref": "cv_abc123", **(extra or {})}
    return TurnView(user=user, status=200, payload=payload, cart_before=before or empty,
                    cart_after=after or empty, shown=[list(s) for s in shown], shop=shop,
                    facts=facts, store_text=StoreText(shop.texts() + [policies]), lang=lang,
                    support_contact=contact)


# -- the cases ------------------------------------------------------------------------

def test_the_cases_are_well_formed_and_true_to_the_demo_store(shop):
    dev, held = load(DEV), load(HELD_OUT)
    everything = Suite(stores=dev.stores, cases=dev.cases + held.cases)
    assert validate(everything, shop) == []
    assert len(everything.cases) >= 150
    # The first split kept a fifth apart; dev has grown since, and the later held-out sets
    # keep the share of cases builders never read at a fifth or more.
    unread = len(held.cases) + len(load(FRESH).cases) + len(load(THIRD).cases)
    assert unread / (len(dev.cases) + unread) >= 0.2
    for suite in (dev, held):
        assert {c.cls for c in suite.cases} == set(CLASSES)
    assert {c.lang for c in dev.cases} == set(LANGUAGES)
    assert all(len(c.turns) >= 2 or c.prior for c in everything.cases)


def test_the_fresh_held_out_set_is_well_formed_and_apart_from_the_others(shop):
    dev, held, fresh = load(DEV), load(HELD_OUT), load(FRESH)
    everything = Suite(stores={**dev.stores, **fresh.stores},
                       cases=dev.cases + held.cases + fresh.cases)
    assert validate(everything, shop) == []  # ids unique across all three files too
    assert len(fresh.cases) >= 40
    assert {c.cls for c in fresh.cases} == set(CLASSES)
    assert {c.lang for c in fresh.cases} == set(LANGUAGES)
    assert all(c.source for c in fresh.cases)


def test_the_third_held_out_set_is_well_formed_and_apart_from_the_others(shop):
    dev, held, fresh, third = load(DEV), load(HELD_OUT), load(FRESH), load(THIRD)
    assert set(third.stores) & (set(dev.stores) | set(fresh.stores)) == {"plain"}
    everything = Suite(stores={**dev.stores, **fresh.stores, **third.stores},
                       cases=dev.cases + held.cases + fresh.cases + third.cases)
    assert validate(everything, shop) == []  # ids unique across all four files too
    assert len(third.cases) >= 90
    # h3-: the first writer's cases; h3b-: a second batch by another helper, also apart.
    assert all(c.id.startswith(("h3-", "h3b-")) and c.source for c in third.cases)
    assert {c.cls for c in third.cases} == set(CLASSES)
    languages = [c.lang for c in third.cases]
    assert set(languages) == set(LANGUAGES)
    assert all(languages.count(lang) >= 4 for lang in LANGUAGES)


def test_validation_refuses_a_case_the_store_contradicts(shop):
    wrong = Case(id="belt", cls="availability", lang="en", turns=(
        Turn("hi", {}),
        Turn("do you have the Leather Belt?",
             {"availability": {"product": "Leather Belt", "state": "yes"}}),
        Turn("and the Unicorn Cape?", {"mentions": "Unicorn Cape", "colour": "red"})))
    problems = validate(Suite(stores={"plain": {}}, cases=(wrong,)), shop)
    assert any("Leather Belt" in p and "out of stock" in p for p in problems)
    assert any("Unicorn Cape" in p for p in problems)
    assert any("unknown property 'colour'" in p for p in problems)


def test_dev_conversations_report_their_pass_rate(capsys):
    logging.disable(logging.INFO)
    try:
        results = run(load(DEV), Offline())
    finally:
        logging.disable(logging.NOTSET)
    broken = [f"{r.case.id}: {r.error}" for r in results if r.error]
    with capsys.disabled():
        print("\n" + report.table({"offline": results}, "dev cases"))
    assert broken == []
    assert len(results) == len(load(DEV).cases)
    assert sum(r.passed for r in results) / len(results) >= DEV_BAR


# -- selectors ------------------------------------------------------------------------

def test_a_selector_picks_from_the_cards_shown_or_the_whole_catalogue(shop):
    shown = [cards_of(shop, "Canvas Tote Bag", "Packable Tote", "Market Net Bag")]
    cheaper = resolve({"shown": [1, 2], "by": "price", "pick": "min"}, shop, shown)
    assert cheaper == {shop.named("Packable Tote").id}
    assert resolve({"shown": [-1]}, shop, shown) == {shop.named("Market Net Bag").id}
    assert resolve({"shown": [2]}, shop, []) == set()  # nothing shown: nothing to point at
    cheapest_sock = resolve({"catalog": {"category": "Socks"}, "pick": "min"}, shop, [])
    assert cheapest_sock == {shop.named("Basic Ankle Socks").id}
    with pytest.raises(CaseError):
        resolve("Unicorn Cape", shop, [])


# -- global checks ----------------------------------------------------------------------

def test_an_invented_price_fails_and_a_true_one_passes(shop):
    shown = cards_of(shop, "Quilted Liner Jacket")
    lie = view(shop, "The **Quilted Liner Jacket** costs $12.34.", cards=shown)
    assert any("invented money '$12.34'" in f for f in check_turn(lie, {}))
    truth = view(shop, "The **Quilted Liner Jacket** costs $94.00.", cards=shown)
    assert check_turn(truth, {}) == []


@pytest.mark.parametrize("text, kind", [
    ("only 3 left", "stock"), ("20% off", "percent"), ("12,34 €", "money"),
    ("ships in 2 business days", "duration"), ("quedan 3 unidades", "stock"),
    ("يتوفر ٣ قطع", "stock")])
def test_every_kind_of_figure_is_read_and_checked(text, kind):
    found = claims(text)
    assert [c.kind for c in found] == [kind]
    assert invented(text, Facts()) == found


def test_sale_percentages_and_policy_figures_back_claims(shop):
    facts = Facts()
    facts.add_card(card(shop.named("Rolltop Commuter Backpack"), "USD"))  # 112.00 -> 78.40
    facts.add_text("Shipping is free on orders over $75.")
    assert invented("30% off, free over $75, only 2 left", facts) == []
    assert [c.text for c in invented("35% off", facts)] == ["35%"]


def test_a_quoted_example_is_not_a_claim():
    assert invented('Try "hoodies under $50".', Facts()) == []


def test_an_unpublished_product_never_passes(shop):
    leaked = view(shop, "You might like the Prototype Heated Vest.")
    assert any("unpublished" in f for f in check_turn(leaked, {}))


@pytest.mark.parametrize("lang, text", [
    ("en", "Yes, we ship to Canada. Delivery takes 7-12 business days."),
    ("es", "Sí, enviamos a Canadá. La entrega tarda de 7 a 12 días hábiles."),
    ("fr", "Oui, nous livrons au Canada. La livraison prend de 7 à 12 jours ouvrés."),
    ("de", "Ja, wir liefern nach Kanada. Die Lieferung dauert 7 bis 12 Werktage."),
    ("pt", "Sim, entregamos no Canadá. A entrega leva de 7 a 12 dias úteis."),
    ("it", "Sì, spediamo in Canada. La consegna richiede da 7 a 12 giorni lavorativi."),
    ("ar", "نعم، نشحن إلى كندا. يستغرق التوصيل من 7 إلى 12 يوم عمل."),
])
def test_the_language_detector_tells_the_seven_languages_apart(lang, text):
    assert detect(text) == lang


def test_store_text_quoted_in_an_answer_does_not_make_it_english():
    policy = "Returns: unworn items can be returned within 30 days of delivery for a full refund."
    answer = ("Claro. Según la tienda: \"Returns: unworn items can be returned within 30 days "
              "of delivery for a full refund.\" ¿Quieres que te ayude con algo más?")
    assert detect(answer) != "es"  # the quote outweighs the answer's own words
    assert detect(answer, StoreText([policy])) == "es"


def test_an_english_answer_to_a_spanish_shopper_fails(shop):
    english = view(shop, "I couldn't find any tienen sudaderas.", lang="es")
    assert any("answered in" in f for f in check_turn(english, {}))


# -- properties -----------------------------------------------------------------------

def test_a_variable_product_only_partly_in_budget_must_say_which_part(shop):
    listed = cards_of(shop, "Heavyweight Box Hoodie", "Zip-Up Fleece Hoodie")
    silent = view(shop, "1. **Heavyweight Box Hoodie**: from $54.40\n"
                        "2. **Zip-Up Fleece Hoodie**: from $52.00", cards=listed, user="under $60")
    # Every Zip-Up option costs 52.00 to 56.00: it fits whole and needs no word.
    assert check_turn(silent, {"budget": {"max": 60}}) == [
        "budget: 'Heavyweight Box Hoodie': 1 of 9 options fit the budget and the answer "
        "doesn't say which"]
    honest = view(shop, "1. **Heavyweight Box Hoodie**: $54.40 in S / Black\n"
                        "2. **Zip-Up Fleece Hoodie**: from $52.00", cards=listed,
                  user="under $60")
    assert check_turn(honest, {"budget": {"max": 60}}) == []
    partly = view(shop, "1. **Heavyweight Box Hoodie**: only some sizes under $60\n"
                        "2. **Zip-Up Fleece Hoodie**: from $52.00", cards=listed,
                  user="under $60")
    assert check_turn(partly, {"budget": {"max": 60}}) == []
    over = view(shop, "**Tech Performance Hoodie**: from $64.00",
                cards=cards_of(shop, "Tech Performance Hoodie"), user="under $60")
    assert check_turn(over, {"budget": {"max": 60}}) == [
        "budget: no option of 'Tech Performance Hoodie' in stock fits the budget"]


def test_fitting_variations_are_each_named(shop):
    answer = "Only size S in Black fits: $54.40."
    shown = [cards_of(shop, "Heavyweight Box Hoodie")]
    ok = view(shop, answer, shown=shown, user="under 60")
    assert check_turn(ok, {"fitting_variations": {"product": "Heavyweight Box Hoodie",
                                                  "max": 60}}) == []
    vague = view(shop, "Some sizes fit.", shown=shown)
    assert check_turn(vague, {"fitting_variations": {"product": "Heavyweight Box Hoodie",
                                                     "max": 60}}) != []


def test_availability_needs_the_product_named_and_a_yes_or_no_about_it(shop):
    spec = {"availability": {"product": "Leather Belt", "state": "no"}}
    assert check_turn(view(shop, "Sorry, the Leather Belt is sold out right now."), spec) == []
    assert check_turn(view(shop, "Lo siento, el Leather Belt está agotado.", lang="es"),
                      spec) == []
    search = view(shop, "I found 2 matches: Slim Leather Wallet, out of stock soon; "
                        "Leather Belt: $48.00.", cards=cards_of(shop, "Leather Belt"))
    assert check_turn(search, spec) == ["availability: doesn't say it is out of stock"]
    many = {"availability": {"product": "Striped Breton Tee", "state": "yes", "quantity": True}}
    breton = cards_of(shop, "Striped Breton Tee")
    assert check_turn(view(shop, "Yes, the Striped Breton Tee is in stock: only 2 left.",
                           cards=breton), many) == []
    assert check_turn(view(shop, "1. Striped Breton Tee: in stock.", cards=breton), many) == [
        "availability: doesn't give the quantity (2)"]


def _cart(*lines):
    items = [{"key": f"k{n}", "product_id": pid, "variation_id": None, "name": name,
              "attributes": attrs, "quantity": qty, "price": "1.00", "line_total": "1.00"}
             for n, (pid, name, attrs, qty) in enumerate(lines)]
    return {"items": items, "item_count": sum(i["quantity"] for i in items), "totals": {}}


def test_the_cart_must_change_exactly_as_asked(shop):
    socks = shop.named("Merino Hiking Socks")
    hoodie = shop.named("Classic Pullover Hoodie")
    before = _cart((socks.id, socks.name, {}, 1))
    spec = {"cart": {"set": {"product": "Merino Hiking Socks", "quantity": 4}}}
    right = view(shop, "Updated.", before=before, after=_cart((socks.id, socks.name, {}, 4)))
    assert check_turn(right, spec) == []
    wrong = view(shop, "Updated.", before=before, after=_cart((socks.id, socks.name, {}, 5)))
    assert check_turn(wrong, spec) == ["cart: 'Merino Hiking Socks' is at 5, expected 4"]
    extra = view(shop, "Added.", before=before, after=_cart(
        (socks.id, socks.name, {}, 4), (hoodie.id, hoodie.name, {"Size": "M"}, 1)))
    assert "other lines changed" in check_turn(extra, spec)[0]
    add = {"cart": {"add": {"product": "Classic Pullover Hoodie",
                            "options": {"Size": "M", "Color": "Black"}}}}
    navy = view(shop, "Added.", after=_cart(
        (hoodie.id, hoodie.name, {"Size": "M", "Color": "Navy"}, 1)))
    assert check_turn(navy, add) != []
    assert check_turn(view(shop, "Nothing to do."), {"cart": "unchanged"}) == []


def test_a_handoff_shows_a_reference_the_service_issued(shop):
    issued = view(shop, "A person will answer here shortly (reference HO-7731).",
                  extra={"handoff": {"reference": "HO-7731"}})
    assert check_turn(issued, {"handoff": True}) == []
    made_up = view(shop, "A person will answer here shortly (reference HO-9999).")
    assert check_turn(made_up, {"handoff": True}) == ["handoff: shows no handoff reference"]
    search = view(shop, "I couldn't find any talk person.",
                  cards=cards_of(shop, "Packable Tote"))
    assert "handoff: shows product cards" in check_turn(search, {"handoff": True})


def test_an_absent_kind_is_said_plainly_before_any_product(shop):
    spec = {"absent_first": True}
    assert check_turn(view(shop, "We don't sell laptops. The closest thing is the "
                                 "Laptop Sleeve."), spec) == []
    assert check_turn(view(shop, "No vendemos televisores.", lang="es"), spec) == []
    assert check_turn(view(shop, "The Laptop Sleeve fits 13-inch laptops; we don't sell "
                                 "laptops."), spec) == [
        "absent_first: names a product before saying the store has none"]


def test_an_echoed_search_is_caught(shop):
    spec = {"not_echo": True}
    echo = view(shop, 'I couldn\'t find any talk person. I don\'t know the words '
                      '"talk, person".', user="I want to talk to a person")
    assert check_turn(echo, spec) == ["not_echo: quotes the shopper's words back: 'talk, person'"]
    assert check_turn(view(shop, "Of course, a person will answer.",
                           user="I want to talk to a person"), spec) == []


def test_policy_answers_are_judged_on_the_merchants_figures(shop):
    policy = "Delivery takes 3-5 business days in the US and 7-12 business days elsewhere."
    spec = {"numbers": [7, 12], "cards": "none"}
    right = view(shop, "It takes 7-12 business days to Canada.", policies=policy)
    assert check_turn(right, spec) == []
    made_up = view(shop, "It takes 2 business days to Canada.", policies=policy)
    assert check_turn(made_up, spec) == ["invented duration '2 business days'",
                                         "numbers: doesn't give 7", "numbers: doesn't give 12"]


def test_says_yes_and_no(shop):
    assert check_turn(view(shop, "Yes, we ship to Canada."), {"says": "yes"}) == []
    assert check_turn(view(shop, "We don't ship to Brazil yet."), {"says": "no"}) == []
    assert check_turn(view(shop, "Yes! We ship everywhere."), {"says": "no"}) == [
        "says: says yes"]


def test_a_person_is_offered_by_contact_or_in_words(shop):
    spec = {"offers_person": True}
    assert check_turn(view(shop, "Write to help@shop.test.", contact="help@shop.test"),
                      spec) == []
    assert check_turn(view(shop, "The store hasn't said; someone from our team can help."),
                      spec) == []
    assert check_turn(view(shop, "Here are some hoodies."), spec) == [
        "offers_person: doesn't offer a person"]


# -- backends -------------------------------------------------------------------------

def _one_case() -> Suite:
    case = Case(id="beanies", cls="reference", lang="en", turns=(
        Turn("show me beanies", {"cards": {"min": 2, "all": {"category": "Hats"}}}),
        Turn("tell me more about the second one", {"names_first": {"shown": [2]}})))
    return Suite(stores={"plain": {}}, cases=(case,))


def _results(request: dict) -> list[dict]:
    """The tool results the bridge sent the model, unfenced."""
    last = request["messages"][-1]["content"]
    return [json.loads(block["content"].removeprefix("<store_data>")
                       .removesuffix("</store_data>")) for block in last]


def beanie_script(case: Case, index: int, body: dict) -> list:
    """Claude's side of the case, written only from what the bridge sends it."""
    from fakes.anthropic_api import Message, Text, ToolUse

    if index == 0:
        return [Message([ToolUse("search_products", {"query": "beanie"})]),
                lambda request: Message([Text("\n".join(
                    f"- **{p['name']}**: ${p['price']}"
                    for p in _results(request)[0]["products"]))])]

    def second_of_the_list(request):
        said = " ".join(m["content"] for m in request["messages"]
                        if isinstance(m["content"], str) and m["role"] == "assistant")
        return Message([ToolUse("search_products",
                                {"query": re.findall(r"\*\*(.+?)\*\*", said)[1]})])

    return [second_of_the_list, lambda request: Message([Text(
        "The **{name}** is ${price}.".format(**_results(request)[0]["products"][0]))])]


def test_the_scripted_claude_hook_plays_a_case():
    backend = ScriptedClaude(beanie_script)
    try:
        result, = run(_one_case(), backend)
    finally:
        backend.close()
    assert result.error is None
    assert result.passed, report.failures([result])
    assert len(backend.api.requests) == 4
    assert "show me beanies" in json.dumps(backend.api.requests[0]["messages"])


def test_the_baseline_is_a_plain_search_of_the_last_message():
    result, = run(_one_case(), PlainSearch())
    assert result.error is None
    first, second = result.turns
    assert first.answer.startswith('Results for "show me beanies"')
    assert not result.passed  # "the second one" is not something a search can answer
