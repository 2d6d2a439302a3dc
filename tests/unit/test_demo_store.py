"""DemoStore: published-only reads, and carts whose every refusal leaves the database as it was."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

import bridge.models  # noqa: F401  (registers the tables)
from bridge.db import Base, make_engine
from bridge.models import DemoCart, DemoCartItem
from bridge.settings import Settings
from bridge.store.base import (OUT_OF_STOCK, CartItemNotFound, InvalidQuantity, InvalidVariation,
                               NoCart, NotPurchasable, OutOfStock, ProductNotFound)
from bridge.store.demo import DemoStore
from bridge.store.demo.carts import line_key

BASE = "http://shop.test"
ANCHOR = date(2025, 6, 1)
SECRET_NAMES = ("Prototype Heated Vest", "Nebula Glow Sneakers", "Moonstone Teapot Sample",
                "Staff-only Logo Socks", "Wholesale Tote Crate")


@pytest.fixture
def sessions(tmp_path):
    engine = make_engine(Settings(data_dir=str(tmp_path)))
    Base.metadata.create_all(engine)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture
def store(sessions):
    return DemoStore(BASE + "/", sessions, anchor=ANCHOR)


def snapshot(sessions) -> tuple:
    """Every cart and cart line, to compare before and after a refused call."""
    with sessions() as session:
        carts = session.execute(
            sa.select(DemoCart.id, DemoCart.updated_at).order_by(DemoCart.id)).all()
        items = session.execute(sa.select(
            DemoCartItem.cart_id, DemoCartItem.key, DemoCartItem.product_id,
            DemoCartItem.variation_id, DemoCartItem.quantity).order_by(DemoCartItem.id)).all()
    return tuple(carts), tuple(items)


# -- products the tests need, found in the store's own data --

def simple(store, test):
    return next(p for p in store.data.products if p.published and p.type == "simple" and test(p))


def roomy_simple(store):
    return simple(store, lambda p: (p.stock_quantity or 0) >= 10)


def variable(store):
    """A published variable product with a well-stocked variation and an out-of-stock one."""
    return next(p for p in store.data.products if p.published and p.variations
                and any((v.stock_quantity or 0) >= 10 for v in p.variations)
                and any(v.stock_status == OUT_OF_STOCK for v in p.variations)
                and any(a.name == "Color" and a.variation for a in p.attributes))


def roomy_variation(product):
    return next(v for v in product.variations if v.stock_quantity >= 10)


def hidden(store, status):
    return next(p for p in store.data.products if p.status == status)


# -- reads --

def test_product_answers_published_products_and_none_for_unpublished_or_unknown_ids(store):
    published = roomy_simple(store)
    assert store.product(published.id) == published
    for product in store.data.products:
        if not product.published:
            assert store.product(product.id) is None
    assert store.product(99999) is None and store.product("101") is None


def test_products_pages_by_id_with_totals(store):
    first = store.products(page=1, per_page=40)
    assert first.total == len([p for p in store.data.products if p.published])
    assert first.total_pages == -(-first.total // 40)
    everything = [p for page in range(1, first.total_pages + 1)
                  for p in store.products(page=page, per_page=40).items]
    assert [p.id for p in everything] == sorted(p.id for p in everything)
    assert len(everything) == first.total and all(p.published for p in everything)
    assert store.products(page=first.total_pages + 1, per_page=40).items == ()


def test_products_modified_after_keeps_later_changes_only(store):
    since = datetime.combine(ANCHOR - timedelta(days=30), datetime.min.time(), tzinfo=timezone.utc)
    page = store.products(modified_after=since)
    assert 0 < page.total < store.products().total
    assert all(p.date_modified > since for p in page.items)


def test_unpublished_products_never_leak_through_any_read(store):
    listed = store.products(per_page=1000).items
    text = " ".join(p.name + p.description for p in listed)
    assert not any(name in text for name in SECRET_NAMES)
    hidden_ids = {p.id for p in store.data.products if not p.published}
    assert any(r.product_id in hidden_ids for r in store.data.reviews), "the data has some"
    assert not any(r.product_id in hidden_ids for r in store.reviews(status="all"))
    for product_id in hidden_ids:
        assert store.reviews(product_id) == [] and store.image_png(product_id) is None


def test_urls_are_absolute_under_the_base_url(store):
    product = roomy_simple(store)
    assert product.permalink == f"{BASE}/product/{product.slug}/"
    assert product.images == (f"{BASE}/demo-media/{product.id}.png",)


def test_image_png_renders_published_products_once(store):
    product = roomy_simple(store)
    png = store.image_png(product.id)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and store.image_png(product.id) is png
    assert store.image_png(99999) is None


def test_reviews_are_newest_first_and_filter_by_product_and_status(store):
    reviews = store.reviews()
    assert reviews and all(r.status == "approved" for r in reviews)
    dates = [r.date_created for r in reviews]
    assert dates == sorted(dates, reverse=True)
    product_id = reviews[0].product_id
    assert {r.product_id for r in store.reviews(product_id)} == {product_id}
    held = store.reviews(status="hold")
    assert held and all(r.status == "hold" for r in held)


def test_orders_filter_by_window_and_customer_oldest_first(store):
    after = datetime(2025, 5, 1, tzinfo=timezone.utc)
    before = datetime(2025, 5, 15, tzinfo=timezone.utc)
    window = store.orders(after, before)
    assert window and all(after <= o.date_created < before for o in window)
    assert [o.date_created for o in window] == sorted(o.date_created for o in window)
    customer = next(o.customer_id for o in store.data.orders if o.customer_id)
    mine = store.orders(after - timedelta(days=90), customer_id=customer)
    assert mine and {o.customer_id for o in mine} == {customer}
    assert store.orders(datetime(2025, 5, 1)) == store.orders(after), "naive means UTC"


def test_categories_are_those_holding_published_products(store):
    held = {c.id for p in store.products(per_page=1000).items for c in p.categories}
    assert {c.id for c in store.categories()} == held and len(held) >= 10


def test_coupons_and_shop_details(store):
    assert {"WELCOME10", "FREESHIP"} <= {c.code for c in store.coupons()}
    assert (store.name, store.currency, store.anchor) == ("Fahad Demo Outfitters", "USD", ANCHOR)


def test_checkout_link_uses_woocommerce_shareable_format(store):
    link = store.checkout_link([(101, 2), (1003, 1)])
    assert link == f"{BASE}/checkout-link/?products=101:2,1003:1"


# -- carts that work --

def test_an_unknown_cart_is_empty_and_creates_no_rows(store, sessions):
    for ref in (None, "nobody", "x" * 200):
        cart = store.cart(ref)
        assert cart.items == () and cart.total == 0 and cart.checkout_url is None
        assert cart.currency == "USD"
    assert snapshot(sessions) == ((), ())


def test_adding_creates_the_cart_with_prices_totals_and_a_checkout_link(store):
    product = roomy_simple(store)
    shirt = variable(store)
    variation = roomy_variation(shirt)
    store.add_to_cart("c1", product.id, 2)
    cart = store.add_to_cart("c1", shirt.id, 1, variation_id=variation.id)
    first, second = cart.items
    assert (first.product_id, first.variation_id, first.quantity) == (product.id, None, 2)
    assert first.price == product.price and first.line_total == product.price * 2
    assert (second.variation_id, second.price, second.attributes) == \
        (variation.id, variation.price, variation.attributes)
    assert second.name == shirt.name and second.image == shirt.images[0]
    assert cart.subtotal == cart.total == product.price * 2 + variation.price
    assert cart.discount == 0 and cart.item_count == 3
    assert cart.checkout_url == f"{BASE}/checkout-link/?products={product.id}:2,{variation.id}:1"
    assert store.cart("c1") == cart


def test_adding_the_same_item_again_increases_its_line(store):
    product = roomy_simple(store)
    store.add_to_cart("c1", product.id, 1)
    cart = store.add_to_cart("c1", product.id, 2)
    assert [(i.product_id, i.quantity) for i in cart.items] == [(product.id, 3)]


def test_line_keys_are_32_hex_and_the_same_for_the_same_item(store):
    product = roomy_simple(store)
    cart = store.add_to_cart("c1", product.id, 1)
    other = store.add_to_cart("c2", product.id, 1)
    assert re.fullmatch(r"[0-9a-f]{32}", cart.items[0].key)
    assert cart.items[0].key == other.items[0].key == line_key(product.id, None)
    assert line_key(product.id, 1001) != line_key(product.id, None)


def test_a_variation_id_given_as_the_product_id_adds_that_variation(store):
    shirt = variable(store)
    variation = roomy_variation(shirt)
    cart = store.add_to_cart("c1", variation.id, 1)
    again = store.add_to_cart("c1", shirt.id, 1, variation_id=variation.id)
    assert [(i.product_id, i.variation_id, i.quantity) for i in again.items] == \
        [(shirt.id, variation.id, 2)]
    assert cart.items[0].key == again.items[0].key


def test_update_sets_a_quantity_and_zero_removes_the_line(store):
    product = roomy_simple(store)
    key = store.add_to_cart("c1", product.id, 1).items[0].key
    assert store.update_cart_item("c1", key, 5).items[0].quantity == 5
    cart = store.update_cart_item("c1", key, 0)
    assert cart.items == () and cart.checkout_url is None


def test_remove_deletes_only_that_line(store):
    product, shirt = roomy_simple(store), variable(store)
    key = store.add_to_cart("c1", product.id, 1).items[0].key
    store.add_to_cart("c1", shirt.id, 1, variation_id=roomy_variation(shirt).id)
    cart = store.remove_cart_item("c1", key)
    assert [i.product_id for i in cart.items] == [shirt.id]


def test_carts_are_kept_apart(store):
    store.add_to_cart("c1", roomy_simple(store).id, 1)
    assert store.cart("c2").items == ()


# -- refusals: each one leaves the database exactly as it was --

ADD_REFUSALS = (
    "no cart", "zero", "negative", "too many", "text", "fraction", "boolean", "unknown product",
    "draft", "private", "variation of a draft", "partner product", "no variation chosen",
    "someone else's variation", "variation of a simple product", "two different variations",
    "out of stock", "variation out of stock", "more than the stock", "out of stock in a new cart",
)


def add_cases(store):
    """(name, arguments of add_to_cart, expected error) for every refusal of an add."""
    product = roomy_simple(store)
    low = simple(store, lambda p: p.stock_quantity in (1, 2, 3))
    gone = simple(store, lambda p: p.stock_status == OUT_OF_STOCK)
    shirt = variable(store)
    other = next(p for p in store.data.products if p.published and p.variations and p != shirt)
    sold_out = next(v for v in shirt.variations if v.stock_status == OUT_OF_STOCK)
    draft_variant = next(p for p in store.data.products if not p.published and p.variations)
    external = next(p for p in store.data.products if p.type == "external")
    return [
        ("no cart", (None, product.id, 1), NoCart),
        ("zero", ("c1", product.id, 0), InvalidQuantity),
        ("negative", ("c1", product.id, -1), InvalidQuantity),
        ("too many", ("c1", product.id, 1000), InvalidQuantity),
        ("text", ("c1", product.id, "2"), InvalidQuantity),
        ("fraction", ("c1", product.id, 1.5), InvalidQuantity),
        ("boolean", ("c1", product.id, True), InvalidQuantity),
        ("unknown product", ("c1", 99999, 1), ProductNotFound),
        ("draft", ("c1", hidden(store, "draft").id, 1), ProductNotFound),
        ("private", ("c1", hidden(store, "private").id, 1), ProductNotFound),
        ("variation of a draft", ("c1", draft_variant.variations[0].id, 1), ProductNotFound),
        ("partner product", ("c1", external.id, 1), NotPurchasable),
        ("no variation chosen", ("c1", shirt.id, 1), InvalidVariation),
        ("someone else's variation", ("c1", shirt.id, 1, other.variations[0].id), InvalidVariation),
        ("variation of a simple product", ("c1", product.id, 1, shirt.variations[0].id),
         InvalidVariation),
        ("two different variations", ("c1", shirt.variations[0].id, 1, shirt.variations[1].id),
         InvalidVariation),
        ("out of stock", ("c1", gone.id, 1), OutOfStock),
        ("variation out of stock", ("c1", shirt.id, 1, sold_out.id), OutOfStock),
        ("more than the stock", ("c1", low.id, low.stock_quantity + 1), OutOfStock),
        ("out of stock in a new cart", ("fresh", gone.id, 1), OutOfStock),
    ]


@pytest.mark.parametrize("name", ADD_REFUSALS)
def test_a_failed_add_leaves_the_cart_unchanged(store, sessions, name):
    arguments, error = {n: (a, e) for n, a, e in add_cases(store)}[name]
    store.add_to_cart("c1", roomy_simple(store).id, 1)
    before = snapshot(sessions)
    with pytest.raises(error) as refused:
        store.add_to_cart(*arguments)
    assert snapshot(sessions) == before, name
    assert refused.value.code == error.code and refused.value.message


def test_every_add_refusal_is_tested(store):
    assert tuple(name for name, _, _ in add_cases(store)) == ADD_REFUSALS


def test_a_line_may_not_outgrow_the_stock_it_already_holds(store, sessions):
    low = simple(store, lambda p: p.stock_quantity in (2, 3))
    store.add_to_cart("c1", low.id, low.stock_quantity)
    before = snapshot(sessions)
    with pytest.raises(OutOfStock) as refused:
        store.add_to_cart("c1", low.id, 1)
    assert refused.value.available == low.stock_quantity
    assert refused.value.message.startswith(f"Only {low.stock_quantity} left of {low.name}")
    assert "already holds" in refused.value.message
    assert snapshot(sessions) == before


def test_refusals_explain_themselves(store):
    shirt = variable(store)
    with pytest.raises(InvalidVariation) as choose:
        store.add_to_cart("c1", shirt.id, 1)
    labels = [" / ".join(value for _, value in v.attributes) for v in shirt.variations]
    assert choose.value.message.startswith(f"Choose a size and color of {shirt.name}: ")
    assert all(label in choose.value.message for label in labels)
    variation = next(v for v in shirt.variations if v.stock_quantity >= 1)
    with pytest.raises(OutOfStock) as short:
        store.add_to_cart("c1", shirt.id, variation.stock_quantity + 1, variation_id=variation.id)
    size, colour = (value for _, value in variation.attributes)
    left = variation.stock_quantity
    assert short.value.message == f"Only {left} left of {shirt.name} ({size} / {colour})."
    assert short.value.available == variation.stock_quantity
    gone = simple(store, lambda p: p.stock_status == OUT_OF_STOCK)
    with pytest.raises(OutOfStock) as empty:
        store.add_to_cart("c1", gone.id, 1)
    assert empty.value.available == 0 and gone.name in empty.value.message


def test_failed_updates_and_removes_leave_the_cart_unchanged(store, sessions):
    low = simple(store, lambda p: p.stock_quantity in (1, 2, 3))
    key = store.add_to_cart("c1", low.id, 1).items[0].key
    before = snapshot(sessions)
    refusals = [
        (lambda: store.update_cart_item(None, key, 1), NoCart),
        (lambda: store.update_cart_item("c1", "0" * 32, 1), CartItemNotFound),
        (lambda: store.update_cart_item("nobody", key, 1), CartItemNotFound),
        (lambda: store.update_cart_item("c1", key, -1), InvalidQuantity),
        (lambda: store.update_cart_item("c1", key, 1000), InvalidQuantity),
        (lambda: store.update_cart_item("c1", key, low.stock_quantity + 1), OutOfStock),
        (lambda: store.remove_cart_item(None, key), NoCart),
        (lambda: store.remove_cart_item("c1", "0" * 32), CartItemNotFound),
        (lambda: store.remove_cart_item("c1", None), CartItemNotFound),
        (lambda: store.remove_cart_item("nobody", key), CartItemNotFound),
    ]
    for call, error in refusals:
        with pytest.raises(error):
            call()
        assert snapshot(sessions) == before
    assert store.cart("nobody").items == () and snapshot(sessions) == before


def test_a_cart_line_of_an_unmanaged_product_has_no_stock_limit(store):
    unmanaged = simple(store, lambda p: p.stock_quantity is None)
    assert store.add_to_cart("c1", unmanaged.id, 999).items[0].quantity == 999
    with pytest.raises(InvalidQuantity):
        store.add_to_cart("c1", unmanaged.id, 1)


def test_each_write_commits_on_its_own(store, sessions):
    product = roomy_simple(store)
    store.add_to_cart("c1", product.id, 2)
    fresh = DemoStore(BASE, sessions, anchor=ANCHOR)
    assert fresh.cart("c1").items[0].quantity == 2
    assert fresh.cart("c1").total == product.price * 2 == Decimal(fresh.cart("c1").subtotal)
