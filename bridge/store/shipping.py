"""Where a store ships and what it costs: WooCommerce's shipping zones, and the rule that picks
the zone for an address.

A zone has locations (countries, states "US:CA", continents, postcodes) and methods (flat
rate, free shipping, local pickup). ``zone_for`` picks the zone WooCommerce would: the first
zone in order whose regions hold the address (a zone listing no region holds every one) and,
when the zone lists postcodes, whose postcodes hold it too; otherwise the catch-all zone 0 ("Locations not covered by your other
zones"), which has no locations.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Sequence

# The id WooCommerce gives the catch-all zone.
REST_OF_WORLD = 0


@dataclass(frozen=True)
class ZoneLocation:
    type: str  # "country", "state", "continent", "postcode"
    code: str  # "US", "US:CA", "EU", "941*" or "90210...90299"
    countries: tuple[str, ...] = ()  # a continent's countries, as the store lists them


@dataclass(frozen=True)
class ShippingMethod:
    kind: str  # WooCommerce's method_id: "flat_rate", "free_shipping", "local_pickup", ...
    title: str  # what the shopper sees at checkout
    cost: Decimal | None = None  # a plain cost; None when there is none or it is a formula
    cost_rule: str = ""  # the cost as the merchant wrote it when it is a formula ("10 + [qty]")
    requires: str = ""  # free shipping: "", "coupon", "min_amount", "either", "both"
    min_amount: Decimal | None = None
    class_costs: bool = False  # some shipping classes cost differently


@dataclass(frozen=True)
class ShippingZone:
    id: int
    name: str
    order: int
    locations: tuple[ZoneLocation, ...]
    methods: tuple[ShippingMethod, ...]  # the enabled ones, in the store's order


def decimal_or_none(text) -> Decimal | None:
    """A plain amount ("5", "5.00"); None for "", a formula or anything else."""
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() and value >= 0 else None


def normal_postcode(postcode: str) -> str:
    """Upper case without spaces or dashes, as WooCommerce compares them."""
    return re.sub(r"[\s-]", "", postcode or "").upper()


def postcode_matches(pattern: str, postcode: str) -> bool:
    """WooCommerce's postcode rules: an exact code, a prefix with "*", or a numeric range
    "90210...90299"."""
    pattern, code = normal_postcode(pattern), normal_postcode(postcode)
    if not code or not pattern:
        return False
    if "..." in pattern:
        low, _, high = pattern.partition("...")
        if low.isdigit() and high.isdigit() and code.isdigit():
            return int(low) <= int(code) <= int(high)
        return low <= code <= high
    if pattern.endswith("*"):
        return code.startswith(pattern[:-1])
    return code == pattern


def _in_region(location: ZoneLocation, country: str, state: str) -> bool:
    if location.type == "country":
        return location.code.upper() == country
    if location.type == "state":
        return bool(state) and location.code.upper() == f"{country}:{state}"
    if location.type == "continent":
        return country in location.countries
    return False


def zone_for(zones: Sequence[ShippingZone], country: str, state: str = "",
             postcode: str = "") -> ShippingZone | None:
    """The zone that serves an address, else the catch-all zone, else None."""
    country, state = country.upper(), state.upper()
    catch_all = None
    for zone in sorted(zones, key=lambda z: (z.order, z.id)):
        if zone.id == REST_OF_WORLD:
            catch_all = zone
            continue
        regions = [loc for loc in zone.locations if loc.type != "postcode"]
        codes = [loc for loc in zone.locations if loc.type == "postcode"]
        # As WooCommerce's own query: a zone without regions serves every region.
        if regions and not any(_in_region(loc, country, state) for loc in regions):
            continue
        if codes and not any(postcode_matches(loc.code, postcode) for loc in codes):
            continue
        return zone
    return catch_all
