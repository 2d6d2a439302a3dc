"""Where a product's image bytes come from during a feature sync: the demo store draws its
own; any other store's images are fetched over HTTP(S), bounded in time and size."""
from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

import requests

from ..store.base import Store
from .validate import MAX_BYTES
from .vectors import Loader

log = logging.getLogger(__name__)

CHUNK = 64 * 1024
MAX_REDIRECTS = 3


def demo_loader(store) -> Loader:
    """The demo store's drawn PNGs, by product id (its image URLs point at this bridge)."""
    return lambda product_id, _url: store.image_png(product_id)


def http_loader(timeout: float, max_bytes: int = MAX_BYTES) -> Loader:
    """GET the image URL: http(s) only, ``timeout`` seconds to connect and between bytes,
    twice that for the whole download (a slow drip is cut), and nothing over ``max_bytes``
    is read (a bigger image is skipped, as an upload would be
    refused)."""
    session = requests.Session()
    session.max_redirects = MAX_REDIRECTS
    session.headers["User-Agent"] = "fahad-ai-bridge visual-search"

    def load(product_id: int, url: str) -> bytes | None:
        if urlsplit(url).scheme not in ("http", "https"):
            return None
        deadline = time.monotonic() + 2 * timeout
        try:
            with session.get(url, timeout=(timeout, timeout), stream=True) as response:
                if response.status_code != 200:
                    log.info("product %s: image answered %s", product_id, response.status_code)
                    return None
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    return None
                data = bytearray()
                for chunk in response.iter_content(CHUNK):
                    data += chunk
                    if len(data) > max_bytes or time.monotonic() > deadline:
                        return None
                return bytes(data)
        except requests.RequestException as exc:
            log.info("product %s: image fetch failed: %s", product_id, type(exc).__name__)
            return None

    return load


def loader_for(store: Store, timeout: float) -> Loader:
    # The demo store is the one store whose images this process draws itself.
    if getattr(store, "image_png", None) is not None:
        return demo_loader(store)
    return http_loader(timeout)
