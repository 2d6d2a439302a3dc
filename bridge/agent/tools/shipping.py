"""``get_shipping_options``: where the store ships and what it costs, from its own shipping
zones (WooCommerce's zones, locations and methods), for a country and postcode or overall."""
from __future__ import annotations

import re
from decimal import Decimal

from ...catalog.money import amount as money
from ...store.base import StoreError
from ...store.shipping import ShippingMethod, ShippingZone, zone_for
from .registry import Tool, ToolContext, ToolResult

COUNTRY = re.compile(r"^[A-Za-z]{2}$")
STATE = re.compile(r"^[A-Za-z0-9-]{1,10}$")
NO_TIMES = ("The store's shipping settings hold no delivery times: for those see "
            "get_store_policies, and don't estimate any.")
CONDITIONS = {"min_amount": "an order of at least {amount}",
              "coupon": "a free-shipping coupon",
              "either": "an order of at least {amount} or a free-shipping coupon",
              "both": "an order of at least {amount} and a free-shipping coupon"}


def method_view(method: ShippingMethod) -> dict:
    view = {"title": method.title, "kind": method.kind}
    if method.cost is not None:
        view["cost"] = money(method.cost)
    elif method.cost_rule:
        view["cost_rule"] = method.cost_rule  # a formula: the checkout works it out
    elif method.kind == "free_shipping":
        view["cost"] = money(Decimal(0))
    if method.kind == "free_shipping" and method.requires in CONDITIONS:
        if method.min_amount is not None and method.requires != "coupon":
            view["min_amount"] = money(method.min_amount)
        view["only_with"] = CONDITIONS[method.requires].format(
            amount=money(method.min_amount) if method.min_amount is not None else "a minimum")
    if method.class_costs:
        view["varies_by_shipping_class"] = True
    return view


def _zone_view(zone: ShippingZone) -> dict:
    return {"zone": zone.name, "methods": [method_view(m) for m in zone.methods]}


def get_shipping_options(ctx: ToolContext, args: dict) -> ToolResult:
    country = (args.get("country") or "").strip()
    state = (args.get("state") or "").strip().upper()
    postcode = (args.get("postcode") or "").strip()
    if country and not COUNTRY.match(country):
        return ToolResult.error("country must be a two-letter ISO code, e.g. DE or US.")
    if state and not STATE.match(state):
        return ToolResult.error("state must be the store's state code, e.g. CA.")
    try:
        zones = ctx.store.shipping_zones()
        details = ctx.store.details()
    except StoreError as exc:
        return ToolResult.refused(exc)
    currency = ctx.store.currency
    if not country:
        served = [_zone_view(z) for z in zones if z.id and z.methods]
        rest = next((z for z in zones if not z.id and z.methods), None)
        return ToolResult(content={
            "zones": served, "everywhere_else": _zone_view(rest)["methods"] if rest else None,
            "currency": currency,
            "note": "The store's shipping zones. Ask for the country (and postcode) to say "
                    "which applies. " + NO_TIMES})
    country = country.upper()
    zone = zone_for(zones, country, state, postcode)
    content = {"country": country, "currency": currency}
    if state:
        content["state"] = state
    if postcode:
        content["postcode"] = postcode[:20]
    if zone is None or not zone.methods or not details.ships(country):
        content.update(ships=False, note=f"The store does not ship to {country}: say so "
                                         "plainly and offer a person for anything else.")
        return ToolResult(content=content)
    content.update(ships=True, **_zone_view(zone), note=NO_TIMES)
    if not postcode and any(_by_postcode(z, country) for z in zones):
        content["postcode_matters"] = True
        content["note"] += " Options differ by postcode here: ask for it."
    return ToolResult(content=content)


def _by_postcode(zone: ShippingZone, country: str) -> bool:
    """A zone whose postcodes could pick it for an address in ``country``."""
    if not any(loc.type == "postcode" for loc in zone.locations):
        return False
    regions = [loc for loc in zone.locations if loc.type != "postcode"]
    return not regions or any(loc.code.upper().split(":")[0] == country
                              or country in loc.countries for loc in regions)


GET_SHIPPING_OPTIONS = Tool(
    name="get_shipping_options",
    description=("Where the store ships and what shipping costs, from the store's own "
                 "shipping zones: for a country (ISO code, e.g. DE) and optionally a state "
                 "and postcode, the methods and costs that apply or that it doesn't ship "
                 "there; without a country, every zone. It holds no delivery times."),
    schema={"type": "object", "properties": {
        # Longer than a code, so a country name is refused rather than cut to two letters.
        "country": {"type": "string", "maxLength": 60,
                    "description": "Two-letter ISO 3166 code: 'United Kingdom' is GB."},
        "state": {"type": "string", "maxLength": 40,
                  "description": "State or province code where the country has them."},
        "postcode": {"type": "string", "maxLength": 20}}},
    handler=get_shipping_options,
)
