"""bridge.store.rules: quantities, what an id names, checkout links, the same for every store."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import sessionmaker

import bridge.models  # noqa: F401  (registers the tables)
from bridge.db import Base, make_engine
from bridge.settings import Settings
from bridge.store import rules
from bridge.store.base import (Cart, CartItem, InvalidQuantity, InvalidVariation, NotPurchasable,
                               ProductNotFound)
from bridge.store.demo import DemoStore

BASE = "http://shop.test"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    engine = make_engine(Settings(data_dir=str(tmp_path_factory.mktemp("rules"))))
    Base.metadata.create_all(engine)
    yield DemoStore(BASE, sessionmaker(engine, expire_on_commit=False), anchor=date(2025, 6, 1))
    engine.dispose()


def variable(store):
    return next(p for p in store.data.products if p.published and len(p.variations) > 1
                and all(v.purchasable for v in p.variations))


def simple(store):
    return next(p for p in store.data.products
                if p.published and p.type == "simple" and p.purchasable)


@pytest.mark.parametrize("quantity, allow_zero", [
    (0, False), (1000, False), (-1, True), (1000, True), (True, False), ("2", False),
    (2.0, False), (None, False)])
def test_a_quantity_outside_1_to_999_or_not_a_whole_number_is_refused(quantity, allow_zero):
    with pytest.raises(InvalidQuantity) as refused:
        rules.check_quantity(quantity, allow_zero=allow_zero)
    lowest = 0 if allow_zero else 1
    assert refused.value.message == f"Quantity must be a whole number from {lowest} to 999."


@pytest.mark.parametrize("quantity, allow_zero", [(1, False), (999, False), (0, True)])
def test_a_quantity_within_the_rule_is_itself(quantity, allow_zero):
    assert rules.check_quantity(quantity, allow_zero=allow_zero) == quantity


def test_an_id_names_a_product_or_a_variation_of_a_shown_product(store):
    product = variable(store)
    variation = product.variations[1]
    assert rules.find(store, product.id) == (product, None)
    assert rules.find(store, variation.id) == (product, variation)


@pytest.mark.parametrize("item_id", [0, -3, 10**12, True, "101", None, 1.0])
def test_an_id_that_names_nothing_shown_is_none(store, item_id):
    assert rules.find(store, item_id) is None


def test_an_unpublished_products_variation_names_nothing(store):
    hidden = next(p for p in store.data.products if not p.published and p.variations)
    assert rules.find(store, hidden.variations[0].id) is None
    with pytest.raises(ProductNotFound):
        rules.purchase(store, hidden.variations[0].id)


def test_a_variation_id_given_as_the_product_buys_that_variation(store):
    product = variable(store)
    variation = product.variations[0]
    assert rules.purchase(store, variation.id) == (product, variation)
    assert rules.purchase(store, variation.id, variation.id) == (product, variation)


def test_a_variation_id_with_another_variation_is_refused_naming_its_product(store):
    product = variable(store)
    first, second = product.variations[:2]
    with pytest.raises(InvalidVariation) as refused:
        rules.purchase(store, first.id, second.id)
    assert refused.value.message == (f"{first.id} is itself a variation of {product.name}; "
                                     "add it without another variation id.")


def test_a_variable_product_without_a_valid_choice_lists_its_options(store):
    product = variable(store)
    for variation_id in (None, simple(store).id):
        with pytest.raises(InvalidVariation) as refused:
            rules.purchase(store, product.id, variation_id)
        assert refused.value.message == rules.choose_message(product)
    message = rules.choose_message(product)
    names = " and ".join(a.name.lower() for a in product.attributes if a.variation)
    assert message.startswith(f"Choose a {names} of {product.name}: ")
    assert all(v.label() in message for v in product.variations)


def test_a_simple_product_takes_no_variation_and_a_partners_product_is_not_sold(store):
    plain = simple(store)
    assert rules.purchase(store, plain.id) == (plain, None)
    with pytest.raises(InvalidVariation):
        rules.purchase(store, plain.id, variable(store).variations[0].id)
    partner = next(p for p in store.data.products if p.published and not p.purchasable)
    with pytest.raises(NotPurchasable):
        rules.purchase(store, partner.id)


def test_a_checkout_link_is_woocommerces_shareable_link_for_the_carts_lines():
    assert rules.checkout_link(BASE + "/", [(101, 2), (1003, 1)]) == \
        f"{BASE}/checkout-link/?products=101:2,1003:1"
    line = CartItem(key="k", product_id=7, variation_id=9, name="Tee", quantity=3,
                    price=Decimal(5), line_total=Decimal(15))
    plain = CartItem(key="j", product_id=8, variation_id=None, name="Cap", quantity=1,
                     price=Decimal(4), line_total=Decimal(4))
    cart = Cart(items=(line, plain), currency="USD", subtotal=Decimal(19), discount=Decimal(0),
                total=Decimal(19))
    assert rules.with_checkout_link(cart, BASE).checkout_url == \
        f"{BASE}/checkout-link/?products=9:3,8:1"
    empty = Cart(items=(), currency="USD", subtotal=Decimal(0), discount=Decimal(0),
                 total=Decimal(0), checkout_url="stale")
    assert rules.with_checkout_link(empty, BASE).checkout_url is None
