"""The claim reader and the check on the marked cases: each claim read where it is marked,
judged as marked, and a false one never shown, through the streaming filter too."""
from __future__ import annotations

import re

import pytest

from bridge.agent.honesty import verdicts
from bridge.agent.honesty.claims import number, read
from bridge.agent.honesty.screen import Screen

from . import cases
from .shop import CHECK, facts, parse

CASES = [pytest.param(kind, case, id=f"{kind}-{n}")
         for kind, group in cases.ALL.items() for n, case in enumerate(group)]


@pytest.mark.parametrize("kind,case", CASES)
def test_each_claim_is_read_and_judged_as_marked(kind, case):
    text, marks = parse(case)
    judged = verdicts(text, facts())
    found = [(v.claim.start, v.claim.end, v.ok) for v in judged]
    for start, end, ok in marks:
        hits = [f for f in found if f[0] < end and start < f[1]]
        assert hits, f"{text[start:end]!r} was not read in {text!r}"
        assert all(h[2] == ok for h in hits), f"{text[start:end]!r} judged {not ok}"
    for start, end, ok in found:
        assert any(s < end and start < e for s, e, _ in marks), \
            f"{text[start:end]!r} read as a claim in {text!r}"
    assert any(v.claim.kind == kind for v in judged)


def _stream(text: str, book) -> tuple[str, list]:
    screen = Screen(lambda: book, "", None)
    pieces = re.findall(r"\S+\s*", text)
    out = [screen.feed(p) for p in pieces] + [screen.feed("", final=True)]
    return "".join(out), screen.verdicts


@pytest.mark.parametrize("kind,case", CASES)
def test_a_false_figure_never_streams_and_a_true_one_streams_as_written(kind, case):
    text, marks = parse(case)
    shown, _ = _stream(text, facts())
    for start, end, ok in marks:
        figure = text[start:end]
        alone = re.compile(rf"(?<![\w.,]){re.escape(figure)}(?![\w]|[.,]\d)")
        if ok and not any(not m[2] and m[0] < start for m in marks):
            # (a true figure after a withheld one in its sentence goes with that sentence)
            assert figure in shown
        elif not any(m[2] and text[m[0]:m[1]] == figure for m in marks):
            assert not alone.search(shown), shown


@pytest.mark.parametrize("text", cases.PLAIN)
def test_plain_figures_are_not_claims_and_pass_untouched(text):
    assert read(text) == []
    assert _stream(text, facts())[0] == text


def test_every_kind_has_at_least_forty_cases_true_and_false():
    for kind in ("money", "percent", "stock", "code", "delivery"):
        marks = [ok for case in cases.ALL[kind] for _, _, ok in parse(case)[1]]
        assert len(marks) >= 40 and True in marks and False in marks, kind


@pytest.mark.parametrize("written,value,decimals", [
    ("94", "94", 0), ("94.00", "94.00", 2), ("94,00", "94.00", 2), ("1,234.56", "1234.56", 2),
    ("1.234,56", "1234.56", 2), ("1 234,56", "1234.56", 2), ("1,234", "1234", 0),
    ("12,5", "12.5", 1), ("1\u202f234,50", "1234.50", 2)])
def test_numbers_read_in_either_decimal_style(written, value, decimals):
    from decimal import Decimal
    assert number(written) == (Decimal(value), decimals)


def test_a_wrong_price_next_to_a_product_is_corrected_to_the_store_value():
    shown, verdicts = _stream("The Quilted Liner Jacket costs $12.34 and is warm.", facts())
    assert shown == "The Quilted Liner Jacket costs $94.00 and is warm."
    assert verdicts[0].replacement == "$94.00" and verdicts[0].subject.product_id == 11


def test_a_variable_product_is_corrected_to_its_from_price():
    shown, _ = _stream("The Trail Hoodie is $45.00 in blue.", facts())
    assert shown == "The Trail Hoodie is from $40.00 in blue."


