"""What a store already says about itself: its address and email, where it sells and ships,
the payment methods its checkout offers, and its published terms and refund pages. The
merchant's words, kept as data."""
from __future__ import annotations

from dataclasses import dataclass

# How much of a policy page's text is kept: enough to quote, short enough for one turn.
PAGE_CHARS = 2000


@dataclass(frozen=True)
class StorePage:
    kind: str  # "terms" or "refunds"
    title: str
    url: str
    text: str  # plain text, at most PAGE_CHARS


@dataclass(frozen=True)
class StoreDetails:
    address: tuple[str, ...] = ()  # lines, street first, country code last
    email: str = ""
    # Country codes the store ships to; None for every country (it says nothing narrower),
    # an empty tuple when shipping is switched off.
    ships_to: tuple[str, ...] | None = None
    ships_except: tuple[str, ...] = ()  # "all countries except"
    payment_methods: tuple[str, ...] = ()  # the enabled gateways' titles, in checkout order
    pages: tuple[StorePage, ...] = ()

    def ships(self, country: str) -> bool:
        country = country.upper()
        if self.ships_to is not None and country not in self.ships_to:
            return False
        return country not in self.ships_except


def shipping_countries(settings: dict[str, object]) -> tuple[tuple[str, ...] | None,
                                                              tuple[str, ...]]:
    """(ships_to, ships_except) from WooCommerce's general settings by id: the shipping
    locations, which default to the selling locations."""
    def codes(key: str) -> tuple[str, ...]:
        value = settings.get(key) or ()
        return tuple(str(c).upper() for c in (value if isinstance(value, list) else ()))

    ship = settings.get("woocommerce_ship_to_countries") or ""
    if ship == "disabled":
        return (), ()
    if ship == "specific":
        return codes("woocommerce_specific_ship_to_countries"), ()
    if ship == "all":
        return None, ()
    sell = settings.get("woocommerce_allowed_countries") or "all"
    if sell == "specific":
        return codes("woocommerce_specific_allowed_countries"), ()
    if sell == "all_except":
        return None, codes("woocommerce_all_except_countries")
    return None, ()
