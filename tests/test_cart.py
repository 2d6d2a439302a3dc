"""POST /cart: the verified cart, every refusal, and a failed change leaves it as it was."""
import pytest

from bridge.store.base import OUT_OF_STOCK


def simple(store, test=lambda p: True):
    return next(p for p in store.products().items if p.type == "simple" and p.purchasable
                and p.in_stock and test(p))


def variable(store):
    return next(p for p in store.products().items if p.variations
                and any(v.in_stock for v in p.variations)
                and any(not v.in_stock for v in p.variations))


def test_view_of_a_new_cart_is_empty_and_sets_the_cookie(shopper):
    response = shopper.cart("view")
    assert response.status_code == 200
    body = response.get_json()
    assert body["items"] == [] and body["item_count"] == 0
    assert body["totals"]["total"] == "0.00" and body["currency"] == "USD"
    assert "fahad_cart=" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    assert response.headers["X-Fahad-Cart"]


def test_the_cart_persists_through_the_cookie(shopper, store):
    product = simple(store)
    added = shopper.cart("add", product_id=product.id, quantity=2)
    assert added.status_code == 200
    item = added.get_json()["items"][0]
    assert {"key", "product_id", "variation_id", "name", "quantity", "price", "line_total"} \
        <= set(item)
    assert item["quantity"] == 2 and item["line_total"] == f"{product.price * 2:.2f}"
    viewed = shopper.cart("view").get_json()
    assert viewed["items"] == added.get_json()["items"]
    assert viewed["checkout_url"].startswith("http://shop.test/checkout-link/?products=")


def test_the_cart_header_works_without_cookies(app, store):
    from conftest import Shopper
    first = Shopper(app.test_client(use_cookies=False))
    ref = first.cart("view").headers["X-Fahad-Cart"]
    product = simple(store)
    added = first.post("/cart", {"action": "add", "product_id": product.id},
                       headers={"X-Fahad-Cart": ref})
    again = first.post("/cart", {"action": "view"}, headers={"X-Fahad-Cart": ref})
    assert added.status_code == 200 and again.get_json()["item_count"] == 1
    stranger = first.post("/cart", {"action": "view"})
    assert stranger.get_json()["item_count"] == 0


def test_a_cart_id_the_bridge_did_not_issue_is_ignored(shopper, store):
    response = shopper.post("/cart", {"action": "add", "product_id": simple(store).id},
                            headers={"X-Fahad-Cart": "my-own-choice"})
    assert response.status_code == 200
    assert response.headers["X-Fahad-Cart"] != "my-own-choice"


def test_a_variation_is_added_update_and_remove(shopper, store):
    product = variable(store)
    variation = next(v for v in product.variations if v.in_stock)
    added = shopper.cart("add", product_id=product.id, variation_id=variation.id).get_json()
    item = added["items"][0]
    assert item["variation_id"] == variation.id and item["price"] == f"{variation.price:.2f}"
    updated = shopper.cart("update", cart_item_key=item["key"], quantity=1).get_json()
    assert updated["items"][0]["quantity"] == 1
    removed = shopper.cart("remove", cart_item_key=item["key"]).get_json()
    assert removed["items"] == []


def refusals(store):
    low = simple(store, lambda p: p.stock_quantity is not None and p.stock_quantity <= 3)
    gone = next(p for p in store.products().items if p.type == "simple"
                and p.stock_status == OUT_OF_STOCK)
    shirt = variable(store)
    sold_out = next(v for v in shirt.variations if not v.in_stock)
    return {
        "unknown action": ({"action": "empty"}, 400, "invalid_action"),
        "no action": ({}, 400, "invalid_action"),
        "unknown product": ({"action": "add", "product_id": 999999}, 404, "invalid_product"),
        "draft product": ({"action": "add", "product_id": next(
            p.id for p in store.data.products if p.status == "draft")}, 404, "invalid_product"),
        "no product id": ({"action": "add"}, 400, "rest_missing_callback_param"),
        "product id as text": ({"action": "add", "product_id": "abc"}, 400, "rest_invalid_param"),
        "product id as float": ({"action": "add", "product_id": 1.5}, 400, "rest_invalid_param"),
        "negative quantity": ({"action": "add", "product_id": low.id, "quantity": -1}, 400,
                              "rest_invalid_param"),
        "huge quantity": ({"action": "add", "product_id": low.id, "quantity": 10**9}, 400,
                          "rest_invalid_param"),
        "more than the stock": ({"action": "add", "product_id": low.id,
                                 "quantity": low.stock_quantity + 1}, 409, "out_of_stock"),
        "out of stock": ({"action": "add", "product_id": gone.id}, 409, "out_of_stock"),
        "variable without variation": ({"action": "add", "product_id": shirt.id}, 400,
                                       "invalid_variation"),
        "variation out of stock": ({"action": "add", "product_id": shirt.id,
                                    "variation_id": sold_out.id}, 409, "out_of_stock"),
        "update unknown key": ({"action": "update", "cart_item_key": "nope", "quantity": 1},
                               404, "unknown_cart_item"),
        "update without quantity": ({"action": "update", "cart_item_key": "nope"}, 400,
                                    "rest_missing_callback_param"),
        "remove without key": ({"action": "remove"}, 400, "rest_missing_callback_param"),
        "remove unknown key": ({"action": "remove", "cart_item_key": "nope"}, 404,
                               "unknown_cart_item"),
        "key not a string": ({"action": "remove", "cart_item_key": 5}, 400, "rest_invalid_param"),
    }


@pytest.mark.parametrize("name", [
    "unknown action", "no action", "unknown product", "draft product", "no product id",
    "product id as text", "product id as float", "negative quantity", "huge quantity",
    "more than the stock", "out of stock", "variable without variation",
    "variation out of stock", "update unknown key", "update without quantity",
    "remove without key", "remove unknown key", "key not a string",
])
def test_a_refused_change_answers_its_status_and_leaves_the_cart_as_it_was(shopper, store, name):
    body, status, code = refusals(store)[name]
    shopper.cart("add", product_id=simple(store).id, quantity=1)
    before = shopper.cart("view").get_json()
    response = shopper.post("/cart", body)
    assert response.status_code == status, response.get_json()
    error = response.get_json()
    assert error["code"] == code and error["message"]
    assert error["data"]["status"] == status
    assert shopper.cart("view").get_json() == before


def test_not_enough_stock_names_the_available_quantity(shopper, store):
    low = simple(store, lambda p: p.stock_quantity is not None and p.stock_quantity <= 3)
    response = shopper.cart("add", product_id=low.id, quantity=low.stock_quantity + 1)
    error = response.get_json()
    assert str(low.stock_quantity) in error["message"]
    assert error["data"]["available"] == low.stock_quantity


def test_numeric_strings_are_accepted_as_wordpress_does(shopper, store):
    product = simple(store)
    response = shopper.post("/cart", {"action": "add", "product_id": str(product.id),
                                      "quantity": "2"})
    assert response.status_code == 200 and response.get_json()["item_count"] == 2


def test_an_add_is_recorded_for_the_store_managers_figures(app, shopper, store):
    import sqlalchemy as sa
    from bridge.models import AnalyticsEvent
    shopper.cart("add", product_id=simple(store).id)
    with app.extensions["fahad"].sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(AnalyticsEvent)
                              .where(AnalyticsEvent.kind == "cart_add")) == 1
