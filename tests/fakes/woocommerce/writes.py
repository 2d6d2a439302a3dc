"""The writable wc/v3 product and variation fields, checked as WordPress checks a JSON body
against the route's schema before WooCommerce stores anything.
"""
from __future__ import annotations

from .php import natural_list, rest_parse_date, site_date
from .rest import RestError

STRING, BOOLEAN, INTEGER, MAYBE_INTEGER = "string", "boolean", "integer", "integer,null"
DATE, TERMS, IDS, OBJECT = "date", "terms", "ids", "object"
PRODUCT_FIELDS = {
    "name": STRING, "slug": STRING, "type": ("simple", "grouped", "external", "variable"),
    "status": ("draft", "pending", "private", "publish", "future"), "featured": BOOLEAN,
    "catalog_visibility": ("visible", "catalog", "search", "hidden"),
    "description": STRING, "short_description": STRING, "sku": STRING,
    "regular_price": STRING, "sale_price": STRING, "date_on_sale_from": DATE,
    "date_on_sale_to": DATE, "virtual": BOOLEAN, "external_url": STRING, "button_text": STRING,
    "tax_status": ("taxable", "shipping", "none"), "tax_class": STRING, "manage_stock": BOOLEAN,
    "stock_quantity": MAYBE_INTEGER, "stock_status": ("instock", "outofstock", "onbackorder"),
    "backorders": ("no", "notify", "yes"), "low_stock_amount": MAYBE_INTEGER,
    "sold_individually": BOOLEAN, "weight": STRING, "dimensions": OBJECT,
    "reviews_allowed": BOOLEAN, "purchase_note": STRING, "categories": TERMS, "tags": TERMS,
    "grouped_products": IDS, "menu_order": INTEGER, "post_password": STRING,
}
VARIATION_FIELDS = {
    **{k: PRODUCT_FIELDS[k] for k in (
        "description", "sku", "regular_price", "sale_price", "date_on_sale_from",
        "date_on_sale_to", "virtual", "tax_status", "tax_class", "manage_stock",
        "stock_quantity", "stock_status", "backorders", "low_stock_amount", "weight",
        "dimensions", "menu_order")},
    "status": ("draft", "pending", "private", "publish"),
}


def _convert(name: str, kind, value):
    """(converted value, None) or (None, (code, message, data)) for one field."""
    if isinstance(kind, tuple):
        if value in kind:
            return value, None
        return None, ("rest_not_in_enum", f"{name} is not one of {natural_list(list(kind))}.",
                      None)
    if kind == MAYBE_INTEGER and value in (None, ""):
        return None, None
    if kind in (INTEGER, MAYBE_INTEGER):
        if isinstance(value, int) and not isinstance(value, bool):
            return value, None
        if isinstance(value, str) and value.lstrip("-").isdigit():
            return int(value), None
    elif kind == BOOLEAN:
        if isinstance(value, bool):
            return value, None
        if str(value).lower() in ("true", "false", "1", "0"):
            return str(value).lower() in ("true", "1"), None
    elif kind == STRING and isinstance(value, str):
        return value, None
    elif kind == DATE:
        if value in (None, ""):
            return None, None
        if isinstance(value, str) and rest_parse_date(value) is not None:
            return site_date(rest_parse_date(value)), None
        return None, ("rest_invalid_date", "Invalid date.", None)
    elif kind == TERMS and isinstance(value, list) and all(
            isinstance(t, dict) and isinstance(t.get("id"), int) for t in value):
        return value, None
    elif kind == IDS and isinstance(value, list) and all(isinstance(i, int) for i in value):
        return value, None
    elif kind == OBJECT and isinstance(value, dict):
        return value, None
    shown = {TERMS: "array", IDS: "array"}.get(kind, kind)
    return None, ("rest_invalid_type", f"{name} is not of type {shown}.", {"param": name})


def checked(ctx, body: dict, schema: dict, record: dict | None) -> dict:
    """The fields of ``body`` the schema knows, converted; a 400 naming every bad one.
    Unknown fields are ignored, as WordPress ignores them."""
    fields, problems = {}, {}
    for name, value in body.items():
        if name not in schema:
            continue
        converted, problem = _convert(name, schema[name], value)
        if problem:
            problems[name] = problem
        else:
            fields[name] = converted
    if problems:
        raise RestError(400, "rest_invalid_param", f"Invalid parameter(s): {', '.join(problems)}",
                        params={n: p[1] for n, p in problems.items()},
                        details={n: {"code": p[0], "message": p[1], "data": p[2]}
                                 for n, p in problems.items()})
    for field in ("categories", "tags"):
        if field in fields:  # WordPress drops term ids that do not exist
            known = ctx.catalog.categories if field == "categories" else ctx.catalog.tags
            fields[field] = [term for term in fields[field] if term["id"] in known]
    sku = fields.get("sku")
    if sku and any(other.get("sku") == sku and other["id"] != (record or {}).get("id")
                   for other in [*ctx.catalog.products.values(),
                                 *ctx.catalog.variations.values()]):
        raise RestError(400, "product_invalid_sku", "Invalid or duplicated SKU.")
    managed = fields.get("manage_stock", (record or {}).get("manage_stock", False))
    if not managed and ("stock_quantity" in fields or "manage_stock" in fields):
        fields["stock_quantity"] = None  # WooCommerce keeps no quantity for unmanaged stock
    return fields
