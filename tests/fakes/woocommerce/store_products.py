"""Store API products (``wc/store/v1/products``), as an anonymous shopper sees them.

Lists hide draft, private and catalogue-hidden products; ``products/<id>`` answers any id that
is not trashed, drafts and private products included, as WooCommerce 10.0.2 does.
"""
from __future__ import annotations

from .api import Context
from .catalog import Catalog
from .money import CURRENCY, amounts
from .php import esc_url, parse_site_date, sanitize_title, urlencode, wpautop
from .pricing import low_stock_remaining, max_quantity, stock_status
from .products_v3 import (on_sale_filter, permalink, price_html, prices_of, variation_permalink,
                          variation_query)
from .recordings import ORIGIN
from .rest import Arg, Reply, RestError, paginate, parse_args

IMAGE_SIZES = "(max-width: 64px) 100vw, 64px"  # the recorded images are 64x64 PNGs
LIST_ARGS = {
    "page": Arg("integer", minimum=1, default=1),
    "per_page": Arg("integer", minimum=0, maximum=100, default=10),
    "search": Arg(), "category": Arg(), "tag": Arg(), "on_sale": Arg("boolean"),
    "featured": Arg("boolean"), "type": Arg("enum", enum=("simple", "grouped", "external",
                                                          "variable", "variation")),
    "include": Arg("integer[]", default=[]), "exclude": Arg("integer[]", default=[]),
    "order": Arg("enum", enum=("asc", "desc"), default="desc"),
    "orderby": Arg("enum", enum=("date", "modified", "id", "include", "title", "slug", "price",
                                 "popularity", "rating", "menu_order"), default="date"),
    "stock_status": Arg("enum[]", enum=("instock", "outofstock", "onbackorder"), default=[]),
    "sku": Arg(), "min_price": Arg("integer"), "max_price": Arg("integer"),
}
STOCK_TEXT = {"outofstock": ("Out of stock", "out-of-stock"),
              "onbackorder": ("Available on backorder", "available-on-backorder")}


def image(picture: dict) -> dict:
    """A wc/v3 image in the Store API's shape."""
    return {"id": picture["id"], "src": picture["src"], "thumbnail": picture["src"],
            "srcset": "", "sizes": IMAGE_SIZES, "name": picture["name"], "alt": picture["alt"]}


def category_link(catalog: Catalog, category: dict) -> str:
    """product-category/<ancestors>/<slug>/."""
    path, current = [], category
    while current:
        path.insert(0, current["slug"])
        current = catalog.categories.get(current.get("parent", 0))
    return f"{ORIGIN}/product-category/{'/'.join(path)}/"


def _attributes(catalog: Catalog, record: dict) -> list[dict]:
    defaults = {a["name"]: a["option"] for a in record["default_attributes"]}
    out = []
    for attribute in (a for a in record["attributes"] if a["visible"]):
        if attribute["id"]:
            terms = {t["name"]: t for t in catalog.terms.get(attribute["id"], [])}
            out.append({"id": attribute["id"], "name": attribute["name"],
                        "taxonomy": attribute["slug"], "has_variations": attribute["variation"],
                        "terms": [{"id": terms[o]["id"], "name": o, "slug": terms[o]["slug"],
                                   "default": defaults.get(attribute["name"]) == terms[o]["slug"]}
                                  for o in attribute["options"] if o in terms]})
        else:
            out.append({"id": 0, "name": attribute["name"], "taxonomy": None,
                        "has_variations": attribute["variation"],
                        "terms": [{"id": 0, "name": o, "slug": o} for o in attribute["options"]]})
    return out


def purchasable(catalog: Catalog, record: dict, price) -> bool:
    """is_purchasable() for a shopper: published, of a buyable type, with a price."""
    if price is None:
        return False
    if record["id"] in catalog.variations:
        parent = catalog.products.get(record["parent_id"])
        return record["status"] == "publish" and bool(parent) and parent["status"] == "publish"
    return record["type"] in ("simple", "variable") and record["status"] == "publish"


