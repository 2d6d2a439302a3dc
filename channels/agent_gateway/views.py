"""The agent gateway's routes: public, read only, published catalogue data only."""
from __future__ import annotations

import hashlib
import json
import math
import re
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlencode

from flask import Response, current_app, jsonify, request

from bridge.agent.tools.catalog import DEFAULT_RESULTS, MAX_OFFSET, MAX_QUERY, MAX_RESULTS
from bridge.core import current_core
from bridge.errors import INVALID_PARAM, INVALID_PRODUCT, MISSING_PARAM, BridgeError, bad_request
from bridge.inputs import query_bool, query_float, query_int, query_text
from bridge.routes import NAMESPACE

from . import dialects, service
from .llms import llms_txt

# Seconds an answer may be cached by agents and proxies; the catalogue moves slowly, stock
# faster, so lists and products stay short.
CACHE_LIST = "public, max-age=60"
CACHE_DOCUMENT = "public, max-age=3600"
MAX_PER_PAGE = 100
MAX_ID = 2**31 - 1
PAGE_PARAMS = ("per_page", "updated_since")  # what a next-page link carries over


def _base() -> str:
    # Configured, never the request's Host: llms.txt is cached publicly for an hour.
    return current_core().settings.base_url + NAMESPACE


def llms():
    core = current_core()
    text = llms_txt(core.settings, _base(), core.store.currency, core.index.count())
    return Response(text, mimetype="text/plain", headers={"Cache-Control": CACHE_DOCUMENT})


def catalog():
    return _paged(None, "products")


def feed():
    core = current_core()
    store_url = core.settings.store_url

    def rows(items):
        return [row for item in items
                for row in dialects.feed_rows(item, core.settings.store_name, store_url)]
    return _paged(rows, "items")


def _paged(shape, key: str):
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
               "Cache-Control": CACHE_LIST}
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
    return f"{_base()}{request.path.split(NAMESPACE, 1)[-1]}?{query}"


def search():
    query = query_text("q", MAX_QUERY)
    if not query:
        raise bad_request(MISSING_PARAM, "Missing parameter: q (the words to search for).")
    filters = {"category": query_text("category", 100), "min_price": query_float("min_price"),
               "max_price": query_float("max_price"), "on_sale": query_bool("on_sale"),
               "in_stock": query_bool("in_stock"),
               "limit": query_int("limit", DEFAULT_RESULTS, 1, MAX_RESULTS),
               "offset": query_int("offset", 0, 0, MAX_OFFSET)}
    body = service.search(query, **{k: v for k, v in filters.items() if v is not None})
    response = jsonify(body)
    response.headers["Cache-Control"] = CACHE_LIST
    return response


def product():
    if request.args.get("id") is None:
        raise bad_request(MISSING_PARAM, "Missing parameter: id.")
    product_id = query_int("id", 0, 0, MAX_ID)
    found = service.product(product_id) if product_id > 0 else None
    if found is None:
        raise BridgeError(INVALID_PRODUCT, f"No product with id {product_id}.", 404)
    fmt = (request.args.get("format") or "json").lower()
    if fmt not in ("json", "jsonld"):
        raise bad_request(INVALID_PARAM, "format must be json or jsonld.")
    if fmt == "jsonld":
        body = dialects.jsonld(found, current_core().settings.store_name)
        response = current_app.response_class(current_app.json.dumps(body),
                                              mimetype="application/ld+json")
    else:
        response = jsonify(found)
    response.headers["Cache-Control"] = CACHE_LIST
    return response


_PAIR = re.compile(r"(\d{1,10})(?::(\d{1,4}))?")


def checkout_handoff():
    raw = query_text("ids", 2000)
    if not raw:
        raise bad_request(MISSING_PARAM, "Missing parameter: ids (e.g. ids=12,15:2).")
    requested, invalid = [], []
    for part in (p.strip() for p in raw.split(",") if p.strip()):
        match = _PAIR.fullmatch(part)
        if not match or int(match.group(1)) < 1 or int(match.group(1)) > MAX_ID:
            invalid.append({"product_id": part, "reason": "not an id"})
            continue
        quantity = max(1, min(service.MAX_QUANTITY, int(match.group(2) or 1)))
        requested.append((int(match.group(1)), quantity))
    if len({pid for pid, _ in requested}) > service.MAX_ITEMS:
        raise bad_request(INVALID_PARAM, f"At most {service.MAX_ITEMS} ids per hand-off.")
    result = service.handoff(requested)
    result["dropped"] = invalid + result["dropped"]
    if not result["items"]:
        error = BridgeError(INVALID_PARAM, "None of the ids can be bought here now.", 400,
                            data={"dropped": result["dropped"]})
        raise error
    response = jsonify(result)
    response.headers["Cache-Control"] = "no-store"
    return response


VIEWS = {
    "agent_gateway.llms": llms,
    "agent_gateway.catalog": catalog,
    "agent_gateway.search": search,
    "agent_gateway.product": product,
    "agent_gateway.checkout_handoff": checkout_handoff,
    "agent_gateway.feed": feed,
}
