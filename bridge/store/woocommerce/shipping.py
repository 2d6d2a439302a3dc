"""What a WooCommerce site says about shipping and itself, read through wc/v3 and wp/v2.

Shipping: /shipping/zones (zone 0, the catch-all, comes first), each zone's /locations and
/methods, and /data/continents/<code> for a zone that names a continent. Details: the store
address and shipping countries from /settings/general, the sender email from
/settings/email, the enabled payment methods from /payment_gateways, the terms page from
/settings/advanced, and the published pages behind them
from wp/v2 (WooCommerce creates its "Refund and Returns Policy" page, slug refund_returns, as a
draft: it is read only once the merchant publishes it).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from ..base import StoreUnavailable
from ..details import PAGE_CHARS, StoreDetails, StorePage, shipping_countries
from ..shipping import ShippingMethod, ShippingZone, ZoneLocation, decimal_or_none
from . import records
from .http import WooHttp

REFUND_PAGE_SLUG = "refund_returns"
# A zone's locations and methods are two requests: read this many zones at once, on the
# session's keep-alive pool (as a sync reads variations).
ZONE_WORKERS = 8


def zones(http: WooHttp) -> list[ShippingZone]:
    """Every zone; each zone's locations and methods are read ZONE_WORKERS at once."""
    def read(zone: dict) -> tuple[dict, list, list]:
        zone_id = int(zone["id"])
        locations = http.get(f"shipping/zones/{zone_id}/locations") if zone_id else []
        return zone, locations or [], http.get(f"shipping/zones/{zone_id}/methods") or []

    with ThreadPoolExecutor(ZONE_WORKERS) as pool:
        rows = list(pool.map(read, http.get("shipping/zones") or []))
    found, continents = [], {}
    for zone, locations, methods in rows:
        enabled = sorted((m for m in methods if m.get("enabled")),
                         key=lambda m: m.get("order") or 0)
        found.append(ShippingZone(
            id=int(zone["id"]), name=records.text(zone.get("name")),
            order=int(zone.get("order") or 0),
            locations=tuple(_location(http, loc, continents) for loc in locations),
            methods=tuple(_method(m) for m in enabled)))
    return found


def _location(http: WooHttp, data: dict, continents: dict) -> ZoneLocation:
    kind, code = data.get("type") or "country", str(data.get("code") or "")
    countries = ()
    if kind == "continent":
        if code not in continents:
            continent = http.get(f"data/continents/{code.lower()}") or {}
            continents[code] = tuple(str(c.get("code", "")).upper()
                                     for c in continent.get("countries") or ())
        countries = continents[code]
    return ZoneLocation(type=kind, code=code, countries=countries)


def _method(data: dict) -> ShippingMethod:
    settings = {key: (value or {}).get("value") for key, value in
                (data.get("settings") or {}).items() if isinstance(value, dict)}
    raw_cost = str(settings.get("cost") or "").strip()
    cost = decimal_or_none(raw_cost) if raw_cost else None
    return ShippingMethod(
        kind=data.get("method_id") or "",
        title=records.text(data.get("title") or data.get("method_title")),
        cost=cost, cost_rule=raw_cost if raw_cost and cost is None else "",
        requires=str(settings.get("requires") or ""),
        min_amount=decimal_or_none(settings.get("min_amount") or ""),
        class_costs=any(k.startswith("class_cost_") and str(v or "").strip()
                        for k, v in settings.items()))


def details(http: WooHttp) -> StoreDetails:
    general = _settings(http, "general")
    if general is None:
        raise StoreUnavailable("The store's general settings could not be read.")
    email = (_settings(http, "email") or {}).get("woocommerce_email_from_address") or ""
    ships_to, ships_except = shipping_countries(general)
    return StoreDetails(address=_address(general), email=str(email).strip(),
                        ships_to=ships_to, ships_except=ships_except,
                        payment_methods=_payment_methods(http), pages=_pages(http))


def _payment_methods(http: WooHttp) -> tuple[str, ...]:
    gateways = http.get("payment_gateways") or []
    enabled = sorted((g for g in gateways if isinstance(g, dict) and g.get("enabled")),
                     key=lambda g: g.get("order") if isinstance(g.get("order"), int) else 0)
    return tuple(t for t in (records.text(g.get("title") or g.get("method_title"))
                             for g in enabled) if t)


def _settings(http: WooHttp, group: str) -> dict | None:
    found = http.get(f"settings/{group}")
    if not isinstance(found, list):
        return None
    return {s.get("id"): s.get("value") for s in found if isinstance(s, dict)}


def _address(general: dict) -> tuple[str, ...]:
    country, _, state = str(general.get("woocommerce_default_country") or "").partition(":")
    city = " ".join(str(general.get(k) or "").strip()
                    for k in ("woocommerce_store_city", "woocommerce_store_postcode")).strip()
    lines = (general.get("woocommerce_store_address"), general.get("woocommerce_store_address_2"),
             city, ", ".join(p for p in (state, country) if p))
    return tuple(str(line).strip() for line in lines if line and str(line).strip())


def _pages(http: WooHttp) -> tuple[StorePage, ...]:
    """The terms and refund pages that are published; a page WordPress won't show is left
    out, and so is a page it could not send just now (the rest still answers)."""
    pages = []
    try:
        terms_id = str((_settings(http, "advanced") or {}).get("woocommerce_terms_page_id") or "")
        if terms_id.isdigit() and int(terms_id) > 0:
            pages.append(("terms", http.wp(f"pages/{terms_id}")))
        found = http.wp("pages", slug=REFUND_PAGE_SLUG) or []
        pages.append(("refunds", found[0] if found else None))
    except StoreUnavailable:
        pass
    return tuple(_page(kind, data) for kind, data in pages
                 if isinstance(data, dict) and data.get("status", "publish") == "publish")


def _page(kind: str, data: dict) -> StorePage:
    body = records.text((data.get("content") or {}).get("rendered"))
    if len(body) > PAGE_CHARS:
        body = body[:PAGE_CHARS].rsplit(" ", 1)[0] + " …"
    return StorePage(kind=kind, title=records.text((data.get("title") or {}).get("rendered")),
                     url=str(data.get("link") or ""), text=body)