def product(catalog: Catalog, record: dict, now: float) -> dict:
    """One product or variation in the Store API shape."""
    is_variation = record["id"] in catalog.variations
    parent = catalog.products[record["parent_id"]] if is_variation else None
    kind = "variation" if is_variation else record["type"]
    prices = prices_of(catalog, record, now)
    children = catalog.children(record) if kind in ("variable", "grouped") else None
    status = stock_status(record, children)
    buyable = purchasable(catalog, record, prices.price)
    name = parent["name"] if parent else record["name"]
    link = variation_permalink(catalog, record, anonymous=True) if parent else \
        permalink(record, anonymous=True)
    if kind in ("variable", "grouped"):
        price, regular, sale = prices.low, prices.low_regular, prices.low
        if kind == "grouped":
            regular = price
        spread = {"min_amount": str(prices.low), "max_amount": str(prices.high)} \
            if prices.low != prices.high else None
    else:
        price, regular = prices.price, prices.regular
        sale, spread = (prices.price if prices.on_sale else price), None
    text, css = STOCK_TEXT.get(status, ("", "in-stock"))
    if status == "instock" and record.get("manage_stock") is True:
        text = f"{record['stock_quantity']} in stock"
    rated = record.get("rating_count", 0)
    return {
        "id": record["id"], "name": name,
        "slug": sanitize_title(f"{name} - {record['name']}") if parent else record["slug"],
        "parent": record["parent_id"] if parent else 0, "type": kind,
        "variation": ", ".join(f"{a['name']}: {a['option']}" for a in record["attributes"])
        if parent else "",
        "permalink": link, "sku": record["sku"],
        "short_description": wpautop(record.get("short_description", "")).rstrip("\n"),
        "description": wpautop(record["description"]).rstrip("\n"),
        "on_sale": prices.on_sale,
        "prices": {**amounts(price=price or 0, regular_price=regular or 0, sale_price=sale or 0),
                   "price_range": spread, **CURRENCY},
        "price_html": price_html(record, prices, v3=False),
        "average_rating": record["average_rating"] if rated else "0", "review_count": rated,
        "images": [image(i) for i in ([record["image"]] if record.get("image") else
                                       record.get("images", []))],
        "categories": [{**c, "link": category_link(catalog, catalog.categories[c["id"]])}
                       for c in record.get("categories", []) if c["id"] in catalog.categories],
        "tags": [{**t, "link": f"{ORIGIN}/product-tag/{t['slug']}/"}
                 for t in record.get("tags", [])],
        "brands": [], "attributes": [] if parent else _attributes(catalog, record),
        "variations": [{"id": v["id"], "attributes": [
            {"name": a["name"], "value": value}
            for a, (_, value) in zip(v["attributes"], variation_query(catalog, v))]}
            for v in (children if kind == "variable" else []) if v["status"] == "publish"],
        "grouped_products": record.get("grouped_products", []),
        "has_options": kind == "variable", "is_purchasable": buyable,
        "is_in_stock": status != "outofstock", "is_on_backorder": status == "onbackorder",
        "low_stock_remaining": None if children is not None else low_stock_remaining(record),
        "stock_availability": {"text": text, "class": css},
        "sold_individually": bool(record.get("sold_individually")),
        "add_to_cart": _add_to_cart(record, kind, name, link, buyable and status != "outofstock",
                                    parent),
        "extensions": {},
    }


def _add_to_cart(record: dict, kind: str, name: str, link: str, can_add: bool,
                 parent: dict | None) -> dict:
    text, single = "Add to cart", "Add to cart"
    if kind == "external":
        text = single = record["button_text"] or "Buy product"
        description, url = text, record["external_url"]
    elif kind == "grouped":
        text, description = "View products", f"View products in the &ldquo;{name}&rdquo; group"
        url = esc_url(link)
    elif kind == "variable":
        text, description = "Select options", f"Select options for &ldquo;{name}&rdquo;"
        url = esc_url(link)
    elif can_add:
        full = f"{name} &#8211; {record['name']}" if parent else name
        description = f"Add to cart: &ldquo;{full}&rdquo;"
        url = esc_url(f"{link}&variation_id={record['id']}&add-to-cart={parent['id']}") \
            if parent else f"?add-to-cart={record['id']}"
    else:
        text, description = "Read more", f"Read more about &ldquo;{name}&rdquo;"
        url = esc_url(link)
    return {"text": text, "description": description, "url": url, "single_text": single,
            "minimum": 1, "maximum": max_quantity(record) if kind != "variable" else 9999,
            "multiple_of": 1}


