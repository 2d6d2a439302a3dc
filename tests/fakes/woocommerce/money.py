"""Money as the store formats it: USD, symbol on the left, "," thousands, "." decimals, 2 places.

wc/v3 sends decimal strings ("19.99") and price_html with <bdi> and "&#36;"; the Store API sends
minor units ("1999") beside the currency fields, and price_html without <bdi>, with "&#036;".
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CURRENCY = {
    "currency_code": "USD", "currency_symbol": "$", "currency_minor_unit": 2,
    "currency_decimal_separator": ".", "currency_thousand_separator": ",",
    "currency_prefix": "$", "currency_suffix": "",
}


def cents(price: str | None) -> int | None:
    """Minor units of a decimal price string; None for an empty price."""
    if price in (None, ""):
        return None
    return int((Decimal(str(price)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def decimal(amount: int) -> str:
    """A wc/v3 money string with 2 decimals: 1999 -> "19.99"."""
    return f"{Decimal(amount) / 100:.2f}"


def formatted(amount: int) -> str:
    """The number as shown to shoppers: 123456 -> "1,234.56"."""
    return f"{Decimal(amount) / 100:,.2f}"


def amount_html(amount: int, *, v3: bool, hidden: bool = False) -> str:
    """wc_price(): one amount in its spans."""
    symbol = "&#36;" if v3 else "&#036;"
    number = f'<span class="woocommerce-Price-currencySymbol">{symbol}</span>{formatted(amount)}'
    if v3:
        number = f"<bdi>{number}</bdi>"
    aria = ' aria-hidden="true"' if hidden else ""
    return f'<span class="woocommerce-Price-amount amount"{aria}>{number}</span>'


def sale_html(regular: int, price: int, *, v3: bool) -> str:
    """wc_format_sale_price(): struck regular price, then the sale price, with reader texts."""
    return (f'<del aria-hidden="true">{amount_html(regular, v3=v3)}</del> '
            f'<span class="screen-reader-text">Original price was: &#036;{formatted(regular)}.'
            f'</span><ins aria-hidden="true">{amount_html(price, v3=v3)}</ins>'
            f'<span class="screen-reader-text">Current price is: &#036;{formatted(price)}.</span>')


def range_html(low: int, high: int, *, v3: bool) -> str:
    """wc_format_price_range(): "low – high" with a reader text."""
    symbol = "&#36;" if v3 else "&#036;"
    return (f'{amount_html(low, v3=v3, hidden=True)} <span aria-hidden="true">&ndash;</span> '
            f'{amount_html(high, v3=v3, hidden=True)}<span class="screen-reader-text">'
            f'Price range: {symbol}{formatted(low)} through {symbol}{formatted(high)}</span>')


def amounts(**values: int | None) -> dict:
    """Store API amounts: minor-unit strings (None stays null)."""
    return {k: (None if v is None else str(v)) for k, v in values.items()}


def store_money(**values: int | None) -> dict:
    """A Store API money object: the amounts, then the currency fields."""
    return {**amounts(**values), **CURRENCY}
