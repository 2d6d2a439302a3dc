import re
from pathlib import Path

from bridge.agent.events import (EVENT_TYPES, Chunk, Comparison, Done, Error, Products,
                                 ToolCalled, wire)

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