def _listed(ctx: Context, record: dict, args: dict) -> bool:
    """Published, visible in the catalogue (or in search results when searching)."""
    shown = ("visible", "search") if args["search"] else ("visible", "catalog")
    if record["status"] != "publish" or record["catalog_visibility"] not in shown:
        return False
    catalog = ctx.catalog
    if args["include"] and record["id"] not in args["include"] or \
            record["id"] in args["exclude"]:
        return False
    if args["type"] and record["type"] != args["type"] or \
            args["featured"] is not None and record["featured"] != args["featured"]:
        return False
    if args["sku"] and record["sku"] not in args["sku"].split(","):
        return False
    if args["category"]:
        wanted: set[int] = set()
        for ref in args["category"].split(","):
            match = [c["id"] for c in catalog.categories.values()
                     if str(c["id"]) == ref.strip() or c["slug"] == ref.strip()]
            for category_id in match:
                wanted |= catalog.category_tree(category_id)
        if not wanted & {c["id"] for c in record["categories"]}:
            return False
    if args["tag"] and not set(args["tag"].split(",")) & {
            s for t in record["tags"] for s in (str(t["id"]), t["slug"])}:
        return False
    if args["search"] and not all(word in " ".join(
            (record["name"], record["description"], record["short_description"])).lower()
            for word in args["search"].lower().split()):
        return False
    if args["on_sale"] is not None and on_sale_filter(catalog, record, ctx.now) != args["on_sale"]:
        return False
    if args["min_price"] is not None or args["max_price"] is not None:
        low = prices_of(catalog, record, ctx.now).low or 0
        if args["min_price"] is not None and low < args["min_price"] or \
                args["max_price"] is not None and low > args["max_price"]:
            return False
    if args["stock_status"]:
        children = catalog.children(record) if record["type"] in ("variable", "grouped") \
            else None
        return stock_status(record, children) in args["stock_status"]
    return True


def list_products(ctx: Context) -> Reply:
    args = parse_args(ctx.args, LIST_ARGS)
    catalog = ctx.catalog
    found = [r for r in catalog.products.values() if _listed(ctx, r, args)]
    keys = {"id": lambda r: r["id"], "title": lambda r: r["name"].lower(),
            "slug": lambda r: r["slug"], "modified": lambda r: r["date_modified_gmt"],
            "menu_order": lambda r: r["menu_order"],
            "popularity": lambda r: int(r["total_sales"] or 0),
            "rating": lambda r: float(r["average_rating"]),
            "price": lambda r: prices_of(catalog, r, ctx.now).low or 0}
    key = keys.get(args["orderby"], lambda r: r["date_created_gmt"])
    found.sort(key=lambda r: (key(r), r["id"]), reverse=args["order"] == "desc")
    per_page = args["per_page"] or len(found) or 1
    chunk, total, pages = paginate(found, args["page"], per_page)
    stamps = [r["date_modified_gmt"] for r in [*catalog.products.values(),
                                                *catalog.variations.values()]]
    headers = [("X-WP-Total", str(total)), ("X-WP-TotalPages", str(pages)),
               ("Last-Modified", str(int(parse_site_date(max(stamps)))))]
    link = _store_links(ctx.pairs, args["page"], pages)
    if link:
        headers.append(("Link", link))
    return Reply(200, [product(catalog, r, ctx.now) for r in chunk], headers)


def _store_links(pairs: list[tuple[str, str]], page: int, pages: int) -> str | None:
    """The Store API's Link: its base URL went through esc_url, so "&" is "&#038;" and
    add_query_arg then reads everything after the first "#" as a fragment, as recorded."""
    base = f"{ORIGIN}/wp-json/wc/store/v1/products"
    query = "&#038;".join(f"{k}={urlencode(v)}" for k, v in pairs)

    def to(number: int) -> str:
        before, hash_, fragment = query.partition("#")
        kept = [p for p in before.split("&") if p and not p.startswith("page=")]
        return f"<{base}?{'&'.join(kept + [f'page={number}'])}{hash_}{fragment}>"
    links = []
    if page > 1:
        links.append(f'{to(min(page - 1, pages))}; rel="prev"')
    if pages > page:
        links.append(f'{to(page + 1)}; rel="next"')
    return ", ".join(links) or None


def get_product(ctx: Context, product_id: str) -> Reply:
    record = ctx.catalog.get(int(product_id))
    if record is None or record.get("status") == "trash":
        raise RestError(404, "woocommerce_rest_product_invalid_id", "Invalid product ID.")
    return Reply(200, product(ctx.catalog, record, ctx.now))


def list_categories(ctx: Context) -> Reply:
    catalog = ctx.catalog
    out = []
    for category in sorted(catalog.categories.values(), key=lambda c: c["name"].lower()):
        count = catalog.term_count("categories", category["id"])
        if not count:
            continue
        tree = catalog.category_tree(category["id"])
        reviews = sum(p["rating_count"] for p in catalog.products.values()
                      if p["status"] == "publish" and tree & {c["id"] for c in p["categories"]})
        out.append({"id": category["id"], "name": category["name"], "slug": category["slug"],
                    "description": category["description"], "parent": category["parent"],
                    "count": count, "image": category["image"], "review_count": reviews,
                    "permalink": category_link(catalog, category)})
    return Reply(200, out)
