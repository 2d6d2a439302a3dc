"""The agent gateway's routes: public, read only, published catalogue data only. The
catalogue, search and product answer through bridge.catalog_views (the apps' keyed copies
answer the same way); llms.txt, the feed's shape and the checkout hand-off are the gateway's."""
from __future__ import annotations

import re

from flask import Response, jsonify

from bridge import catalog_views
from bridge.catalog import dialects
from bridge.catalog_views import MAX_ID
from bridge.core import current_core
from bridge.errors import INVALID_PARAM, MISSING_PARAM, BridgeError, bad_request
from bridge.inputs import query_text

from . import service
from .llms import llms_txt

# Seconds an answer may be cached by agents and proxies; the catalogue moves slowly, stock
# faster, so lists and products stay short.
CACHE_LIST = "public, max-age=60"
CACHE_DOCUMENT = "public, max-age=3600"


def llms():
    core = current_core()
    text = llms_txt(core.settings, catalog_views.base(), core.store.currency, core.index.count())
    return Response(text, mimetype="text/plain", headers={"Cache-Control": CACHE_DOCUMENT})


def catalog():
    return catalog_views.listing(None, "products", CACHE_LIST)


def feed():
    core = current_core()
    store_url = core.settings.store_url

    def rows(items):
        return [row for item in items
                for row in dialects.feed_rows(item, core.settings.store_name, store_url)]
    return catalog_views.listing(rows, "items", CACHE_LIST)


def search():
    return catalog_views.search(CACHE_LIST)


def product():
    return catalog_views.product(CACHE_LIST)


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
