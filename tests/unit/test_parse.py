import pytest

from bridge.agent.offline import parse


@pytest.mark.parametrize("text, low, high", [
    ("hoodies under $50", None, 50), ("hoodies below 50", None, 50),
    ("tees less than 20 dollars", None, 20), ("something up to $35.50", None, 35.5),
    ("between 20 and 40", 20, 40), ("between $40 and $20", 20, 40),
    ("jackets $50-$100", 50, 100), ("from 10 to 30", 10, 30), ("shoes over $60", 60, None),
    ("at least 25", 25, None), ("around $50", 40, 60), ("hoodies", None, None),
    ("size 8 trainers", None, None),
    # the everyday ways of writing a ceiling (issue 18): currency signs and words, typos
    ("caps, max 30 bucks", None, 30), ("t-shirts up to €25", None, 25), ("under £30", None, 30),
    ("no more than 45 dollars", None, 45), ("not over 50", None, 50), ("max. 30", None, 30),
    ("less then 50", None, 50), ("undr 50", None, 50), ("30 and under", None, 30),
    ("25,50 € max", None, 25.5), ("hoodies 40 to 50", 40, 50), ("between 40-50", 40, 50),
    ("moletom under R$ 50", None, 50),
])
def test_budgets_are_read_from_the_words(text, low, high):
    found, _rest = parse.budget(text)
    assert (found.low, found.high) == (low, high)


def test_the_budget_words_are_removed_from_the_query():
    _, rest = parse.budget("black hoodies under $50 please")
    assert "50" not in rest and "under" not in rest and "black hoodies" in rest
    _, rest = parse.budget("i can spend up to 40 on a hoodie")
    assert "spend" not in rest and "hoodie" in rest


@pytest.mark.parametrize("text, positions", [
    ("compare the first two", [0, 1]), ("compare the first and the third", [0, 2]),
    ("compare 1 and 3", [0, 2]), ("add the second one", [1]), ("the last one", [4]),
    ("compare the top 3", [0, 1, 2]), ("number 2 please", [1]), ("the tenth", []),
    # "les deux premières", "i primi due" read word for word
    ("which cheapest of the two first", [0, 1]), ("the two last", [3, 4]),
    ("add 2e cart", [1]), ("which has better reviews, 1 or 2?", [0, 1]),
    ("between 1 and 2 dollars", []), ("the second to last one", [3]), ("penultimate", [3]),
])
def test_ordinals_point_into_the_last_list(text, positions):
    assert parse.ordinals(text, 5) == positions


@pytest.mark.parametrize("text, count", [
    ("add 2 of the first", 2), ("add two of them", 2), ("x3", 3), ("quantity 4", 4),
    ("add the hoodie", None), ("add the size 10 sneakers", None), ("buy 3 tees", 3),
    ("i want 3 of those", 3), ("i want two", 2),
])
def test_quantities_are_read_but_sizes_are_not_taken_for_them(text, count):
    assert parse.quantity(text) == count


@pytest.mark.parametrize("value, text, expected", [
    ("M", "the hoodie in M black", True), ("M", "I'm looking", False),
    ("L", "large please", True), ("XL", "extra large", True), ("S", "hoodies", False),
    ("Black", "in black", True), ("Grey", "greyish", False),
])
def test_option_values_are_matched_as_whole_words(value, text, expected):
    assert parse.mentioned(value, text) is expected


@pytest.mark.parametrize("text, read", [
    ("add the secnd one", "add the second one"), ("how much is the frist one", "how much is the first one"),
    ("which of those is the cheapst", "which of those is the cheapest"),
    ("the most expnsive", "the most expensive"), ("the remote control", "the remote control"),
    ("fifty shades", "fifty shades"), ("thirst trap", "thirst trap"),
])
def test_slips_in_the_readers_own_words_are_put_right_and_nothing_else(text, read):
    assert parse.repaired(text) == read
