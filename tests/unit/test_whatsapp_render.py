"""WhatsApp rendering: formatting, the Cloud API's length limits, and what a list shows."""
from __future__ import annotations

from bridge.agent.events import Chunk, Comparison, Done, Products, collect
from channels.whatsapp import render


def card(id, name="Hoodie", price="40.00", in_stock=True, stock=20, **extra):
    return {"id": id, "name": name, "price": price, "currency": "USD", "in_stock": in_stock,
            "stock_quantity": stock, "url": f"http://shop.test/p/{id}/", **extra}


def test_markdown_becomes_whatsapp_formatting():
    text = render.whatsapp_text(
        "## Top picks\n**Bold** and __italic__ and ~~old~~\n- one\n* two\n"
        "[the shop](https://shop.test/)\n\n\n\nend")
    assert text == ("*Top picks*\n*Bold* and _italic_ and ~old~\n• one\n• two\n"
                    "the shop (https://shop.test/)\n\nend")


def test_long_text_is_split_between_paragraphs_within_4096():
    paragraph = "word " * 300  # ~1500 characters
    text = "\n\n".join([paragraph.strip()] * 6)
    pieces = render.split(text)
    assert all(len(p) <= 4096 for p in pieces)
    assert len(pieces) == 3
    assert all(p == "\n\n".join([paragraph.strip()] * 2) for p in pieces)
    assert " ".join(" ".join(pieces).split()) == " ".join(text.split())


def test_a_text_without_breaks_is_split_between_words_or_hard():
    words = render.split("abcdefghij " * 1000)
    assert all(len(p) <= 4096 for p in words) and all(not p.endswith("abcde") for p in words)
    solid = render.split("x" * 9000)
    assert [len(p) for p in solid] == [4096, 4096, 808]


def test_a_list_keeps_to_the_interactive_limits():
    cards = [card(i, name=f"Extraordinarily Long Product Name Number {i}",
                  price="1234567.50", stock=3) for i in range(1, 15)]
    message = render.product_list(cards)
    assert message.kind == "list"
    assert len(message.rows) == 10  # WhatsApp allows ten rows
    for row_id, title, description in message.rows:
        assert len(title) <= 24 and title.endswith("…")
        assert len(description) <= 72
    assert message.rows[0] == ["p:1", "Extraordinarily Long Pr…", "$1,234,567.50 · in stock (3 left)"]
    assert len(message.button) <= 20 and len(message.section) <= 24


def test_price_and_stock_come_from_the_card():
    assert render.price(card(1, price="35.7")) == "$35.70"
    assert render.price(card(1, price="20.00", price_max="30.00")) == "from $20.00"
    assert render.price({"price": "10.00", "currency": "CHF"}) == "10.00 CHF"
    assert render.price({"price": None, "currency": "USD"}) == "price on request"
    assert render.stock(card(1, in_stock=False)) == "out of stock"
    assert render.stock(card(1, stock=None)) == "in stock"
    assert render.stock(card(1, stock=4)) == "in stock (4 left)"


def test_one_product_gets_buttons_within_limits():
    message = render.product_buttons(card(7, name="Tee"), can_add=True)
    assert message.buttons == [["add:7", "Add to cart"], ["checkout", "Checkout"],
                               ["cart", "View cart"]]
    assert len(message.buttons) <= 3 and all(len(t) <= 20 for _, t in message.buttons)
    sold_out = render.product_buttons(card(7, in_stock=False), can_add=True)
    assert [b[0] for b in sold_out.buttons] == ["checkout", "cart"]
    long_body = render.product_buttons(card(7, name="N" * 2000), can_add=True)
    assert len(long_body.text) <= 1024


def test_a_turn_renders_text_then_products():
    events = [Chunk("Here are **two**:"), Products((card(1), card(2))),
              Products((card(2),)), Done("cv_1", "msg_1")]
    out, shown = render.render_turn(collect(events))
    assert [o.kind for o in out] == ["text", "list"]
    assert out[0].text == "Here are *two*:"
    assert [c["id"] for c in shown] == [1, 2]


def test_a_comparison_is_written_out_under_the_text():
    events = [Chunk("Side by side:"), Products((card(1, name="A"), card(2, name="B"))),
              Comparison(({"label": "Price", "values": {"1": "$40.00", "2": "$35.00"}},))]
    out, _ = render.render_turn(collect(events))
    assert [o.kind for o in out] == ["text"]
    assert out[0].text == "Side by side:\n\n*Price*\n• A: $40.00\n• B: $35.00"


def test_no_text_and_no_products_renders_nothing():
    assert render.render_turn(collect([Done("cv", "msg")])) == ([], [])
