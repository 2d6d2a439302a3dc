"""wc/v3 orders (with refunds and notes), coupons, customers, general settings and webhooks."""
from __future__ import annotations

from urllib.parse import urlsplit

from .api import COLLECTION, ITEM, Context, Route, by_order, collection, item, not_found, refuse
from .php import parse_site_date
from .recordings import ORIGIN
from .rest import Arg, Reply, RestError, parse_args
from .shop import ORDER_STATUSES
from .v3_products import PAGING
from .v3_shipping import settings_group
from .webhooks import TOPIC_HOOKS

DATED = {"after": Arg("date"), "before": Arg("date"), "search": Arg(), "offset": Arg("integer")}
ORDER_ARGS = {
    **PAGING, **DATED, "modified_after": Arg("date"), "modified_before": Arg("date"),
    "status": Arg("enum[]", enum=("any", "trash") + ORDER_STATUSES, default=["any"]),
    "customer": Arg("integer"), "product": Arg("integer"), "dp": Arg("integer", default=2),
    "orderby": Arg("enum", enum=("date", "id", "include", "title", "slug", "modified"),
                   default="date"),
}
COUPON_ARGS = {**PAGING, **DATED, "code": Arg(),
               "orderby": ORDER_ARGS["orderby"]}
CUSTOMER_ARGS = {**PAGING, "search": Arg(), "email": Arg(), "order": PAGING["order"],
                 "role": Arg("enum", enum=("all", "administrator", "customer", "shop_manager"),
                             default="customer"),
                 "orderby": Arg("enum", enum=("id", "include", "name", "registered_date"),
                                default="name")}
WEBHOOK_ARGS = {**PAGING, **DATED,
                "status": Arg("enum", enum=("all", "active", "paused", "disabled"),
                              default="all"),
                "orderby": Arg("enum", enum=("date", "id", "title"), default="date")}
SORT = {"id": lambda r: r["id"], "modified": lambda r: r["date_modified_gmt"] or "",
        "title": lambda r: r.get("name", r.get("code", "")).lower()}


def _dated(records: list[dict], args: dict) -> list[dict]:
    """after/before (on date_created) and the include/exclude lists every list shares."""
    kept = []
    for record in records:
        created = parse_site_date(record["date_created_gmt"])
        if (args["after"] is not None and created <= args["after"]
                or args["before"] is not None and created >= args["before"]
                or args["include"] and record["id"] not in args["include"]
                or record["id"] in args["exclude"]):
            continue
        kept.append(record)
    return kept


def _sorted(records: list[dict], args: dict) -> list[dict]:
    key = SORT.get(args["orderby"], lambda r: r["date_created_gmt"])
    return by_order(records, key, args["order"])[args.get("offset") or 0:]


def list_orders(ctx: Context) -> Reply:
    args = parse_args(ctx.args, ORDER_ARGS)
    if ctx.identity.anonymous:
        raise refuse("list")
    statuses = set(args["status"])
    found = []
    for order in _dated(list(ctx.shop.orders.values()), args):
        if "any" in statuses and order["status"] in ("trash", "checkout-draft") or \
                "any" not in statuses and order["status"] not in statuses:
            continue
        if args["customer"] is not None and order["customer_id"] != args["customer"]:
            continue
        if args["product"] is not None and all(
                line["product_id"] != args["product"] for line in order["line_items"]):
            continue
        if args["search"] and args["search"].lower() not in " ".join(
                [order["billing"]["first_name"], order["billing"]["last_name"],
                 order["billing"]["email"]] + [li["name"] for li in order["line_items"]]).lower():
            continue
        found.append(order)
    # WooCommerce's orders Link URLs repeat its defaults: status as an array, dp, context.
    pairs = [(k, v) for k, v in ctx.pairs if k != "status"]
    at = next((n for n, (k, _) in enumerate(ctx.pairs) if k == "status"), len(pairs))
    pairs[at:at] = [(f"status[{n}]", s) for n, s in enumerate(args["status"])]
    pairs += [(k, v) for k, v in (("dp", "2"), ("context", "view")) if k not in ctx.args]
    return collection(ctx, _sorted(found, args), lambda o: o, page=args["page"],
                      per_page=args["per_page"], path="orders", pairs=pairs)


def _order(ctx: Context, order_id: str, code: str = "woocommerce_rest_shop_order_invalid_id",
           message: str = "Invalid ID.") -> dict:
    order = ctx.shop.orders.get(int(order_id))
    if order is None:
        raise not_found(code, message)
    return order


