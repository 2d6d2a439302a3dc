"""The Store protocol states what a store can do, both stores do all of it, and callers ask
the store (its ``cart_ids``, its ``local`` shop) instead of probing it or its settings."""
from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest
import requests
from sqlalchemy.orm import sessionmaker

import bridge.models  # noqa: F401  (registers the tables)
from bridge.catalog import sync
from bridge.catalog.index import CatalogIndex
from bridge.db import Base, make_engine
from bridge.settings import Settings
from bridge.store import rules
from bridge.store.base import CartIds, InvalidVariation, NotPurchasable, Store
from bridge.store.demo import DemoStore
from bridge.store.woocommerce import WooCommerceStore, WooHttp
from conftest import SECRET, make_app
from fakes.woocommerce.auth import READ

pytestmark = pytest.mark.usefixtures("quick_retries")

ROOT = Path(__file__).resolve().parents[1]
ADD_ITEM = "/wp-json/wc/store/v1/cart/add-item"
TEE, TEE_S_RED, TEE_M_RED = 20, 21, 22  # the recorded shop's Classic T-Shirt and two options
BUNDLE, GIFT_CARD = 30, 31  # grouped, external: published but not sold through its cart


@pytest.fixture
def demo(tmp_path):
    engine = make_engine(Settings(data_dir=str(tmp_path)))
    Base.metadata.create_all(engine)
    yield DemoStore("http://shop.test", sessionmaker(engine, expire_on_commit=False),
                    anchor=date(2025, 6, 1))
    engine.dispose()


@pytest.fixture
def woo(fake):
    return WooCommerceStore(WooHttp(fake.url, *READ, 5.0), "Recorded Shop")


def new_token(fake) -> str:
    return requests.get(fake.url + "/wp-json/wc/store/v1/cart").headers["Cart-Token"]


def protocol_members() -> list[str]:
    methods = [name for name, value in vars(Store).items()
               if callable(value) and not name.startswith("_")]
    return sorted(set(Store.__annotations__) | set(methods))


@pytest.mark.parametrize("kind", ["demo", "woo"])
def test_each_store_has_every_member_the_protocol_states(kind, request):
    store = request.getfixturevalue(kind)
    missing = [name for name in protocol_members() if not hasattr(store, name)]
    assert missing == []
    assert {"cart_ids", "local", "forget", "published_ids"} <= set(protocol_members())


def test_the_demo_takes_the_carts_the_bridge_issues_and_is_its_own_local_shop(demo):
    assert demo.cart_ids is CartIds.ISSUED
    assert demo.local is demo
    product = next(p for p in demo.data.products if p.published)
    assert demo.local.product_by_slug(product.slug) == product
    assert demo.local.image_png(product.id).startswith(b"\x89PNG")


def test_woocommerce_takes_only_the_shoppers_cart_and_serves_its_own_pages(woo):
    assert woo.cart_ids is CartIds.SHOPPER
    assert woo.local is None


def test_the_demo_lists_its_published_ids_so_a_reconcile_runs(demo, tmp_path):
    index = CatalogIndex(tmp_path / "catalog.sqlite3")
    shown = {p.id for p in sync.all_products(demo)}
    assert demo.published_ids() == shown
    sync.full_sync(demo, index)
    assert sync.reconcile(demo, index) == (0, 0)
    assert set(index.ids()) == shown
    demo.forget(next(iter(shown)))  # nothing cached, nothing to drop: still the same product
    assert sync.reconcile(demo, index) == (0, 0)


def test_both_stores_refuse_a_variation_given_with_another_the_same_way(fake, woo, demo):
    refusals = []
    shirt = next(p for p in demo.data.products if p.published and len(p.variations) > 1)
    for store, ref, (item, other), name in (
            (woo, new_token(fake), (TEE_S_RED, TEE_M_RED), "Classic T-Shirt"),
            (demo, "cart-a", (shirt.variations[0].id, shirt.variations[1].id), shirt.name)):
        with pytest.raises(InvalidVariation) as refused:
            store.add_to_cart(ref, item, 1, variation_id=other)
        refusals.append((refused.value.message, name, item))
    for message, name, item in refusals:
        assert message == f"{item} is itself a variation of {name}; add it without another " \
                          "variation id."


def test_woocommerce_names_the_options_of_a_variable_product_as_the_demo_does(fake, woo):
    with pytest.raises(InvalidVariation) as refused:
        woo.add_to_cart(new_token(fake), TEE, 1)
    assert refused.value.message == rules.choose_message(woo.product(TEE))
    assert refused.value.message == ("Choose a size and color of Classic T-Shirt: S / Red, "
                                     "M / Red, L / Blue (out of stock), M / Blue.")


@pytest.mark.parametrize("product_id", [BUNDLE, GIFT_CARD])
def test_woocommerce_refuses_what_its_cart_does_not_sell_without_asking_it(fake, woo,
                                                                             product_id):
    token = new_token(fake)
    fake.log.clear()
    with pytest.raises(NotPurchasable):
        woo.add_to_cart(token, product_id, 1)
    assert fake.log.to(ADD_ITEM) == []
    assert woo.cart(token).items == ()


def test_a_woocommerce_bridge_serves_no_local_pages_images_or_carts_of_its_own(fake, tmp_path):
    app = make_app(Settings(data_dir=str(tmp_path), bridge_secret=SECRET,
                            public_url="http://shop.test", store="woocommerce", wc_url=fake.url,
                            wc_consumer_key=READ[0], wc_consumer_secret=READ[1],
                            wc_background_sync=False))
    client = app.test_client()
    assert client.get("/product/classic-t-shirt/").status_code == 404
    assert client.get(f"/demo-media/{TEE}.png").status_code == 404
    link = client.get(f"/checkout-link/?products={TEE_M_RED}:2,{GIFT_CARD}:1,17:1")
    assert link.status_code == 200
    page = link.get_data(as_text=True)
    assert "Classic T-Shirt (M / Red)" in page and "Partner Gift Card" in page
    assert "Draft" not in page  # 17 is a draft: never listed


# -- callers ask the store, never probe it or its settings --------------------------------

def probes(path: Path) -> list[str]:
    """``getattr(store, name, default)`` / ``hasattr(store, ...)`` and comparisons with
    ``settings.store`` in one module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args and \
                (node.func.id == "hasattr" or node.func.id == "getattr" and len(node.args) == 3) \
                and ast.unparse(node.args[0]).endswith("store"):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
        if isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                if isinstance(side, ast.Attribute) and side.attr == "store" and \
                        ast.unparse(side.value).endswith("settings"):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_caller_probes_the_store_or_asks_the_settings_which_store_it_is():
    chooser = ROOT / "bridge" / "store" / "__init__.py"  # make_store picks the kind
    # The doctor checks the configuration itself: which store is set is what it reports on.
    allowed = {chooser, ROOT / "bridge" / "doctor" / "checks.py"}
    found = [hit for package in ("bridge", "channels", "admin_copilot")
             for path in sorted((ROOT / package).rglob("*.py")) if path not in allowed
             for hit in probes(path)]
    assert found == []
    assert probes(chooser)  # the check does see a comparison with settings.store
