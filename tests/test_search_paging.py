"""Refinements and paging (issue 22, item 5): a search answer's facets and counts, its signed
page token, paging that neither repeats nor skips while the catalogue changes, and "show me
more" continuing the same search (offline and with Claude)."""
import dataclasses
import json

import pytest

from bridge.agent.tools.registry import ToolContext
from bridge.agent.tools.search import displayed, search_products
from bridge.catalog.facets import option_pairs, price_band
from bridge.catalog.paging import PageTokenError, SearchState, make_token, read_token
from conftest import SECRET
from fakes.anthropic_api import Message, Text, ToolUse


def ask(shopper, text, **fields):
    response = shopper.post("/message", {"messages": [{"role": "user", "content": text}],
                                         **fields})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def ids(body):
    return [c["id"] for c in body["cards"]]


def tool(app, **args):
    """search_products as a provider calls it, and what a channel shows of it."""
    core = app.extensions["fahad"]
    ctx = ToolContext(store=core.store, index=core.index, secret=SECRET)
    result = search_products(ctx, {"limit": 10, "offset": 0, **args})
    return result, displayed(ctx, result, result.cards)


# -- facets --

def test_facet_counts_are_the_counts_of_the_matching_products(app):
    result, shown = tool(app, query="hoodies", limit=50)
    matches = list(result.cards)
    assert result.content["total"] == len(matches) > 5  # every match on this one page
    facets = {f["name"]: {v["value"]: v["count"] for v in f["values"]} for f in shown["facets"]}
    categories = {}
    for card in matches:
        for name in set(card["categories"]):
            categories[name] = categories.get(name, 0) + 1
    assert facets["Category"] == categories
    bands = {}
    for card in matches:
        low, high = price_band(card["price"])
        label = f"{low}-{high}" if high else f"{low}+"
        bands[label] = bands.get(label, 0) + 1
    assert facets["Price"] == bands and len(bands) > 1
    sizes = {}
    for card in matches:
        for name, value in option_pairs(card):
            if name == "Size":
                sizes[value] = sizes.get(value, 0) + 1
    assert facets["Size"] == sizes
    assert result.content["facets"] == facets  # the model reads the same counts


def test_each_refinement_token_finds_exactly_its_count(app, shopper):
    _, shown = tool(app, query="hoodies", limit=50)
    checked = 0
    for facet in shown["facets"]:
        for value in facet["values"]:
            if "page_token" not in value:
                continue
            result, _ = tool(app, page_token=value["page_token"], limit=50)
            state = read_token(SECRET, value["page_token"])
            assert result.content["total"] == value["count"], (facet["name"], value["value"])
            for card in _pages(app, value["page_token"]):
                if facet["kind"] == "category":
                    assert value["value"] in card["categories"]
                elif facet["kind"] == "price":
                    assert price_band(card["price"]) == (value["min"], value["max"])
                else:
                    assert (facet["name"], value["value"]) in option_pairs(card)
            assert state.shown == ()
            checked += 1
    assert checked >= 3


def _pages(app, token):
    cards = []
    while token:
        result, shown = tool(app, page_token=token)
        cards += result.cards
        token = shown["next_page_token"]
    return cards


def offered(product) -> set[tuple[str, str]]:
    """What the store's own record says a product offers: each variation's options and the
    attributes no variation is chosen by (all of a simple product's)."""
    chosen = {name for v in product.variations for name, _ in v.attributes}
    pairs = {(a.name, o) for a in product.attributes if a.name not in chosen for o in a.options}
    return pairs | {pair for v in product.variations for pair in v.attributes}


def test_simple_products_attributes_count_in_the_facets_and_refine(app, store):
    # Socks are simple products on the demo store: colour and material are their attributes.
    result, shown = tool(app, query="socks", limit=50)
    products = [store.product(c["id"]) for c in result.cards]
    assert len(products) > 3 and all(p.type == "simple" for p in products)
    assert result.content["total"] == len(products)
    facets = {f["name"]: f for f in shown["facets"] if f["kind"] == "attribute"}
    assert {"Color", "Material"} <= set(facets)
    for name, facet in facets.items():
        counts = {}
        for product in products:
            for value in {v for n, v in offered(product) if n == name}:
                counts[value] = counts.get(value, 0) + 1
        assert {v["value"]: v["count"] for v in facet["values"]} == \
            dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:len(facet["values"])])
    colour = next(v for v in facets["Color"]["values"] if "page_token" in v)
    refined = _pages(app, colour["page_token"])
    assert len(refined) == colour["count"]  # the simple products are not dropped by it
    assert all(("Color", colour["value"]) in offered(store.product(c["id"])) for c in refined)


