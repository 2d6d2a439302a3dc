"""wc/v3 shipping zones (with their locations and methods), data/continents, payment gateways,
the email and advanced settings groups, and WordPress' wp/v2 pages.

None of these was recorded (../shared/woocommerce has no shipping, continents or pages
exchange), so the shapes follow WooCommerce's documented REST schema (developer.woocommerce.com
REST API docs: "Shipping zones", "Shipping zone locations", "Shipping zone methods", "Data",
"Payment gateways")
and WordPress' for pages. The state follows what the recording README says of that store: one
zone "United States" with a Flat rate of 5.00 (the cart's ``flat_rate:1``), the catch-all zone
0, Cash on delivery the only enabled gateway (WooCommerce's three built-in ones listed), no terms page set (system_status), and WooCommerce's "Refund and Returns Policy" page left a
draft, as WooCommerce creates it.
"""
from __future__ import annotations

from .api import Context, Route, not_found, refuse
from .recordings import ORIGIN
from .rest import Reply, RestError

ZONE_BASE = f"{ORIGIN}/wp-json/wc/v3/shipping/zones"
REST_OF_WORLD = "Locations not covered by your other zones"
METHOD_TITLES = {"flat_rate": ("Flat rate", "<p>Lets you charge a fixed rate for shipping.</p>"),
                 "free_shipping": ("Free shipping", "<p>Free shipping is a special method which "
                                   "can be triggered with coupons and minimum spends.</p>"),
                 "local_pickup": ("Local pickup", "<p>Allow customers to pick up orders "
                                  "themselves. By default, when using local pickup store base "
                                  "taxes will apply regardless of customer address.</p>")}
# A few of WooCommerce's continents (wc/v3 data/continents lists every country of each).
CONTINENTS = {"EU": ("Europe", ("AT", "BE", "DE", "DK", "ES", "FR", "GB", "IE", "IT", "NL",
                                "PL", "PT", "SE")),
              "NA": ("North America", ("CA", "MX", "US"))}
EMAIL = "admin@example.com"  # the fake's admin email; the recordings don't show one
GATEWAYS = (("bacs", "Direct bank transfer", False), ("cheque", "Check payments", False),
            ("cod", "Cash on delivery", True))


class Shipping:
    """Zones, pages and the settings groups the recordings lack."""

    def __init__(self):
        self.zones: dict[int, dict] = {0: {"id": 0, "name": REST_OF_WORLD, "order": 0,
                                           "locations": [], "methods": []}}
        self.next_instance = 1
        self.add_zone("United States", [("country", "US")],
                      [("flat_rate", {"cost": "5.00"})])
        self.email = {"woocommerce_email_from_name": "Recorded Shop",
                      "woocommerce_email_from_address": EMAIL}
        self.advanced = {"woocommerce_terms_page_id": ""}
        self.gateways = [{"id": gid, "title": title, "description": "", "order": n,
                          "enabled": on, "method_title": title, "method_description": "",
                          "method_supports": ["products"], "settings": {}}
                         for n, (gid, title, on) in enumerate(GATEWAYS)]
        self.pages: dict[int, dict] = {}
        self.add_page("refund_returns", "Refund and Returns Policy",
                      "<p><strong>Our refund and returns policy lasts 30 days.</strong></p>",
                      status="draft", page_id=9)

    def add_zone(self, name: str, locations: list[tuple[str, str]],
                 methods: list[tuple[str, dict]], order: int = 0) -> int:
        zone_id = max(self.zones) + 1
        self.zones[zone_id] = {"id": zone_id, "name": name, "order": order,
                               "locations": [{"code": c, "type": t} for t, c in locations],
                               "methods": []}
        for method_id, values in methods:
            self.add_method(zone_id, method_id, values)
        return zone_id

    def add_method(self, zone_id: int, method_id: str, values: dict,
                   enabled: bool = True) -> None:
        title, description = METHOD_TITLES[method_id]
        instance = self.next_instance
        self.next_instance += 1
        settings = {"title": title, **values}
        self.zones[zone_id]["methods"].append({
            "id": instance, "instance_id": instance, "title": settings["title"],
            "order": len(self.zones[zone_id]["methods"]) + 1, "enabled": enabled,
            "method_id": method_id, "method_title": title, "method_description": description,
            "settings": {key: _setting(key, value) for key, value in settings.items()}})

    def add_page(self, slug: str, title: str, html: str, status: str = "publish",
                 page_id: int | None = None) -> int:
        page_id = page_id or max([9, *self.pages]) + 1
        self.pages[page_id] = {"id": page_id, "slug": slug, "status": status, "type": "page",
                               "link": f"{ORIGIN}/{slug}/" if status == "publish"
                               else f"{ORIGIN}/?page_id={page_id}",
                               "title": {"rendered": title},
                               "content": {"rendered": html, "protected": False}}
        return page_id


def _setting(key: str, value) -> dict:
    return {"id": key, "label": key.replace("_", " ").capitalize(), "description": "",
            "type": "text", "value": value, "default": "", "tip": "", "placeholder": ""}


