"""wc/v3 products and variations: lists with WooCommerce's filters, single items, and writes
(PUT/POST to edit, POST to create, DELETE to trash or, with force, delete).
"""
from __future__ import annotations

import random

from . import products_v3
from .api import COLLECTION, ITEM, Context, Route, by_order, collection, item, not_found, refuse
from .php import parse_site_date
from .pricing import stock_status
from .recordings import ORIGIN
from .rest import Arg, Reply, RestError, parse_args
from .writes import PRODUCT_FIELDS, VARIATION_FIELDS, checked

ORDERBY = ("date", "id", "include", "title", "slug", "modified", "popularity", "rating",
           "post__in", "price", "sales", "menu_order", "random")
# WooCommerce merges its orderby values into WordPress' list, so the error message repeats some.
ORDERBY_LISTED = ORDERBY + ("popularity", "rating", "menu_order", "price", "popularity", "rating")
STATUSES = ("any", "future", "trash", "draft", "pending", "private", "publish")
PAGING = {"page": Arg("integer", minimum=1, default=1),
          "per_page": Arg("integer", minimum=1, maximum=100, default=10),
          "order": Arg("enum", enum=("asc", "desc"), default="desc"),
          "include": Arg("integer[]", default=[]), "exclude": Arg("integer[]", default=[]),
          "context": Arg("enum", enum=("view", "edit"), default="view")}
PRODUCT_ARGS = {
    **PAGING, "search": Arg(), "after": Arg("date"), "before": Arg("date"),
    "modified_after": Arg("date"), "modified_before": Arg("date"), "offset": Arg("integer"),
    "orderby": Arg("enum", enum=ORDERBY, listed=ORDERBY_LISTED, default="date"),
    "parent": Arg("integer[]", default=[]), "slug": Arg(),
    "status": Arg("enum", enum=STATUSES, default="any"),
    "type": Arg("enum", enum=("simple", "grouped", "external", "variable")), "sku": Arg(),
    "featured": Arg("boolean"), "category": Arg(), "tag": Arg(), "on_sale": Arg("boolean"),
    "min_price": Arg(), "max_price": Arg(),
    "stock_status": Arg("enum", enum=("instock", "outofstock", "onbackorder")),
}
VARIATION_ARGS = {**PAGING, "orderby": Arg("enum", enum=ORDERBY, listed=ORDERBY_LISTED,
                                           default="date"),
                  "status": Arg("enum", enum=STATUSES, default="any")}
SORT_KEYS = {
    "date": lambda r: r["date_created_gmt"], "modified": lambda r: r["date_modified_gmt"],
    "id": lambda r: r["id"], "title": lambda r: r["name"].lower(), "slug": lambda r: r["slug"],
    "menu_order": lambda r: (r["menu_order"], r["name"].lower()),
    "popularity": lambda r: int(r.get("total_sales") or 0),
    "sales": lambda r: int(r.get("total_sales") or 0),
    "rating": lambda r: float(r.get("average_rating") or 0),
}


def _words_match(record: dict, search: str) -> bool:
    """WordPress search: every word in the title, the excerpt or the content."""
    text = " ".join((record["name"], record.get("description", ""),
                     record.get("short_description", ""))).lower()
    return all(word in text for word in search.lower().split())


def _sorted(ctx: Context, records: list[dict], args: dict) -> list[dict]:
    orderby, order = args["orderby"], args["order"]
    if orderby in ("include", "post__in") and args["include"]:
        position = {pid: n for n, pid in enumerate(args["include"])}
        return sorted(records, key=lambda r: position.get(r["id"], len(position)))
    if orderby == "random":
        return random.sample(records, len(records))
    if orderby == "price":
        def price(record):
            return products_v3.prices_of(ctx.catalog, record, ctx.now).low or 0
        return by_order(records, price, order)
    return by_order(records, SORT_KEYS.get(orderby, SORT_KEYS["date"]), order)


