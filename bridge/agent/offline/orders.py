"""The shopper's own orders: their status, from the store (``order_status``)."""
from __future__ import annotations

import re
from typing import Iterator

from ..events import Event
from . import say
from .talk import Talk


def status(talk: Talk) -> Iterator[Event]:
    number = re.search(r"#?\b(\d{1,10})\b", talk.text)
    args = {"order_id": int(number.group(1))} if number else {}
    result = yield from talk.turn.use("order_status", args)
    if not result.ok:
        yield from say.chunks(f"{result.content['error']} Sign in to the store to see your "
                              "orders, or contact the store for help with one.")
        return
    orders = result.content["orders"]
    if not orders:
        yield from say.chunks("I can't find any orders of yours from the last year.")
        return
    lines = [f"- Order {o['order_id']} of {o['date']}: **{o['status']}**, "
             f"{say.money(o['total'], o['currency'])}"
             + (f", {say.money(o['refunded'], o['currency'])} refunded" if o["refunded"] else "")
             for o in orders]
    yield from say.chunks("\n".join(lines))
