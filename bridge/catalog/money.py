"""Money, written once: decimal strings for the wire, prices as people read them, minor units.

``amount`` is the wire form ("19.99", two places, as WooCommerce writes prices); ``display``
is what a shopper or customer reads ("$1,234.50", "10.00 CHF") from the one table of
currency symbols; ``minor_units`` is what product feeds count in.
"""
from __future__ import annotations

from decimal import (MAX_EMAX, MAX_PREC, MIN_EMIN, ROUND_HALF_UP, Context, Decimal,
                     InvalidOperation)

# Currencies written with a symbol before the amount; any other is written after it by code.
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "AUD": "A$",
           "CAD": "C$", "SAR": "SAR ", "AED": "AED "}
# Currencies without a minor unit (ISO 4217); every other one has two decimals here.
NO_MINOR_UNIT = {"JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF"}
NO_PRICE = "price on request"


CENT = Decimal("0.01")
# Half up, as WooCommerce rounds; no precision ceiling, so no amount is too long to write.
_ROUNDING = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, rounding=ROUND_HALF_UP)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, context=_ROUNDING) if value.is_finite() else value


def amount(value: Decimal | None) -> str | None:
    """A Decimal as the wire's two-place string; None stays None (a figure the store lacks)."""
    return None if value is None else str(_cents(value))


def display(value: Decimal | str | None, currency: str) -> str:
    """"$1,234.50" or "10.00 CHF": an amount as people read it; "price on request" for None."""
    if value is None:
        return NO_PRICE
    try:
        number = format(_cents(Decimal(value)), ",.2f")
    except (InvalidOperation, TypeError, ValueError):
        number = str(value)
    code = (currency or "").strip().upper()
    symbol = SYMBOLS.get(code)
    return f"{symbol}{number}" if symbol else f"{number} {code}".strip()


def minor_units(price: str | None, currency: str) -> int | None:
    """A decimal price string in the currency's minor units (cents; yen as they are)."""
    if price is None:
        return None
    scale = 1 if currency.upper() in NO_MINOR_UNIT else 100
    return int((Decimal(price) * scale).to_integral_value())
