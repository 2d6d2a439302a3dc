"""What the offline provider's words point at: a cart line and a variation, without a store."""
import pytest

from bridge.agent.offline import cart, targets

SHIRT = {
    "name": "Linen Shirt",
    "options": {"Size": ["S", "M"], "Color": ["Black", "Grey"]},
    "variations": [
        {"id": 11, "attributes": {"Size": "S", "Color": "Black"}, "in_stock": True},
        {"id": 12, "attributes": {"Size": "M", "Color": "Black"}, "in_stock": True},
        {"id": 13, "attributes": {"Size": "M", "Color": "Grey"}, "in_stock": False},
    ],
}
LINES = [{"key": "a", "name": "Organic Cotton Hoodie"}, {"key": "b", "name": "Organic Cotton Tee"},
         {"key": "c", "name": "Laptop Sleeve"}]


@pytest.mark.parametrize("text, chosen", [
    ("add it in size M black", 12), ("the small one", 11), ("medium grey please", 13),
])
def test_the_options_named_decide_the_variation(text, chosen):
    variation, open_choice = targets.variation(SHIRT, text)
    assert variation["id"] == chosen and open_choice == ""


def test_an_option_left_open_is_asked_for_with_what_is_out_of_stock_said():
    variation, open_choice = targets.variation(SHIRT, "add it in M")
    assert variation is None
    assert open_choice == "Color: Black, Grey (out of stock)"


def test_no_option_named_asks_for_every_option():
    variation, open_choice = targets.variation(SHIRT, "add it")
    assert variation is None and open_choice == "Size: S, M; Color: Black, Grey (out of stock)"


@pytest.mark.parametrize("text, key", [
    ("remove the sleeve", "c"), ("remove the second item", "b"), ("drop the tee", "b"),
    ("remove the cotton one", None),  # the hoodie or the tee: ask
])
def test_the_cart_line_is_the_one_the_words_name_or_none_when_two_fit(text, key):
    line = targets.cart_line(text, LINES)
    assert (line["key"] if line else None) == key


def test_a_single_line_is_meant_whatever_the_words():
    assert targets.cart_line("remove it", LINES[:1]) is LINES[0]


@pytest.mark.parametrize("text, sets", [
    ("change the hoodie to 3", True), ("set the quantity to two", True),
    ("add 2 and change it to 3", False), ("change my mind to hoodies", False),
])
def test_setting_a_quantity_is_told_from_adding(text, sets):
    assert cart.sets_quantity(text) is sets


@pytest.mark.parametrize("text, current, count", [
    ("two more", 1, 3), ("1 less pls", 4, 3), ("actually just one", 3, 1),
    ("better just one", 3, 1), ("another one of those please", 1, 2), ("add more two", 1, 3),
    ("one more please", 2, 3), ("make it 3 actually", 1, 3), ("take one off", 3, 2),
    ("minus one", 3, 2), ("oops i only want 2", 5, 2), ("make the socks 3", 1, 3),
    ("make that two", 1, 2), ("add a couple more", 1, 3), ("double it", 2, 4),
])
def test_a_change_of_quantity_is_read_against_the_lines_quantity(text, current, count):
    assert cart.sets_quantity(text) is True
    assert cart.new_quantity(text, current) == count


@pytest.mark.parametrize("text", [
    "I just want one hoodie", "show me another one", "i want another color",
    "add another Everyday Crew Tee in M please", "show me a double layer jacket",
])
def test_a_request_for_something_else_sets_no_quantity(text):
    assert cart.sets_quantity(text) is False


@pytest.mark.parametrize("text, kind", [
    ("which of these has the best rating?", "best"), ("the better rated of the two", "best"),
    ("which of those has the most in stock?", "stocked"), ("the pricier one", "dearest"),
    ("which one's cheaper", "cheapest"), ("the hoodie in navy", None),
])
def test_ranking_words_are_read_as_a_sort(text, kind):
    assert targets.superlative(text) == kind


@pytest.mark.parametrize("value, text, named", [
    ("M", "change the size to M", True), ("10", "change it to 10", False),
    ("10", "change the size to 10", True), ("Black", "in black instead", True),
])
def test_an_option_change_names_sizes_but_not_bare_quantities(value, text, named):
    assert cart._names_option(value, text) is named
