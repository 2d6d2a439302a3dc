"""A loopback WooCommerce 10.0.2 for tests, built from the recorded exchanges in
../shared/woocommerce/recorded/.
server: FakeWooCommerce; auth: READ_WRITE, READ, APPLICATION_PASSWORD, signature_base, sign;
webhooks: WEBHOOK_SECRET, Delivery; catalog, shop: state; products_v3, store_products, cart:
shapes; v3_*, store_cart: routes (v3_shipping: shipping zones, continents, the email and
advanced settings and wp/v2 pages, from WooCommerce's documented schema: none was recorded); faults: faults and the request log; recordings: the data.
"""
from .auth import APPLICATION_PASSWORD, READ, READ_WRITE, sign, signature_base
from .recordings import RECORDED_DIR, exchange
from .server import FakeWooCommerce
from .webhooks import WEBHOOK_SECRET, Delivery

__all__ = ["APPLICATION_PASSWORD", "READ", "READ_WRITE", "RECORDED_DIR", "WEBHOOK_SECRET",
           "Delivery", "FakeWooCommerce", "exchange", "sign", "signature_base"]
