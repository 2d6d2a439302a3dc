"""Rendering a turn for WhatsApp: its text in WhatsApp's formatting and length limits, its
products as an interactive list (or one product with buttons), its comparison as text.

Everything shown about a product (name, price, stock, links) comes from the cards, which
the tools built from store data; links to a cart or checkout come from the store, never
from the model's text.
"""
from __future__ import annotations

import re
from typing import Iterable

from bridge.agent.events import Answer
from bridge.catalog.money import NO_PRICE, display

from .graph import Outgoing

# The Cloud API's limits (interactive messages reference).
TEXT_MAX = 4096
BODY_MAX = 1024  # body of an interactive message
ROWS_MAX = 10
ROW_TITLE_MAX = 24
ROW_DESCRIPTION_MAX = 72
BUTTON_MAX = 20
BUTTONS_MAX = 3
SECTION_TITLE_MAX = 24
FOOTER_MAX = 60


def cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, ending in an ellipsis when shortened."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def price(card: dict) -> str:
    amount = card.get("price")
    text = display(amount, card.get("currency", ""))
    if text != NO_PRICE and card.get("price_max") and card["price_max"] != amount:
        text = "from " + text
    return text


def stock(card: dict) -> str:
    if not card.get("in_stock"):
        return "out of stock"
    left = card.get("stock_quantity")
    return f"in stock ({left} left)" if isinstance(left, int) and left <= 10 else "in stock"


# Markdown a model writes, as WhatsApp spells it: *bold*, _italic_, ~strike~.
_MARKDOWN = (
    (re.compile(r"^#{1,6}\s*(.+?)\s*#*$", re.M), r"*\1*"),
    (re.compile(r"\*\*(.+?)\*\*", re.S), r"*\1*"),
    (re.compile(r"__(.+?)__", re.S), r"_\1_"),
    (re.compile(r"~~(.+?)~~", re.S), r"~\1~"),
    (re.compile(r"!?\[([^\]]+)\]\((https?://[^)\s]+)\)"), r"\1 (\2)"),
    (re.compile(r"^(\s*)[-*+]\s+", re.M), r"\1• "),
)


def whatsapp_text(markdown: str) -> str:
    text = markdown.replace("\r\n", "\n")
    for pattern, replacement in _MARKDOWN:
        text = pattern.sub(replacement, text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def split(text: str, limit: int = TEXT_MAX) -> list[str]:
    """Pieces of at most ``limit`` characters, cut between paragraphs, else lines, else
    sentences, else words, and only mid-word when a word alone is longer than the limit."""
    pieces = []
    text = text.strip()
    while len(text) > limit:
        window = text[:limit + 1]
        at = -1
        for mark in ("\n\n", "\n", ". ", " "):
            at = window.rfind(mark, limit // 3)
            if at > 0:
                at += len(mark.rstrip()) if mark == ". " else 0
                break
        if at <= 0:
            at = limit
        pieces.append(text[:at].rstrip())
        text = text[at:].strip()
    if text:
        pieces.append(text)
    return pieces


def comparison_text(rows: Iterable[dict], cards: dict) -> str:
    lines = []
    for row in rows:
        values = [f"{cut(cards.get(int(pid), {}).get('name', f'#{pid}'), 30)}: {value}"
                  for pid, value in (row.get("values") or {}).items()]
        lines.append(f"*{row.get('label', '')}*\n" + "\n".join(f"• {v}" for v in values))
    return "\n\n".join(lines)


def product_list(cards: list[dict]) -> Outgoing:
    """Up to ten products as one interactive list; a tap asks about that product."""
    shown = cards[:ROWS_MAX]
    rows = [[f"p:{c['id']}", cut(c["name"], ROW_TITLE_MAX),
             cut(f"{price(c)} · {stock(c)}", ROW_DESCRIPTION_MAX)] for c in shown]
    noun = "product" if len(shown) == 1 else "products"
    return Outgoing(kind="list", text=f"{len(shown)} {noun} for you. Tap one for details.",
                    button=cut("See products", BUTTON_MAX),
                    section=cut("Products", SECTION_TITLE_MAX), rows=rows)


def product_buttons(card: dict, can_add: bool) -> Outgoing:
    """One product with what can be done with it: add to cart, checkout, view cart."""
    lines = [f"*{card['name']}*", f"{price(card)} · {stock(card)}"]
    if card.get("variations"):
        lines.append("Choose your options on the product page:")
    if card.get("url"):
        lines.append(card["url"])
    buttons = []
    if can_add and card.get("in_stock") and not card.get("variations"):
        buttons.append([f"add:{card['id']}", "Add to cart"])
    buttons += [["checkout", "Checkout"], ["cart", "View cart"]]
    return Outgoing(kind="buttons", text=cut_body("\n".join(lines)),
                    buttons=[[i, cut(t, BUTTON_MAX)] for i, t in buttons[:BUTTONS_MAX]])


def cut_body(text: str) -> str:
    return text if len(text) <= BODY_MAX else text[:BODY_MAX - 1] + "…"


def render_turn(answer: Answer, can_add: bool = True) -> tuple[list[Outgoing], list[dict]]:
    """The messages that answer a turn (bridge.agent.events.collect), and the cards it
    showed (in order)."""
    body = whatsapp_text(answer.text)
    if answer.rows:
        cards = {int(card["id"]): card for card in answer.cards}
        body = (body + "\n\n" + comparison_text(answer.rows, cards)).strip()
    out = [Outgoing(kind="text", text=piece) for piece in split(body)]
    shown = list(answer.cards)
    if len(shown) == 1:
        out.append(product_buttons(shown[0], can_add))
    elif shown and not answer.rows:
        out.append(product_list(shown))
    return out, shown


def text_reply(text: str) -> Outgoing:
    """A plain text message (its first part, should it pass WhatsApp's length)."""
    return Outgoing(kind="text", text=split(text)[0])
