"""The catalogue's read-only routes, for whichever channel serves them: the agent gateway's
/agent/catalog, /agent/search and /agent/product (public) and the apps' /app/catalog,
/app/search and /app/product (a key with catalog:read) answer through these, the same
way (bridge.catalog_answers). Each channel keeps its own view functions (flask-limiter
files limits by a view's name) and says how a cache may keep the answer: publicly for
the gateway, privately for a key's."""
from __future__ import annotations

import hashlib
import json
import math
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlencode

from flask import Response, current_app, jsonify, request

from . import catalog_answers
from .agent.tools.catalog import DEFAULT_RESULTS, MAX_OFFSET, MAX_QUERY, MAX_RESULTS, MAX_TOKEN
from .catalog import dialects
from .core import current_core
from .errors import INVALID_PARAM, INVALID_PRODUCT, MISSING_PARAM, BridgeError, bad_request
from .inputs import query_bool, query_float, query_int, query_text
from .routes import NAMESPACE

MAX_PER_PAGE = 100
MAX_ID = 2**31 - 1
PAGE_PARAMS = ("per_page", "updated_since")  # what a next-page link carries over
# What a search is made of; a page token already holds all of them.
SEARCH_PARAMS = ("q", "category", "min_price", "max_price", "on_sale", "in_stock", "limit",
                 "offset")


def base() -> str:
    # Configured, never the request's Host: links go into answers caches keep.
    return current_core().settings.base_url + NAMESPACE


def listing(shape, key: str, cache: str) -> Response:
    """A page of the catalogue (or, with ``shape``, of rows made from it), with ETag and
    Last-Modified answering 304 when unchanged."""
    index = current_core().index
    page = query_int("page", 1, 1, MAX_ID)
    per_page = query_int("per_page", MAX_PER_PAGE, 1, MAX_PER_PAGE)
    since = _since()
    changed = datetime.fromisoformat(index.meta("changed_at") or "2000-01-01T00:00:00+00:00")
    tag = '"' + hashlib.sha256(f"{changed.isoformat()}|{request.full_path}".encode()) \
        .hexdigest()[:32] + '"'
    headers = {"ETag": tag, "Last-Modified": format_datetime(changed, usegmt=True),
               "Cache-Control": cache}
    if _not_modified(tag, changed):
        return Response(status=304, headers=headers)
    raw, total = index.page_json(page, per_page, since)
    as_of = changed.isoformat(timespec="seconds")
    stamp = f',"as_of":"{as_of}"}}'
    if shape is None:
        # The items go out as stored, each closed with its as_of: no parse, no re-encode.
        items = [item[:-1] + stamp for item in raw]
    else:
        items = [json.dumps(row) for row in
                 shape([{**json.loads(item), "as_of": as_of} for item in raw])]
    pages = math.ceil(total / per_page)
    # count: what this answer holds; total: the products the listing pages through.
    head = {"count": len(items), "total": total, "page": page, "per_page": per_page,
            "total_pages": pages, "as_of": as_of,
            "next": _page_url(page + 1) if page < pages else None}
    body = json.dumps(head)[:-1] + f',"{key}":[{",".join(items)}]}}'
    return Response(body, mimetype="application/json", headers=headers)


def _since() -> datetime | None:
    raw = query_text("updated_since", 40)
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise bad_request(INVALID_PARAM, "updated_since must be an ISO 8601 time.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _not_modified(tag: str, changed: datetime) -> bool:
    if "If-None-Match" in request.headers:
        return tag in [t.strip() for t in request.headers["If-None-Match"].split(",")] or \
            request.headers["If-None-Match"].strip() == "*"
    since = request.headers.get("If-Modified-Since")
    if since:
        try:
            return changed.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def _page_url(page: int) -> str:
    """The listing's link to ``page``: its own parameters only, encoded (others the request
    carried are not echoed into a link agents follow)."""
    args = {k: request.args[k] for k in PAGE_PARAMS if k in request.args}
    query = urlencode({"page": page, **args})
    return f"{base()}{request.path.split(NAMESPACE, 1)[-1]}?{query}"


def search(cache: str, tokens: bool = False) -> Response:
    """``q`` and the filters, a page by ``limit`` and ``offset``. With ``tokens`` (the apps)
    the answer also carries the chat's ``search`` (facets, page tokens), and ``page_token``
    alone continues a search."""
    token = query_text("page_token", MAX_TOKEN) if tokens else None
    if token:
        mixed = [name for name in SEARCH_PARAMS if name in request.args]
        if mixed:
            raise bad_request(INVALID_PARAM, "page_token carries its whole search: send it "
                              "without " + ", ".join(mixed) + ".")
        body = catalog_answers.search(secret=current_core().settings.bridge_secret,
                                      page_token=token)
    else:
        query = query_text("q", MAX_QUERY)
        if not query:
            raise bad_request(MISSING_PARAM, "Missing parameter: q (the words to search for).")
        filters = {"category": query_text("category", 100),
                   "min_price": query_float("min_price"), "max_price": query_float("max_price"),
                   "on_sale": query_bool("on_sale"), "in_stock": query_bool("in_stock"),
                   "limit": query_int("limit", DEFAULT_RESULTS, 1, MAX_RESULTS),
                   "offset": query_int("offset", 0, 0, MAX_OFFSET)}
        secret = current_core().settings.bridge_secret if tokens else ""
        body = catalog_answers.search(query, secret=secret,
                                      **{k: v for k, v in filters.items() if v is not None})
    response = jsonify(body)
    response.headers["Cache-Control"] = cache
    return response


def product(cache: str) -> Response:
    """``id``'s details as JSON, or with ``format=jsonld`` as a schema.org Product."""
    if request.args.get("id") is None:
        raise bad_request(MISSING_PARAM, "Missing parameter: id.")
    product_id = query_int("id", 0, 0, MAX_ID)
    fmt = (request.args.get("format") or "json").lower()
    if fmt not in ("json", "jsonld"):  # bad input before any read of the store
        raise bad_request(INVALID_PARAM, "format must be json or jsonld.")
    found = catalog_answers.product(product_id) if product_id > 0 else None
    if found is None:
        raise BridgeError(INVALID_PRODUCT, f"No product with id {product_id}.", 404)
    if fmt == "jsonld":
        body = dialects.jsonld(found, current_core().settings.store_name)
        response = current_app.response_class(current_app.json.dumps(body),
                                              mimetype="application/ld+json")
    else:
        response = jsonify(found)
    response.headers["Cache-Control"] = cache
    return response
