"""POST /visual-search: a multipart ``image`` and optional filters (form fields or query
parameters), answered by bridge.visual for the storefront."""
from __future__ import annotations

from flask import jsonify, request

from bridge.core import current_core
from bridge.errors import MISSING_PARAM, bad_request
from bridge.inputs import query_float, query_int, query_text
from bridge.visual.service import DEFAULT_LIMIT, MAX_LIMIT
from bridge.visual.validate import read_capped


def visual_search():
    fields = request.values  # query string and form fields alike
    category = query_text("category", 200, source=fields) or None
    min_price = query_float("min_price", source=fields)
    max_price = query_float("max_price", source=fields)
    limit = query_int("limit", DEFAULT_LIMIT, 1, MAX_LIMIT, source=fields)
    upload = request.files.get("image")
    if upload is None:
        raise bad_request(MISSING_PARAM, "Missing parameter: image (a multipart file).")
    # Read with a cap: the route's body limit bounds the request, this bounds the image.
    data = read_capped(upload.stream)
    answer = current_core().visual.search(data, category=category, min_price=min_price,
                                          max_price=max_price, limit=limit,
                                          channel="storefront")
    return jsonify(answer)
