"""The WooCommerce store against the loopback WooCommerce built from the recordings: reads
(published only, paging, auth, retries), the shopper's Store API cart, and faults."""

import pytest
import requests

from bridge.store.base import (CartItemNotFound, InvalidVariation, NoCart, OutOfStock,
                               ProductNotFound, StoreUnavailable)
from bridge.store.woocommerce import StoreAuthError, WooCommerceStore, WooHttp
from fakes.woocommerce.auth import READ

PUBLISHED = {14, 15, 16, 19, 20, 25, 30, 31}
HIDDEN = {17, 18}  # draft, private


pytestmark = pytest.mark.usefixtures("quick_retries")


def make_store(url, keys=READ, timeout=5.0):
    return WooCommerceStore(WooHttp(url, *keys, timeout), "Recorded Shop")


@pytest.fixture
def store(fake):
    return make_store(fake.url)


def new_token(fake) -> str:
    return requests.get(fake.url + "/wp-json/wc/store/v1/cart").headers["Cart-Token"]


# -- reads ---------------------------------------------------------------------------

def test_only_published_products_are_read_and_status_publish_is_always_asked(fake, store):
    page = store.products(per_page=100)
    assert {p.id for p in page.items} == PUBLISHED
    for entry in fake.log.to("/wp-json/wc/v3/products"):
        if entry.path == "/wp-json/wc/v3/products":
            assert entry.arg("status") == "publish"
    for product_id in HIDDEN | {22, 999999}:  # draft, private, a variation, unknown
        assert store.product(product_id) is None


def test_a_password_protected_product_is_treated_as_unpublished(fake, store):
    fake.update_product(19, post_password="secret")
    assert store.product(19) is None
    assert 19 not in {p.id for p in store.products().items}


def test_a_variable_product_comes_with_its_variations_and_their_own_prices(store):
    tee = store.product(20)
    assert tee.type == "variable" and len(tee.variations) == 4
    by_id = {v.id: v for v in tee.variations}
    assert str(by_id[22].price) == "12.00" and by_id[22].on_sale
    assert by_id[23].in_stock is False and by_id[23].stock_quantity == 0
    assert dict(by_id[21].attributes) == {"Size": "S", "Color": "Red"}


def test_html_in_descriptions_becomes_plain_text(store):
    tee = store.product(20)
    assert tee.description == "100% organic cotton crew-neck tee."
    assert "<" not in tee.short_description


def test_paging_follows_total_pages(fake, store):
    fake.add_generated_products(230, seed=3)
    seen, page = [], 1
    while True:
        batch = store.products(page=page, per_page=100)
        seen += [p.id for p in batch.items]
        if page >= batch.total_pages:
            break
        page += 1
    assert page == 3 and len(seen) == len(set(seen)) == len(PUBLISHED) + 230


def test_sequential_reads_reuse_one_pooled_connection(fake, store):
    for product_id in (14, 15, 16, 19):
        store.forget(product_id)
        store.product(product_id)
    assert len(fake.log.connections()) == 1


def test_reviews_orders_refunds_and_coupons_are_read(store):
    from datetime import datetime, timedelta, timezone
    reviews = store.reviews()
    assert reviews and all(r.status == "approved" for r in reviews)
    assert all(r.product_id not in HIDDEN for r in reviews)
    orders = store.orders(after=datetime.now(timezone.utc) - timedelta(days=120))
    refunded = next(o for o in orders if o.id == 34)
    assert refunded.refunded_total == refunded.total
    assert refunded.refunds[0].reason == "Damaged in transit"
    assert [c.code for c in store.coupons()] == ["save10"]
    assert store.currency == "USD"


@pytest.mark.parametrize("keys, reason", [
    (("ck_unknown", "cs_unknown"), "Consumer key is invalid"),
    ((READ[0], "cs_wrong"), "signature"),
])
def test_wrong_keys_are_a_clear_error(fake, keys, reason):
    with pytest.raises(StoreAuthError) as error:
        make_store(fake.url, keys).products()
    assert "FAHAD_WC_CONSUMER_KEY" in str(error.value) and reason in str(error.value)
    assert keys[1] not in str(error.value)  # the secret is never repeated


def test_basic_auth_is_used_over_https_and_oauth_over_http(monkeypatch):
    sent = []

    class Recorder(requests.Session):
        def request(self, method, url, **kwargs):
            sent.append((url, kwargs.get("auth"), kwargs.get("params")))
            response = requests.Response()
            response.status_code, response._content = 200, b"[]"
            return response

    WooHttp("https://shop.example", *READ, 5, session=Recorder()).get("products", status="publish")
    WooHttp("http://shop.example", *READ, 5, session=Recorder()).get("products", status="publish")
    (https_url, https_auth, https_params), (http_url, http_auth, http_params) = sent
    assert https_auth == READ and "oauth_signature" not in https_url
    assert http_auth is None and "oauth_signature=" in http_url and "status=publish" in http_url