def test_a_woocommerce_simple_products_attributes_and_a_variables_fixed_ones_count():
    from bridge.catalog.cards import card
    from bridge.catalog.facets import facets, has_options
    from bridge.store.woocommerce.records import product

    def record(pid, kind, attributes):
        return {"id": pid, "name": f"Shirt {pid}", "slug": f"shirt-{pid}", "type": kind,
                "status": "publish", "price": "20.00", "regular_price": "20.00",
                "purchasable": True, "attributes": attributes}

    colour = {"id": 1, "name": "Color", "visible": True, "variation": False}
    simple = card(product(record(1, "simple", [
        {**colour, "options": ["Red"]},
        {"id": 2, "name": "Material", "visible": True, "variation": False,
         "options": ["Cotton", "Linen"]},
        {"id": 3, "name": "Secret", "visible": False, "variation": False, "options": ["x"]}])),
        "USD")
    variable = card(product(record(2, "variable", [
        {**colour, "options": ["Red"]},
        {"id": 4, "name": "Size", "visible": True, "variation": True, "options": ["S", "M", "L"]}]),
        [{"id": 21, "status": "publish", "price": "20.00", "regular_price": "20.00",
          "attributes": [{"id": 4, "name": "Size", "option": size}]} for size in ("S", "M")]),
        "USD")
    found = {f["name"]: {v["value"]: v["count"] for v in f["values"]}
             for f in facets([simple, variable]) if f["kind"] == "attribute"}
    # Size from the variations that exist (no L), Colour from both products' own attribute;
    # an attribute the store hides from shoppers is not a facet.
    assert found == {"Color": {"Red": 2}, "Size": {"M": 1, "S": 1},
                     "Material": {"Cotton": 1, "Linen": 1}}
    assert has_options(simple, (("color", "red"), ("Material", "Linen")))
    assert not has_options(simple, (("Size", "M"),))
    assert has_options(variable, (("Color", "Red"), ("Size", "M")))
    assert not has_options(variable, (("Size", "L"),))


def test_a_chip_token_sent_to_message_answers_with_the_refined_search(shopper):
    first = ask(shopper, "hoodies")
    price = next(f for f in first["search"]["facets"] if f["kind"] == "price")
    band = next(v for v in price["values"] if "page_token" in v)
    body = ask(shopper, band["value"], page_token=band["page_token"])
    assert body["cards"] and body["search"]["total"] == band["count"]
    assert all(band["min"] <= float(c["price"]) < (band["max"] or 1e9) for c in body["cards"])
    assert body["metadata"]["provider"] == "paging"


# -- tokens --

def test_a_token_is_signed_and_opaque():
    state = SearchState(query="black hoodie", max_price=50.0, dislikes=("wool",),
                        options=(("Size", "M"),), band=(25, 50), shown=(9, 3, 400))
    token = make_token(SECRET, state)
    back = read_token(SECRET, token)
    assert back == state and sorted(back.shown) == [3, 9, 400]
    assert "hoodie" not in token
    with pytest.raises(PageTokenError):
        read_token("another secret entirely", token)
    flipped = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    with pytest.raises(PageTokenError):
        read_token(SECRET, flipped)
    many = make_token(SECRET, dataclasses.replace(state, shown=tuple(range(1, 5000, 20))))
    assert len(many) < 1200  # 250 ids shown: the longest chain of pages


def test_a_tampered_token_is_a_400_and_a_models_bad_token_an_error_result(app, shopper):
    first = ask(shopper, "hoodies")
    token = first["search"]["next_page_token"]
    bad = token[:-3] + ("abc" if token[-3:] != "abc" else "xyz")
    response = shopper.post("/message", {"messages": [{"role": "user", "content": "more"}],
                                         "page_token": bad})
    assert response.status_code == 400 and response.get_json()["code"] == "rest_invalid_param"
    result, _ = tool(app, page_token=bad)
    assert not result.ok and "page_token" in result.content["error"]


# -- paging while the catalogue changes --

