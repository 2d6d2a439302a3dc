"""A store manager's API keys (Gate.ADMIN): list, create (the key is shown once, in this
answer only), revoke, and link an app's user to a customer of the store. These write only
the bridge's own tables."""
from __future__ import annotations

from flask import jsonify

from bridge import apikeys
from bridge.core import current_core
from bridge.errors import MISSING_PARAM, bad_request
from bridge.inputs import json_object

SHOWN_ONCE = ("Copy this key now: the bridge keeps only its hash and can't show it again. "
              "Use it from your server only (never in a web page or an app's bundle).")


def _private(body, status: int = 200):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "private, no-store"
    return response


def keys():
    return _private({"keys": apikeys.list_keys(current_core().sessions),
                     "scopes": list(apikeys.SCOPES)})


def create_key():
    body = json_object()
    settings = current_core().settings
    raw, view = apikeys.create_key(
        current_core().sessions, body.get("name"), body.get("mode", "live"),
        body.get("scopes"), body.get("rate_limit", settings.api_key_rate_limit),
        body.get("rate_window", settings.api_key_rate_window))
    return _private({**view, "key": raw, "note": SHOWN_ONCE}, 201)


def revoke_key():
    key_id = json_object().get("id")
    if not key_id:
        raise bad_request(MISSING_PARAM, "Missing parameter: id.")
    return _private(apikeys.revoke_key(current_core().sessions, key_id))


def link_customer():
    body = json_object()
    for name in ("key_id", "app_user"):
        if not body.get(name):
            raise bad_request(MISSING_PARAM, f"Missing parameter: {name}.")
    return _private(apikeys.link_customer(current_core().sessions, body["key_id"],
                                          body["app_user"], body.get("customer_id")))


VIEWS = {
    "app_api.keys": keys,
    "app_api.create_key": create_key,
    "app_api.revoke_key": revoke_key,
    "app_api.link_customer": link_customer,
}
