"""What every route handler gets (``Context``) and the helpers wc/v3 handlers share: the route
table entry, permission refusals, and collection responses with WordPress' headers.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Callable

from werkzeug.wrappers import Request

from .auth import Identity
from .catalog import Catalog
from .recordings import ORIGIN
from .rest import Reply, RestError, only_fields, page_links, paginate
from .shop import Shop
from .webhooks import Webhooks

COLLECTION = "GET, POST"
ITEM = "GET, POST, PUT, PATCH, DELETE"


@dataclass
class Context:
    """One request, already authenticated, with the store it acts on."""
    request: Request
    now: float
    identity: Identity
    catalog: Catalog
    shop: Shop
    webhooks: Webhooks

    @property
    def args(self):
        return self.request.args

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """The query string's pairs, in the order sent."""
        return list(self.request.args.items(multi=True))

    def body(self) -> dict:
        """The JSON (or form) body WordPress would merge into the request's parameters."""
        if self.request.mimetype == "application/json":
            try:
                data = json.loads(self.request.get_data() or b"{}")
            except ValueError as failure:
                raise RestError(400, "rest_invalid_json", "Invalid JSON body passed.",
                                json_error_code=4, json_error_message=str(failure)) from None
            return data if isinstance(data, dict) else {}
        return self.request.form.to_dict()


@dataclass(frozen=True)
class Route:
    """One registered route: methods, a path pattern, the handler and its Allow header."""
    methods: frozenset[str]
    pattern: re.Pattern
    handler: Callable[..., Reply]
    allow: str

    @classmethod
    def of(cls, methods: str, path: str, handler, allow: str) -> "Route":
        return cls(frozenset(methods.split()), re.compile(f"^{path}$"), handler, allow)


REFUSALS = {
    "list": ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
    "view": ("woocommerce_rest_cannot_view", "Sorry, you cannot view this resource."),
    "create": ("woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."),
    "edit": ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
    "delete": ("woocommerce_rest_cannot_delete",
               "Sorry, you are not allowed to delete this resource."),
}


def refuse(kind: str) -> RestError:
    """The permission_callback's answer to an anonymous caller (401, not 403)."""
    code, message = REFUSALS[kind]
    return RestError(401, code, message)


def not_found(code: str, message: str) -> RestError:
    return RestError(404, code, message)


def collection(ctx: Context, items: list, render: Callable[[Any], dict], *, page: int,
               per_page: int, path: str, pairs: list[tuple[str, str]] | None = None) -> Reply:
    """A page of ``items`` rendered, with X-WP-Total, X-WP-TotalPages, Link and ``_fields``."""
    chunk, total, pages = paginate(items, page, per_page)
    body = [render(item) for item in chunk]
    fields = ctx.args.get("_fields")
    if fields:
        body = [only_fields(item, fields.split(","), keep_links=False) for item in body]
    headers = [("X-WP-Total", str(total)), ("X-WP-TotalPages", str(pages))]
    link = page_links(f"{ORIGIN}/wp-json/wc/v3/{path}",
                      ctx.pairs if pairs is None else pairs, page, pages)
    if link:
        headers.append(("Link", link))
    return Reply(200, body, headers)


def item(ctx: Context, body: dict) -> Reply:
    """A single resource, with ``_fields`` applied (its _links survive, as in WordPress)."""
    fields = ctx.args.get("_fields")
    if fields:
        body = only_fields(body, fields.split(","), keep_links=True)
    return Reply(200, body)


def by_order(records: list[dict], key: Callable[[dict], Any], order: str) -> list[dict]:
    """Sort with the id as tie-breaker in the same direction (WordPress leaves ties unstable)."""
    return sorted(records, key=lambda r: (key(r), r["id"]), reverse=order == "desc")