@pytest.mark.parametrize("text", [
    "Together the Quilted Liner Jacket and the Canvas Tote Bag cost $120.00.",
    "The Quilted Liner Jacket is under $90.",
])
def test_a_wrong_sum_or_limit_is_withheld_not_corrected_to_one_price(text):
    shown, verdicts = _stream(text, facts())
    assert "$94.00" not in shown and "I can't confirm that price" in shown
    assert verdicts[0].replacement is None


def test_a_decimal_comma_claim_is_corrected_in_its_own_style():
    shown, _ = _stream("La Quilted Liner Jacket cuesta 12,34 $.", facts())
    assert shown == "La Quilted Liner Jacket cuesta 94,00 $."


def test_a_figure_of_no_known_product_is_withheld_with_the_rest_of_its_sentence():
    book = CHECK.base()
    shown, verdicts = _stream(
        "It costs $12.34 and ships free tomorrow with code FREE50. Anything else?", book)
    assert "12.34" not in shown and "FREE50" not in shown and "tomorrow" not in shown
    assert shown == ("It costs — I can't confirm that price here, so please check it on the "
                     "product page or at checkout. Anything else?")
    # every false figure of the dropped sentence is recorded, not only the first (free
    # shipping is in this shop's policies)
    assert [(v.claim.kind, v.claim.text) for v in verdicts] == [
        ("money", "$12.34"), ("delivery", "tomorrow"), ("code", "FREE50")]
    assert not any(v.ok or v.replacement for v in verdicts)


@pytest.mark.parametrize("text,lang_word", [
    ("El abrigo de la tienda cuesta 12,34 $ y es para ti.", "no puedo confirmar"),
    ("Le manteau de la boutique coûte 12,34 $ et il est pour vous.", "je ne peux pas"),
    ("Der Mantel ist für Sie und kostet 12,34 $ und ist warm.", "kann ich hier nicht"),
    ("O casaco da loja custa 12,34 $ e é para você.", "não posso confirmar esse preço"),
    ("Il cappotto del negozio costa 12,34 $ ed è per te.", "non posso confermare questo prezzo"),
    ("المعطف سعره 12,34 $ وهو لك.", "لا يمكنني تأكيد هذا السعر"),
])
def test_the_withholding_reads_in_the_reply_language(text, lang_word):
    shown, _ = _stream(text, CHECK.base())
    assert lang_word in shown and "12,34" not in shown


def test_a_span_is_held_until_complete_then_released_in_one_piece():
    screen = Screen(facts, "", None)
    assert screen.feed("The Quilted Liner Jacket costs ") == "The Quilted Liner Jacket costs "
    assert screen.feed("$1") == ""
    assert screen.feed("2.") == ""
    assert screen.feed("34 ") == ""
    assert screen.feed("and it is warm.") == ""
    assert screen.feed(" Anything else?") == "$94.00 and it is warm. Anything else?"


def test_a_word_that_may_become_a_sign_waits_for_the_next_chunk():
    screen = Screen(lambda: CHECK.base(), "", None)
    assert screen.feed("It arrives tomo") == "It arrives "
    assert screen.feed("rrow. Bye") == "— I can't confirm that delivery promise here, so " \
        "please check it on the product page or at checkout. Bye"


def _stream_in(pieces: list[str], book) -> str:
    screen = Screen(lambda: book, "", None)
    return "".join([screen.feed(p) for p in pieces] + [screen.feed("", final=True)])


@pytest.mark.parametrize("kind,case", CASES)
def test_how_a_reply_is_cut_into_chunks_does_not_change_what_is_shown(kind, case):
    text, _ = parse(case)
    book = facts()
    whole = _stream_in([text], book)
    assert _stream_in(list(text), book) == whole
    assert _stream_in([text[i:i + 3] for i in range(0, len(text), 3)], book) == whole


@pytest.mark.parametrize("joint", [" ", "\n", "\n- "])
def test_a_long_reply_of_many_claims_shows_the_same_however_it_is_cut(joint):
    texts = [parse(case)[0] for group in cases.ALL.values() for case in group[::4]]
    reply = joint.join(texts)
    book = facts()
    whole = _stream_in([reply], book)
    assert _stream_in(list(reply), book) == whole
    assert _stream_in(re.findall(r"\S+\s*", reply), book) == whole