def _zone_links(zone_id: int) -> dict:
    return {"self": [{"href": f"{ZONE_BASE}/{zone_id}"}], "collection": [{"href": ZONE_BASE}],
            "describedby": [{"href": f"{ZONE_BASE}/{zone_id}/locations"}]}


def _shipping_on(ctx: Context) -> None:
    """With shipping switched off the zone routes answer 404 rest_no_route "Shipping is
    disabled." (the wc/v3 zones controller base's permission check; not recorded)."""
    ship = next((s["value"] for s in ctx.shop.settings
                 if s["id"] == "woocommerce_ship_to_countries"), "")
    if ship == "disabled":
        raise RestError(404, "rest_no_route", "Shipping is disabled.")


def _zone(ctx: Context, zone_id: str) -> dict:
    if ctx.identity.anonymous:
        raise refuse("view")
    _shipping_on(ctx)
    zone = ctx.shop.shipping.zones.get(int(zone_id))
    if zone is None:
        raise not_found("woocommerce_rest_shipping_zone_invalid", "Resource does not exist.")
    return zone


def list_zones(ctx: Context) -> Reply:
    if ctx.identity.anonymous:
        raise refuse("list")
    _shipping_on(ctx)
    zones = sorted(ctx.shop.shipping.zones.values(), key=lambda z: (z["id"] != 0, z["order"],
                                                                    z["id"]))
    return Reply(200, [{"id": z["id"], "name": z["name"], "order": z["order"],
                        "_links": _zone_links(z["id"])} for z in zones])


def get_zone(ctx: Context, zone_id: str) -> Reply:
    zone = _zone(ctx, zone_id)
    return Reply(200, {"id": zone["id"], "name": zone["name"], "order": zone["order"],
                       "_links": _zone_links(zone["id"])})


def list_locations(ctx: Context, zone_id: str) -> Reply:
    zone = _zone(ctx, zone_id)
    base = f"{ZONE_BASE}/{zone['id']}"
    return Reply(200, [{**loc, "_links": {"collection": [{"href": f"{base}/locations"}],
                                          "describes": [{"href": base}]}}
                       for loc in zone["locations"]])


def list_methods(ctx: Context, zone_id: str) -> Reply:
    zone = _zone(ctx, zone_id)
    base = f"{ZONE_BASE}/{zone['id']}"
    return Reply(200, [{**m, "_links": {
        "self": [{"href": f"{base}/methods/{m['instance_id']}"}],
        "collection": [{"href": f"{base}/methods"}], "describes": [{"href": base}]}}
        for m in zone["methods"]])


def get_continent(ctx: Context, code: str) -> Reply:
    if ctx.identity.anonymous:
        raise refuse("view")
    found = CONTINENTS.get(code.upper())
    if found is None:
        raise not_found("woocommerce_rest_data_invalid_location",
                        "There are no locations matching these parameters.")
    name, countries = found
    return Reply(200, {"code": code.upper(), "name": name,
                       "countries": [{"code": c, "name": c, "states": []} for c in countries]})


def list_gateways(ctx: Context) -> Reply:
    if ctx.identity.anonymous:
        raise refuse("list")
    base = f"{ORIGIN}/wp-json/wc/v3/payment_gateways"
    return Reply(200, [{**g, "_links": {"self": [{"href": f"{base}/{g['id']}"}],
                                        "collection": [{"href": base}]}}
                       for g in ctx.shop.shipping.gateways])


def settings_group(ctx: Context, group: str) -> list[dict] | None:
    """The email and advanced groups (as id/value pairs), else None."""
    values = {"email": ctx.shop.shipping.email, "advanced": ctx.shop.shipping.advanced}.get(group)
    if values is None:
        return None
    return [{"id": key, "label": key, "description": "", "type": "text", "default": "",
             "value": value} for key, value in values.items()]


def wp_pages(shipping: Shipping, path: str, args) -> Reply:
    """wp/v2 pages for an anonymous caller: published pages only; a draft by id is 401."""
    if path == "pages":
        slug = args.get("slug")
        return Reply(200, [p for p in shipping.pages.values() if p["status"] == "publish"
                           and (not slug or p["slug"] == slug)])
    page_id = path.split("/", 1)[1] if path.startswith("pages/") else ""
    page = shipping.pages.get(int(page_id)) if page_id.isdigit() else None
    if page is None:
        raise RestError(404, "rest_post_invalid_id", "Invalid post ID.")
    if page["status"] != "publish":
        raise RestError(401, "rest_forbidden", "Sorry, you are not allowed to do that.")
    return Reply(200, page)


ROUTES = [
    Route.of("GET", "shipping/zones", list_zones, "GET, POST"),
    Route.of("GET", r"shipping/zones/(?P<zone_id>\d+)", get_zone, "GET, POST, PUT, PATCH, DELETE"),
    Route.of("GET", r"shipping/zones/(?P<zone_id>\d+)/locations", list_locations,
             "GET, POST, PUT, PATCH"),
    Route.of("GET", r"shipping/zones/(?P<zone_id>\d+)/methods", list_methods, "GET, POST"),
    Route.of("GET", r"data/continents/(?P<code>[A-Za-z]{2})", get_continent, "GET"),
    Route.of("GET", "payment_gateways", list_gateways, "GET"),
]
