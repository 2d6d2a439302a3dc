"""The admin copilot's routes: read only, for store managers (bridge.gates.admin_identity)."""
from __future__ import annotations

from flask import jsonify, request

from bridge.core import current_core
from bridge.errors import INVALID_PRODUCT, MISSING_PARAM, BridgeError, bad_request
from bridge.inputs import query_int
from bridge.store.readonly import ReadOnlyStore
from bridge.usage import budget_spent

from . import drafts, reports

MAX_ID = 2**31 - 1


def _store() -> ReadOnlyStore:
    """The copilot sees the store through a read-only view: it can't change the shop."""
    return ReadOnlyStore(current_core().store)


def _private(body: dict):
    response = jsonify(body)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def insights():
    days = query_int("days", 7, 1, 90)
    return _private(reports.insights(_store(), current_core().sessions, days))


def sale_candidates():
    limit = query_int("limit", 5, 1, 20)
    days = query_int("days", 30, 1, 90)
    return _private(reports.sale_candidates(_store(), days, limit))


def product_context():
    if request.args.get("id") is None:
        raise bad_request(MISSING_PARAM, "Missing parameter: id.")
    product_id = query_int("id", 0, 0, MAX_ID)
    found = reports.product_context(_store(), current_core().sessions, product_id) \
        if product_id else None
    if found is None:
        raise BridgeError(INVALID_PRODUCT, f"No product with id {product_id}.", 404)
    return _private(found)


def review_drafts():
    core = current_core()
    limit = query_int("limit", 10, 1, 50)
    providers = [p for p in core.providers if p.model_based]
    if budget_spent(core.sessions, core.settings.monthly_budget):
        providers = []  # past the budget: templates only
    return _private(drafts.review_drafts(_store(), core.settings, providers, core.sessions,
                                         limit))


VIEWS = {
    "admin_copilot.insights": insights,
    "admin_copilot.sale_candidates": sale_candidates,
    "admin_copilot.product_context": product_context,
    "admin_copilot.review_drafts": review_drafts,
}