def _matches(ctx: Context, record: dict, args: dict) -> bool:
    catalog = ctx.catalog
    status = args["status"]
    if record["status"] in ("trash", "auto-draft") if status == "any" else (
            record["status"] != status):
        return False
    if args["include"] and record["id"] not in args["include"] or \
            record["id"] in args["exclude"]:
        return False
    if args["type"] and record["type"] != args["type"]:
        return False
    if args["sku"] and record["sku"] not in args["sku"].split(","):
        return False
    if args["slug"] and record["slug"] != args["slug"]:
        return False
    if args["featured"] is not None and record["featured"] != args["featured"]:
        return False
    if args["parent"] and record["parent_id"] not in args["parent"]:
        return False
    if args["category"]:
        wanted = set().union(*(catalog.category_tree(int(c)) for c in
                               args["category"].split(",") if c.strip().isdigit()))
        if not wanted & {c["id"] for c in record["categories"]}:
            return False
    if args["tag"] and not {int(t) for t in args["tag"].split(",") if t.isdigit()} & {
            t["id"] for t in record["tags"]}:
        return False
    if args["search"] and not _words_match(record, args["search"]):
        return False
    for bound, field, after in (("after", "date_created_gmt", True),
                                ("before", "date_created_gmt", False),
                                ("modified_after", "date_modified_gmt", True),
                                ("modified_before", "date_modified_gmt", False)):
        if args[bound] is not None:
            value = parse_site_date(record[field])
            if value <= args[bound] if after else value >= args[bound]:
                return False
    if args["on_sale"] is not None and \
            products_v3.on_sale_filter(catalog, record, ctx.now) != args["on_sale"]:
        return False
    if args["min_price"] or args["max_price"]:
        low = products_v3.prices_of(catalog, record, ctx.now).low or 0
        if args["min_price"] and low < float(args["min_price"]) * 100 or \
                args["max_price"] and low > float(args["max_price"]) * 100:
            return False
    if args["stock_status"]:
        children = catalog.children(record) if record["type"] in ("variable", "grouped") \
            else None
        return stock_status(record, children) == args["stock_status"]
    return True


def list_products(ctx: Context) -> Reply:
    args = parse_args(ctx.args, PRODUCT_ARGS)
    if ctx.identity.anonymous:
        raise refuse("list")

    def matching() -> list[int]:
        records = [r for r in ctx.catalog.products.values() if _matches(ctx, r, args)]
        return [r["id"] for r in _sorted(ctx, records, args)]
    # Walking 10,000 products page by page asks the same question each time: remember the
    # answer until the catalogue changes, unless it depends on the clock (sales) or chance.
    moving = args["on_sale"] is not None or args["orderby"] in ("price", "random") \
        or args["min_price"] or args["max_price"]
    question = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in args.items()
                     if k not in ("page", "per_page", "context"))
    ids = matching() if moving else ctx.catalog.memo(("products", question), matching)
    found = [ctx.catalog.products[i] for i in ids]
    if args["offset"]:
        found = found[args["offset"]:]
    edit = args["context"] == "edit"
    return collection(ctx, found, lambda r: products_v3.product(ctx.catalog, r, ctx.now,
                                                                edit=edit),
                      page=args["page"], per_page=args["per_page"], path="products")


def _product(ctx: Context, product_id: str) -> dict:
    record = ctx.catalog.get(int(product_id))
    if record is None or record.get("status") == "auto-draft":
        raise not_found("woocommerce_rest_product_invalid_id", "Invalid ID.")
    return record


def get_product(ctx: Context, product_id: str) -> Reply:
    args = parse_args(ctx.args, {"context": PAGING["context"]})
    if ctx.identity.anonymous:
        raise refuse("view")
    record = _product(ctx, product_id)
    return item(ctx, products_v3.any_product(ctx.catalog, record["id"], ctx.now,
                                             edit=args["context"] == "edit"))


