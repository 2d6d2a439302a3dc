"""Where a product's image bytes come from during a feature sync: the demo store draws its
own; any other store's images are fetched over HTTP(S) from its own host and the merchant's
image hosts only (outbound.py), bounded in time and size."""
from __future__ import annotations

import logging

from ..settings import Settings
from ..store.base import LocalShop, Store
from .outbound import Fetcher, FetchFailed, Hosts, Refused
from .validate import MAX_BYTES
from .vectors import Loader

log = logging.getLogger(__name__)


def local_loader(shop: LocalShop) -> Loader:
    """A local shop's drawn PNGs, by product id (its image URLs point at this bridge)."""
    return lambda product_id, _url: shop.image_png(product_id)


def http_loader(hosts: Hosts, timeout: float, max_bytes: int = MAX_BYTES) -> Loader:
    """GET the image URL where ``hosts`` allows it: ``timeout`` seconds to connect and
    between bytes, twice that for the whole download (a slow drip is cut), and nothing over
    ``max_bytes`` is read (a bigger image is skipped, as an upload would be refused). An
    image that is refused or fails is logged (its origin, never its path or query) and is
    None: unusable, never the end of the sync."""
    fetcher = Fetcher(hosts, timeout, max_bytes)

    def load(product_id: int, url: str) -> bytes | None:
        try:
            return fetcher.get(url)
        except Refused as refusal:
            log.warning("product %s: image refused: %s", product_id, refusal)
        except FetchFailed as failure:
            log.info("product %s: image fetch failed: %s", product_id, failure)
        return None

    return load


def loader_for(store: Store, settings: Settings) -> Loader:
    # A shop living in this process (the demo) draws its images here.
    if store.local is not None:
        return local_loader(store.local)
    return http_loader(Hosts.of(settings.wc_url, settings.image_hosts),
                       settings.visual_fetch_timeout)
