"""bridge.catalog.money: one way to write an amount on the wire and one way to show it."""
from __future__ import annotations

from decimal import Decimal

import pytest

from bridge.agent.offline import say
from bridge.catalog import money
from channels.whatsapp import render


@pytest.mark.parametrize("value, currency, shown", [
    (Decimal("1234.5"), "USD", "$1,234.50"),
    ("35.7", "EUR", "€35.70"),
    ("10.00", "SAR", "SAR 10.00"),
    ("10.00", "chf", "10.00 CHF"),
    ("10.00", "", "10.00"),
    (Decimal("0.125"), "GBP", "£0.13"),  # half up, as WooCommerce rounds
    (None, "USD", "price on request"),
    ("n/a", "USD", "$n/a"),  # what the store wrote, never a made-up number
])
def test_display_writes_an_amount_as_people_read_it(value, currency, shown):
    assert money.display(value, currency) == shown


def test_the_wire_amount_has_two_places_rounded_half_up_and_none_stays_none():
    assert money.amount(Decimal("19.9")) == "19.90"
    assert money.amount(Decimal("0.125")) == "0.13"
    assert money.amount(Decimal("2.675")) == "2.68"
    assert money.amount(Decimal("1E+30")) == "1" + "0" * 30 + ".00"  # no precision ceiling
    assert money.amount(None) is None


def test_minor_units_follow_the_currency():
    assert money.minor_units("19.99", "USD") == 1999
    assert money.minor_units("1200", "jpy") == 1200
    assert money.minor_units(None, "USD") is None


@pytest.mark.parametrize("currency", sorted(money.SYMBOLS) + ["CHF", "SEK"])
def test_every_channel_writes_a_price_the_same_way(currency):
    card = {"id": 1, "price": "1234.50", "currency": currency}
    expected = money.display("1234.50", currency)
    assert say.money(card["price"], currency) == expected
    assert say.price(card) == expected
    assert render.price(card) == expected
