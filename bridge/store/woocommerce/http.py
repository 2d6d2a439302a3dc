"""Talking to a WooCommerce site: one pooled session, WooCommerce's authentication, retries.

wc/v3 needs OAuth 1.0a one-legged signing over plain http and Basic auth over https (over
http WooCommerce ignores Basic credentials). Requests are signed by the ``woocommerce``
package's OAuth signer; the transport is our own ``requests.Session``, because the package's
``API`` class opens a new connection for every call, and a sync makes thousands of them.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Iterator
from urllib.parse import urlencode

import requests
from requests.adapters import HTTPAdapter
from woocommerce.oauth import OAuth

from ..base import StoreUnavailable

log = logging.getLogger(__name__)

# Statuses worth another try: rate limited, or the server (or a proxy) failing for now.
RETRY_STATUSES = {429, 500, 502, 503, 504}
# Pauses before the second and third tries; a Retry-After from the server wins, up to a cap.
BACKOFF = (0.5, 1.5)
MAX_RETRY_AFTER = 10.0
# WooCommerce refuses per_page above this (rest_invalid_param).
MAX_PER_PAGE = 100


class StoreAuthError(StoreUnavailable):
    """WooCommerce refused the bridge's API keys (or they lack a permission)."""


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    total_pages: int


class WooHttp:
    """Requests to one WooCommerce site: wc/v3 authenticated, the Store API anonymous."""

    def __init__(self, url: str, consumer_key: str, consumer_secret: str, timeout: float,
                 session: requests.Session | None = None):
        self.base = url.rstrip("/")
        self.key = consumer_key
        self.secret = consumer_secret
        self.timeout = timeout
        self.https = self.base.startswith("https://")
        self.session = session or requests.Session()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=16)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = "fahad-ai-bridge"

    # -- wc/v3 --

    def v3(self, method: str, endpoint: str, params: dict | None = None,
           json: dict | None = None) -> requests.Response:
        """A wc/v3 call; 401/403 raise StoreAuthError, an unreachable store StoreUnavailable.

        Other 4xx come back to the caller (a 404 is an answer, not a failure).
        """
        url = f"{self.base}/wp-json/wc/v3/{endpoint}"
        response = self._send(method, url, params or {}, json, signed=True)
        if response.status_code in (401, 403):
            raise StoreAuthError(_refusal(response))
        return response

    def get(self, endpoint: str, **params) -> dict | list | None:
        """A wc/v3 GET's JSON; None for a 404."""
        response = self.v3("GET", endpoint, params)
        if response.status_code == 404:
            return None
        _raise_for(response)
        return response.json()

    def page(self, endpoint: str, page: int, per_page: int, **params) -> Page:
        per_page = max(1, min(per_page, MAX_PER_PAGE))
        response = self.v3("GET", endpoint, {**params, "page": page, "per_page": per_page})
        _raise_for(response)
        return Page(response.json(), int(response.headers.get("X-WP-Total", 0)),
                    int(response.headers.get("X-WP-TotalPages", 0)))

    def every(self, endpoint: str, **params) -> Iterator[dict]:
        """Every item of a list, page by page as X-WP-TotalPages says."""
        number = 1
        while True:
            page = self.page(endpoint, number, MAX_PER_PAGE, **params)
            yield from page.items
            if number >= page.total_pages or not page.items:
                return
            number += 1

    # -- WordPress --

    def wp(self, endpoint: str, **params) -> dict | list | None:
        """An anonymous wp/v2 GET (published pages are public); None when WordPress won't
        show it (missing, unpublished, the route switched off)."""
        url = f"{self.base}/wp-json/wp/v2/{endpoint}"
        response = self._send("GET", url, params, None, signed=False)
        if response.status_code in (401, 403, 404):
            return None
        _raise_for(response)
        return response.json()

    # -- Store API --

    def store_api(self, method: str, endpoint: str, cart_token: str | None,
                  json: dict | None = None) -> requests.Response:
        headers = {"Cart-Token": cart_token} if cart_token else {}
        url = f"{self.base}/wp-json/wc/store/v1/{endpoint}"
        return self._send(method, url, {}, json, signed=False, headers=headers)

    # -- transport --

    def _send(self, method: str, url: str, params: dict, json: dict | None, signed: bool,
              headers: dict | None = None) -> requests.Response:
        # Only reads are retried: a cart write that timed out may still have happened.
        tries = len(BACKOFF) + 1 if method == "GET" else 1
        for attempt in range(tries):
            target, query, auth = url, params, None
            if signed and self.https:
                auth = (self.key, self.secret)
            elif signed:
                target, query = self._oauth_url(method, url, params), None  # a fresh nonce
            try:
                response = self.session.request(method, target, params=query, json=json,
                                                headers=headers, auth=auth,
                                                timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as exc:
                if attempt == tries - 1:
                    raise StoreUnavailable(
                        f"The store at {self.base} can't be reached ({type(exc).__name__}).") \
                        from None
                log.warning("store unreachable, retrying: %s", type(exc).__name__)
                time.sleep(BACKOFF[attempt])
                continue
            if response.status_code not in RETRY_STATUSES or attempt == tries - 1:
                return response
            pause = _retry_after(response) or BACKOFF[attempt]
            log.warning("store answered %s, retrying in %.1f s", response.status_code, pause)
            time.sleep(pause)
        raise AssertionError("unreachable")

    def _oauth_url(self, method: str, url: str, params: dict) -> str:
        """The URL with its query and the OAuth 1.0a signature (over http).

        The package's signer leaves "/" unescaped where WooCommerce escapes it, so a
        parameter value with a "/" fails the signature check: no call here sends one.
        """
        query = urlencode(params)
        oauth = OAuth(url=f"{url}?{query}" if query else url, consumer_key=self.key,
                      consumer_secret=self.secret, version="wc/v3", method=method)
        return oauth.get_oauth_url()


def _retry_after(response: requests.Response) -> float | None:
    try:
        return min(float(response.headers["Retry-After"]), MAX_RETRY_AFTER)
    except (KeyError, ValueError):
        return None


def _refusal(response: requests.Response) -> str:
    try:
        body = response.json()
        detail = f"{body['code']}: {body['message']}"
    except (ValueError, KeyError, TypeError):
        detail = f"HTTP {response.status_code}"
    return ("WooCommerce refused the bridge's API keys; check FAHAD_WC_CONSUMER_KEY and "
            f"FAHAD_WC_CONSUMER_SECRET and that the key may read ({detail}).")


def _raise_for(response: requests.Response) -> None:
    if response.status_code >= 500 or response.status_code == 429:
        raise StoreUnavailable(f"The store answered {response.status_code}; try again later.")
    if response.status_code >= 400:
        try:
            body = response.json()
            detail = f"{body.get('code')}: {body.get('message')}"
        except ValueError:
            detail = response.text[:200]
        raise StoreUnavailable(f"The store refused the request ({detail}).")
