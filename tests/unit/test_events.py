import re
from pathlib import Path

from bridge.agent.events import (EVENT_TYPES, Answer, Chunk, Comparison, Done, Error, Products,
                                 ToolCalled, collect, wire)

CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "CONTRACT.md"


def test_the_event_types_are_exactly_the_contracts():
    text = CONTRACT.read_text()
    line = next(l for l in text.splitlines() if "Types: `chunk`" in l) + text
    contract = set(re.findall(r"`(chunk|tool|products|comparison|done|error)`", line))
    assert {t.type for t in EVENT_TYPES} == contract


def test_each_event_has_the_contracts_fields():
    assert wire(Chunk("hi")) == {"type": "chunk", "content": "hi"}
    assert wire(ToolCalled("search_products")) == {"type": "tool", "name": "search_products"}
    assert wire(Products(({"id": 1},))) == {"type": "products", "products": [{"id": 1}]}
    assert wire(Comparison(({"label": "Price", "values": {"1": "2.00"}},))) == \
        {"type": "comparison", "rows": [{"label": "Price", "values": {"1": "2.00"}}]}
    assert wire(Done("cv_1", "msg_1")) == \
        {"type": "done", "conversation_ref": "cv_1", "message_ref": "msg_1"}
    assert wire(Done("cv_1", "msg_1", degraded=True))["degraded"] is True
    assert wire(Error("x", "y")) == {"type": "error", "code": "x", "message": "y"}


def test_collect_folds_a_turn_into_its_text_cards_last_comparison_and_end():
    first, second = {"id": 1, "name": "A"}, {"id": 2, "name": "B"}
    shown_again = {"id": 1, "name": "A, read again"}
    done = Done("cv_1", "msg_1")
    answer = collect([Chunk("Here "), ToolCalled("search_products"), Products((first, second)),
                      Chunk("they are."), Products((shown_again,)),
                      Comparison(({"label": "Price", "values": {"1": "2.00"}},)),
                      Comparison(({"label": "Rating", "values": {"1": "4.0"}},)), done])
    assert answer == Answer(text="Here they are.", cards=(first, second),
                            rows=({"label": "Rating", "values": {"1": "4.0"}},), done=done)


def test_collect_of_a_turn_without_an_end_has_no_done():
    assert collect([Chunk("cut short"), Error("x", "y")]) == \
        Answer(text="cut short", cards=(), rows=(), done=None)
    assert collect([]) == Answer(text="", cards=(), rows=(), done=None)


def test_the_storefront_and_whatsapp_show_the_cards_of_one_fold():
    from bridge.agent.render import fold
    from channels.whatsapp.render import render_turn

    events = [Chunk("Two:"), Products(({"id": 2, "name": "B", "price": "1.00", "currency": "USD",
                                        "in_stock": True},)),
              Products(({"id": 1, "name": "A", "price": "2.00", "currency": "USD",
                         "in_stock": True}, {"id": 2, "name": "B again"})),
              Done("cv_1", "msg_1")]
    _, shown = render_turn(collect(events))
    assert [c["id"] for c in fold(events)["cards"]] == [c["id"] for c in shown] == [2, 1]
    assert fold(events)["cards"] == shown == list(collect(events).cards)