def edit_product(ctx: Context, product_id: str) -> Reply:
    if ctx.identity.anonymous:
        raise refuse("edit")
    record = _product(ctx, product_id)
    schema = PRODUCT_FIELDS if record["id"] in ctx.catalog.products else VARIATION_FIELDS
    ctx.catalog.update(record["id"], checked(ctx, ctx.body(), schema, record))
    return Reply(200, products_v3.any_product(ctx.catalog, record["id"], ctx.now, edit=True))


def create_product(ctx: Context) -> Reply:
    if ctx.identity.anonymous:
        raise refuse("create")
    record = ctx.catalog.create(checked(ctx, ctx.body(), PRODUCT_FIELDS, None))
    location = f"{ORIGIN}/wp-json/wc/v3/products/{record['id']}"
    return Reply(201, products_v3.product(ctx.catalog, record, ctx.now, edit=True),
                 [("Location", location)])


def delete_product(ctx: Context, product_id: str) -> Reply:
    force = parse_args(ctx.args, {"force": Arg("boolean", default=False)})["force"]
    if ctx.identity.anonymous:
        raise refuse("delete")
    record = _product(ctx, product_id)
    # WooCommerce prepares the answer before deleting, so it shows the product as it was.
    before = products_v3.any_product(ctx.catalog, record["id"], ctx.now, edit=True)
    if force or record["id"] in ctx.catalog.variations:
        ctx.catalog.delete(record["id"])
    elif record["status"] == "trash":
        raise RestError(410, "woocommerce_rest_already_trashed",
                        "The product has already been deleted.")
    else:
        ctx.catalog.trash(record["id"])
    return Reply(200, before)


def _variation(ctx: Context, product_id: str, variation_id: str) -> dict:
    record = ctx.catalog.variations.get(int(variation_id))
    if record is None or record["parent_id"] != int(product_id):
        error = not_found("woocommerce_rest_product_variation_invalid_id", "Invalid ID.")
        error.allow = False  # the recorded 404 carries no Allow header
        raise error
    return record


def list_variations(ctx: Context, product_id: str) -> Reply:
    args = parse_args(ctx.args, VARIATION_ARGS)
    if ctx.identity.anonymous:
        raise refuse("list")
    parent = ctx.catalog.products.get(int(product_id))
    records = ctx.catalog.children(parent) if parent and parent["type"] == "variable" else []
    records = [v for v in records if (args["status"] == "any" or v["status"] == args["status"])
               and (not args["include"] or v["id"] in args["include"])
               and v["id"] not in args["exclude"]]
    return collection(ctx, _sorted(ctx, records, args),
                      lambda v: products_v3.variation(ctx.catalog, v, ctx.now),
                      page=args["page"], per_page=args["per_page"],
                      path=f"products/{product_id}/variations")


def get_variation(ctx: Context, product_id: str, variation_id: str) -> Reply:
    if ctx.identity.anonymous:
        raise refuse("view")
    record = _variation(ctx, product_id, variation_id)
    return item(ctx, products_v3.variation(ctx.catalog, record, ctx.now))


def edit_variation(ctx: Context, product_id: str, variation_id: str) -> Reply:
    if ctx.identity.anonymous:
        raise refuse("edit")
    record = _variation(ctx, product_id, variation_id)
    ctx.catalog.update(record["id"], checked(ctx, ctx.body(), VARIATION_FIELDS, record))
    return Reply(200, products_v3.variation(ctx.catalog, record, ctx.now))


ID = r"(?P<product_id>\d+)"
ROUTES = [
    Route.of("GET", "products", list_products, COLLECTION),
    Route.of("POST", "products", create_product, COLLECTION),
    Route.of("GET", f"products/{ID}", get_product, ITEM),
    Route.of("POST PUT PATCH", f"products/{ID}", edit_product, ITEM),
    Route.of("DELETE", f"products/{ID}", delete_product, ITEM),
    Route.of("GET", f"products/{ID}/variations", list_variations, COLLECTION),
    Route.of("GET", f"products/{ID}/variations/(?P<variation_id>\\d+)", get_variation, ITEM),
    Route.of("POST PUT PATCH", f"products/{ID}/variations/(?P<variation_id>\\d+)",
             edit_variation, ITEM),
]