# -- faults --------------------------------------------------------------------------

@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_a_read_is_retried_after_a_passing_failure(fake, store, status):
    fake.faults.fail(status, times=2, path="/wp-json/wc/v3/products/14",
                     retry_after=0 if status == 429 else None)
    assert store.product(14).name == "Canvas Tote Bag"


def test_a_lasting_failure_is_store_unavailable(fake, store):
    fake.faults.fail(503, times=5, path="/wp-json/wc/v3/products/14")
    with pytest.raises(StoreUnavailable):
        store.product(14)


def test_a_dropped_connection_is_retried(fake, store):
    fake.faults.drop(times=1, path="/wp-json/wc/v3/products/15")
    assert store.product(15).name == "Leather Belt"


def test_a_hung_store_times_out_quickly(fake):
    store = make_store(fake.url, timeout=0.3)
    fake.faults.hang(60, times=3, path="/wp-json/wc/v3/products/16")
    with pytest.raises(StoreUnavailable):
        store.product(16)
    assert fake.faults.waiting >= 1  # given up on while the store still hung


def test_a_store_that_is_down_is_a_clear_error(fake):
    store = make_store(fake.url)
    fake.stop()
    with pytest.raises(StoreUnavailable) as error:
        store.products()
    assert "can't be reached" in str(error.value)


def test_a_cart_write_is_never_retried(fake, store):
    token = new_token(fake)
    fake.faults.fail(500, times=1, path="/wp-json/wc/store/v1/cart/add-item")
    with pytest.raises(StoreUnavailable):
        store.add_to_cart(token, 14, 1)
    assert len(fake.log.to("/wp-json/wc/store/v1/cart/add-item")) == 1
    assert store.cart(token).items == ()


# -- the shopper's cart ----------------------------------------------------------------

def test_add_update_remove_and_view_on_the_shoppers_own_cart(fake, store):
    token = new_token(fake)
    cart = store.add_to_cart(token, 14, 1)
    assert [(i.product_id, i.quantity, str(i.price)) for i in cart.items] == [(14, 1, "19.99")]
    cart = store.add_to_cart(token, 20, 2, variation_id=22)
    tee = next(i for i in cart.items if i.variation_id == 22)
    assert tee.product_id == 20 and dict(tee.attributes) == {"Size": "M", "Color": "Red"}
    assert cart.checkout_url.endswith("/checkout-link/?products=14:1,22:2")
    cart = store.update_cart_item(token, tee.key, 3)
    assert next(i for i in cart.items if i.variation_id == 22).quantity == 3
    cart = store.remove_cart_item(token, tee.key)
    assert [i.product_id for i in cart.items] == [14]
    assert store.cart(token) == cart


def test_a_variation_id_alone_adds_that_variation(fake, store):
    cart = store.add_to_cart(new_token(fake), 24, 1)
    assert [(i.product_id, i.variation_id) for i in cart.items] == [(20, 24)]


@pytest.mark.parametrize("args, error, available", [
    ((16, 5), OutOfStock, 3),  # partially out of stock: "(3 remaining)"
    ((15, 1), OutOfStock, 0),  # out of stock
    ((20, 1, 23), OutOfStock, 0),  # out-of-stock variation
    ((999999, 1), ProductNotFound, None),
    ((17, 1), ProductNotFound, None),  # a draft: never said to exist
    ((20, 1), InvalidVariation, None),  # variable, no variation
    ((20, 1, 26), InvalidVariation, None),  # another product's variation
])
def test_a_refused_add_maps_to_the_contract_and_changes_nothing(fake, store, args, error,
                                                                available):
    token = new_token(fake)
    before = store.add_to_cart(token, 14, 1)
    with pytest.raises(error) as refused:
        store.add_to_cart(token, *args)
    if available is not None:
        assert refused.value.available == available
    assert store.cart(token) == before


def test_updating_above_stock_names_the_limit(fake, store):
    token = new_token(fake)
    key = store.add_to_cart(token, 16, 1).items[0].key
    with pytest.raises(OutOfStock) as refused:
        store.update_cart_item(token, key, 4)
    assert refused.value.available == 3


def test_an_unknown_line_is_not_found(fake, store):
    with pytest.raises(CartItemNotFound):
        store.update_cart_item(new_token(fake), "0" * 32, 1)
    with pytest.raises(CartItemNotFound):
        store.remove_cart_item(new_token(fake), "0" * 32)


def test_a_garbage_token_never_becomes_a_new_cart(fake, store):
    assert store.cart("garbage.not.a-token").items == ()
    with pytest.raises(NoCart):
        store.add_to_cart("garbage.not.a-token", 14, 1)


def test_without_a_token_there_is_no_cart_and_no_store_call(fake, store):
    fake.log.clear()
    assert store.cart(None).items == ()
    with pytest.raises(NoCart):
        store.add_to_cart(None, 14, 1)
    assert fake.log.to("/wp-json/wc/store/v1/") == []