def get_order(ctx: Context, order_id: str) -> Reply:
    if ctx.identity.anonymous:
        raise refuse("view")
    return item(ctx, _order(ctx, order_id))


def list_refunds(ctx: Context, order_id: str) -> Reply:
    args = parse_args(ctx.args, PAGING)
    if ctx.identity.anonymous:
        raise refuse("list")
    _order(ctx, order_id, "woocommerce_rest_order_invalid_id", "Invalid order ID.")
    return collection(ctx, ctx.shop.refunds.get(int(order_id), []), lambda r: r,
                      page=args["page"], per_page=args["per_page"],
                      path=f"orders/{order_id}/refunds")


def list_notes(ctx: Context, order_id: str) -> Reply:
    if ctx.identity.anonymous:
        raise refuse("list")
    _order(ctx, order_id, "woocommerce_rest_order_invalid_id", "Invalid order ID.")
    return Reply(200, ctx.shop.notes.get(int(order_id), []))  # notes are not paginated


def list_coupons(ctx: Context) -> Reply:
    args = parse_args(ctx.args, COUPON_ARGS)
    if ctx.identity.anonymous:
        raise refuse("list")
    found = [c for c in _dated(list(ctx.shop.coupons.values()), args)
             if (not args["code"] or c["code"] == args["code"].lower())
             and (not args["search"] or args["search"].lower() in c["code"])]
    return collection(ctx, _sorted(found, args), lambda c: c, page=args["page"],
                      per_page=args["per_page"], path="coupons")


def get_coupon(ctx: Context, coupon_id: str) -> Reply:
    if ctx.identity.anonymous:
        raise refuse("view")
    coupon = ctx.shop.coupons.get(int(coupon_id))
    if coupon is None:
        raise not_found("woocommerce_rest_shop_coupon_invalid_id", "Invalid ID.")
    return item(ctx, coupon)


def list_customers(ctx: Context) -> Reply:
    args = parse_args(ctx.args, CUSTOMER_ARGS)
    if ctx.identity.anonymous:
        raise refuse("list")
    found = [c for c in ctx.shop.customers.values()
             if (args["role"] == "all" or c["role"] == args["role"])
             and (not args["email"] or c["email"] == args["email"])
             and (not args["include"] or c["id"] in args["include"])
             and c["id"] not in args["exclude"]
             and (not args["search"] or args["search"].lower() in
                  f"{c['first_name']} {c['last_name']} {c['email']}".lower())]
    return collection(ctx, by_order(found, lambda c: c["username"], args["order"]),
                      lambda c: c, page=args["page"], per_page=args["per_page"],
                      path="customers")


def get_customer(ctx: Context, customer_id: str) -> Reply:
    if ctx.identity.anonymous:
        raise refuse("view")
    customer = ctx.shop.customers.get(int(customer_id))
    if customer is None:
        raise not_found("woocommerce_rest_invalid_id", "Invalid resource ID.")
    return item(ctx, customer)


def list_settings(ctx: Context, group: str) -> Reply:
    if ctx.identity.anonymous:
        raise refuse("list")
    if group == "general":
        return Reply(200, ctx.shop.settings)
    other = settings_group(ctx, group)  # not recorded: see v3_shipping
    if other is None:
        raise not_found("rest_setting_setting_group_invalid", "Invalid setting group.")
    return Reply(200, other)


def list_webhooks(ctx: Context) -> Reply:
    args = parse_args(ctx.args, WEBHOOK_ARGS)
    if ctx.identity.anonymous:
        raise refuse("list")
    views = [ctx.webhooks.view(h) for h in ctx.webhooks.hooks.values()
             if args["status"] == "all" or h["status"] == args["status"]]
    found = [v for v in _dated(views, args)
             if not args["search"] or args["search"].lower() in v["name"].lower()]
    return collection(ctx, _sorted(found, args), _with_links, page=args["page"],
                      per_page=args["per_page"], path="webhooks")


def _with_links(view: dict) -> dict:
    base = f"{ORIGIN}/wp-json/wc/v3/webhooks"
    return {**view, "_links": {"self": [{"href": f"{base}/{view['id']}", "targetHints": {
        "allow": ITEM.split(", ")}}], "collection": [{"href": base}]}}


def _webhook(ctx: Context, webhook_id: str) -> dict:
    hook = ctx.webhooks.hooks.get(int(webhook_id))
    if hook is None:
        raise not_found("woocommerce_rest_webhook_invalid_id", "Invalid ID.")
    return hook


