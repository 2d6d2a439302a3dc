"""wc/v3 categories, tags, global attributes with their terms, and product reviews.
Term counts follow the catalogue as it changes; everything else is as recorded.
"""
from __future__ import annotations

from .api import COLLECTION, ITEM, Context, Route, by_order, collection, item, not_found, refuse
from .php import parse_site_date
from .rest import Arg, Reply, parse_args
from .v3_products import PAGING

TERM_ARGS = {
    **PAGING, "order": Arg("enum", enum=("asc", "desc"), default="asc"),
    "orderby": Arg("enum", enum=("id", "include", "name", "slug", "term_group", "description",
                                 "count"), default="name"),
    "search": Arg(), "hide_empty": Arg("boolean", default=False), "parent": Arg("integer"),
    "product": Arg("integer"), "slug": Arg(),
}
REVIEW_ARGS = {
    **PAGING, "product": Arg("integer[]", default=[]), "search": Arg(),
    "status": Arg("enum", enum=("all", "hold", "approved", "spam", "trash"), default="approved"),
    "reviewer_email": Arg(), "after": Arg("date"), "before": Arg("date"), "offset": Arg("integer"),
    "orderby": Arg("enum", enum=("date", "date_gmt", "id", "include", "product"),
                   default="date_gmt"),
}


def _terms(ctx: Context, records: list[dict], field: str, count, path: str) -> Reply:
    args = parse_args(ctx.args, TERM_ARGS)
    if ctx.identity.anonymous:
        raise refuse("list")
    found = []
    for record in records:
        counted = {**record, "count": count(record)}
        if args["include"] and record["id"] not in args["include"] or \
                record["id"] in args["exclude"]:
            continue
        if args["hide_empty"] and not counted["count"]:
            continue
        if args["parent"] is not None and record.get("parent") != args["parent"]:
            continue
        if args["slug"] and record["slug"] != args["slug"]:
            continue
        if args["search"] and args["search"].lower() not in record["name"].lower():
            continue
        if args["product"] is not None:
            product = ctx.catalog.products.get(args["product"])
            if not product or record["id"] not in {t["id"] for t in product.get(field, ())}:
                continue
        found.append(counted)
    key = {"id": lambda r: r["id"], "slug": lambda r: r["slug"], "count": lambda r: r["count"],
           "description": lambda r: r.get("description", "")}.get(
        args["orderby"], lambda r: r["name"].lower())
    return collection(ctx, by_order(found, key, args["order"]), lambda r: r,
                      page=args["page"], per_page=args["per_page"], path=path)


def list_categories(ctx: Context) -> Reply:
    catalog = ctx.catalog
    return _terms(ctx, list(catalog.categories.values()), "categories",
                  lambda c: catalog.term_count("categories", c["id"]), "products/categories")


def list_tags(ctx: Context) -> Reply:
    catalog = ctx.catalog
    return _terms(ctx, list(catalog.tags.values()), "tags",
                  lambda t: catalog.term_count("tags", t["id"]), "products/tags")


def _one_term(ctx: Context, terms: dict, term_id: str, field: str) -> Reply:
    if ctx.identity.anonymous:
        raise refuse("view")
    record = terms.get(int(term_id))
    if record is None:
        raise not_found("woocommerce_rest_term_invalid", "Resource does not exist.")
    return item(ctx, {**record, "count": ctx.catalog.term_count(field, record["id"])})


def get_category(ctx: Context, term_id: str) -> Reply:
    return _one_term(ctx, ctx.catalog.categories, term_id, "categories")


def get_tag(ctx: Context, term_id: str) -> Reply:
    return _one_term(ctx, ctx.catalog.tags, term_id, "tags")


def list_attributes(ctx: Context) -> Reply:
    if ctx.identity.anonymous:
        raise refuse("list")
    records = sorted(ctx.catalog.attributes.values(), key=lambda a: a["name"].lower())
    return collection(ctx, records, lambda a: a, page=1, per_page=max(len(records), 1),
                      path="products/attributes")


def get_attribute(ctx: Context, attribute_id: str) -> Reply:
    if ctx.identity.anonymous:
        raise refuse("view")
    record = ctx.catalog.attributes.get(int(attribute_id))
    if record is None:
        raise not_found("woocommerce_rest_attribute_invalid", "Resource does not exist.")
    return item(ctx, record)


def list_attribute_terms(ctx: Context, attribute_id: str) -> Reply:
    catalog = ctx.catalog
    if int(attribute_id) not in catalog.attributes:
        raise not_found("woocommerce_rest_taxonomy_invalid", "Taxonomy does not exist.")

    def uses(term: dict) -> int:
        return sum(1 for p in catalog.products.values() if p["status"] in ("publish", "private")
                   and any(a["id"] == int(attribute_id) and term["name"] in a["options"]
                           for a in p["attributes"]))
    return _terms(ctx, catalog.terms.get(int(attribute_id), []), "attributes", uses,
                  f"products/attributes/{attribute_id}/terms")


def list_reviews(ctx: Context) -> Reply:
    args = parse_args(ctx.args, REVIEW_ARGS)
    if ctx.identity.anonymous:
        raise refuse("list")
    found = []
    for review in ctx.catalog.reviews.values():
        created = parse_site_date(review["date_created_gmt"])
        if (args["status"] != "all" and review["status"] != args["status"]
                or args["product"] and review["product_id"] not in args["product"]
                or args["include"] and review["id"] not in args["include"]
                or review["id"] in args["exclude"]
                or args["reviewer_email"] and review["reviewer_email"] != args["reviewer_email"]
                or args["search"] and args["search"].lower() not in review["review"].lower()
                or args["after"] is not None and created <= args["after"]
                or args["before"] is not None and created >= args["before"]):
            continue
        found.append(review)
    key = {"id": lambda r: r["id"], "product": lambda r: r["product_id"]}.get(
        args["orderby"], lambda r: r["date_created_gmt"])
    found = by_order(found, key, args["order"])[args["offset"] or 0:]
    return collection(ctx, found, lambda r: r, page=args["page"], per_page=args["per_page"],
                      path="products/reviews")


def get_review(ctx: Context, review_id: str) -> Reply:
    if ctx.identity.anonymous:
        raise refuse("view")
    review = ctx.catalog.reviews.get(int(review_id))
    if review is None:
        raise not_found("woocommerce_rest_review_invalid_id", "Invalid review ID.")
    return item(ctx, review)


ROUTES = [
    Route.of("GET", "products/categories", list_categories, COLLECTION),
    Route.of("GET", r"products/categories/(?P<term_id>\d+)", get_category, ITEM),
    Route.of("GET", "products/tags", list_tags, COLLECTION),
    Route.of("GET", r"products/tags/(?P<term_id>\d+)", get_tag, ITEM),
    Route.of("GET", "products/attributes", list_attributes, COLLECTION),
    Route.of("GET", r"products/attributes/(?P<attribute_id>\d+)", get_attribute, ITEM),
    Route.of("GET", r"products/attributes/(?P<attribute_id>\d+)/terms", list_attribute_terms,
             COLLECTION),
    Route.of("GET", "products/reviews", list_reviews, COLLECTION),
    Route.of("GET", r"products/reviews/(?P<review_id>\d+)", get_review, ITEM),
]