def test_paging_neither_repeats_nor_skips_while_products_come_and_go(app, shopper, store):
    index = app.extensions["fahad"].index
    before = [c["id"] for c in tool(app, query="hoodies", limit=50)[0].cards]
    first = ask(shopper, "hoodies")
    seen = ids(first)
    assert len(seen) == 5 and len(before) > 7
    # Between pages: a new hoodie that ranks first, and one not yet shown is withdrawn.
    template = store.product(before[0])
    added = dataclasses.replace(template, id=99001, name="Hoodie Hoodie Hoodie",
                                slug="hoodie-hoodie-hoodie", sku="NEW-1")
    index.upsert([added], store.currency)
    removed = next(i for i in before if i not in seen)
    index.delete([removed])
    token, pages = first["search"]["next_page_token"], [seen]
    while token:
        body = ask(shopper, "show me more", page_token=token)
        pages.append(ids(body))
        token = body["search"]["next_page_token"] if body.get("search") else None
    everything = [i for page in pages for i in page]
    assert len(everything) == len(set(everything))  # nothing shown twice
    expected = (set(before) - {removed}) | {added.id}
    assert set(everything) == expected  # nothing skipped, the newcomer shown once


def test_offset_paging_would_repeat_under_the_same_change(app, store):
    """The baseline the token replaces: offsets shift when a product ranks in above them."""
    index = app.extensions["fahad"].index
    page1 = [c["id"] for c in index.search("hoodies", limit=5).cards]
    template = store.product(page1[0])
    index.upsert([dataclasses.replace(template, id=99002, name="Hoodie Hoodie Hoodie",
                                      slug="hh", sku="NEW-2")], store.currency)
    page2 = [c["id"] for c in index.search("hoodies", limit=5, offset=5).cards]
    assert set(page1) & set(page2)


# -- "show me more" --

def test_show_me_more_in_the_chat_continues_the_same_search(shopper):
    first = ask(shopper, "hoodies")
    history = [{"role": "user", "content": "hoodies"},
               {"role": "assistant", "content": first["message"]}]
    more = shopper.post("/message", {
        "messages": [*history, {"role": "user", "content": "show me more"}],
        "conversation_ref": first["conversation_ref"]}).get_json()
    assert more["cards"] and not set(ids(more)) & set(ids(first))
    assert more["message"].startswith("Here are")
    assert all("Hoodies & Sweatshirts" in c["categories"] for c in more["cards"])
    history += [{"role": "user", "content": "show me more"},
                {"role": "assistant", "content": more["message"]}]
    last = shopper.post("/message", {
        "messages": [*history, {"role": "user", "content": "any more?"}],
        "conversation_ref": first["conversation_ref"]}).get_json()
    assert not set(ids(last)) & (set(ids(first)) | set(ids(more)))


def test_show_me_more_without_a_search_says_so(shopper):
    body = ask(shopper, "show me more")
    assert body["cards"] == [] and "everything" in body["message"]


def test_claude_pages_with_the_token_from_its_search(claude_shopper, fake_anthropic):
    def second(request):
        result = _result(request)
        return Message([ToolUse("search_products", {"page_token": result["next_page_token"]})])

    fake_anthropic.reply(
        Message([ToolUse("search_products", {"query": "hoodie", "limit": 3})]), second,
        Message([Text("Here are more.")]))
    body = ask(claude_shopper, "hoodies, and then more")
    assert len(body["cards"]) == 6 and len(set(ids(body))) == 6
    assert body["search"]["next_page_token"]


def test_claude_is_told_the_previous_searchs_token_next_turn(claude_shopper, fake_anthropic):
    fake_anthropic.reply(Message([ToolUse("search_products", {"query": "hoodie", "limit": 3})]),
                         Message([Text("Three hoodies.")]), Message([Text("More coming.")]))
    first = ask(claude_shopper, "hoodies")
    ask(claude_shopper, "show me more", conversation_ref=first["conversation_ref"])
    note = fake_anthropic.requests[-1]["system"][1]["text"]
    assert json.dumps(first["search"]["next_page_token"]) in note


def _result(request):
    block = request["messages"][-1]["content"][0]
    inner = block["content"].removeprefix("<store_data>").removesuffix("</store_data>")
    return json.loads(inner.replace("\\u003c", "<").replace("\\u003e", ">"))


def test_the_stream_carries_the_search_on_its_products_frame(shopper):
    from conftest import sse_events

    response = shopper.post("/stream", {"messages": [{"role": "user", "content": "hoodies"}],
                                        "preferences": {"price_range": {"max": 200}}})
    events = sse_events(response.get_data(as_text=True))
    [products] = [data for kind, data in events if kind == "products"]
    assert products["search"]["facets"] and products["search"]["next_page_token"]
    assert products["search"]["total"] >= len(products["products"])
    done = events[-1][1]
    assert done["type"] == "done" and done["intent"] == "product_search"
    assert done["metadata"]["provider"] == "offline" and done["actions"]