def _valid(topic, delivery_url) -> None:
    if not isinstance(topic, str) or topic not in TOPIC_HOOKS and not (
            topic.startswith("action.") and len(topic) > 7):
        raise RestError(400, "woocommerce_rest_webhook_invalid_topic",
                        "Webhook topic is required and must be valid.")
    if not isinstance(delivery_url, str) or urlsplit(delivery_url).scheme not in (
            "http", "https") or not urlsplit(delivery_url).netloc:
        raise RestError(400, "woocommerce_rest_webhook_invalid_delivery_url",
                        "Webhook delivery URL must be a valid URL starting with http:// "
                        "or https://.")


def create_webhook(ctx: Context) -> Reply:
    if ctx.identity.anonymous:
        raise refuse("create")
    body = ctx.body()
    _valid(body.get("topic"), body.get("delivery_url"))
    status = body.get("status", "active")
    hook = ctx.webhooks.create(topic=body["topic"], delivery_url=body["delivery_url"],
                               secret=body.get("secret"), name=body.get("name"),
                               status=status if status in ("active", "paused", "disabled")
                               else "disabled")
    reply = Reply(201, _with_links(ctx.webhooks.view(hook)),
                  [("Location", f"{ORIGIN}/wp-json/wc/v3/webhooks/{hook['id']}")])

    def ping() -> None:
        # Sent during the request, after the answer is prepared; a 200 marks the webhook saved.
        if ctx.webhooks.ping(hook["delivery_url"], hook["id"]).status == 200:
            with ctx.catalog.lock:
                hook["pending_delivery"] = False
                ctx.webhooks.touch(hook)
    reply.then = ping
    return reply


def get_webhook(ctx: Context, webhook_id: str) -> Reply:
    if ctx.identity.anonymous:
        raise refuse("view")
    return item(ctx, _with_links(ctx.webhooks.view(_webhook(ctx, webhook_id))))


def edit_webhook(ctx: Context, webhook_id: str) -> Reply:
    if ctx.identity.anonymous:
        raise refuse("edit")
    hook = _webhook(ctx, webhook_id)
    body = ctx.body()
    _valid(body.get("topic", hook["topic"]), body.get("delivery_url", hook["delivery_url"]))
    for field in ("name", "topic", "delivery_url", "secret", "status"):
        if field in body:
            hook[field] = body[field]
    ctx.webhooks.touch(hook)
    return Reply(200, _with_links(ctx.webhooks.view(hook)))


def delete_webhook(ctx: Context, webhook_id: str) -> Reply:
    force = parse_args(ctx.args, {"force": Arg("boolean", default=False)})["force"]
    if ctx.identity.anonymous:
        raise refuse("delete")
    hook = _webhook(ctx, webhook_id)
    if not force:
        raise RestError(501, "woocommerce_rest_trash_not_supported",
                        "Webhooks do not support trashing.")
    del ctx.webhooks.hooks[hook["id"]]
    return Reply(200, _with_links(ctx.webhooks.view(hook)))


ROUTES = [
    Route.of("GET", "orders", list_orders, COLLECTION),
    Route.of("GET", r"orders/(?P<order_id>\d+)", get_order, ITEM),
    Route.of("GET", r"orders/(?P<order_id>\d+)/refunds", list_refunds, COLLECTION),
    Route.of("GET", r"orders/(?P<order_id>\d+)/notes", list_notes, COLLECTION),
    Route.of("GET", "coupons", list_coupons, COLLECTION),
    Route.of("GET", r"coupons/(?P<coupon_id>\d+)", get_coupon, ITEM),
    Route.of("GET", "customers", list_customers, COLLECTION),
    Route.of("GET", r"customers/(?P<customer_id>\d+)", get_customer, ITEM),
    Route.of("GET", r"settings/(?P<group>[\w-]+)", list_settings, "GET"),
    Route.of("GET", "webhooks", list_webhooks, COLLECTION),
    Route.of("POST", "webhooks", create_webhook, COLLECTION),
    Route.of("GET", r"webhooks/(?P<webhook_id>\d+)", get_webhook, ITEM),
    Route.of("POST PUT PATCH", r"webhooks/(?P<webhook_id>\d+)", edit_webhook, ITEM),
    Route.of("DELETE", r"webhooks/(?P<webhook_id>\d+)", delete_webhook, ITEM),
]
