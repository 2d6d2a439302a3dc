"""The standalone demo shop: the storefront page with the widget, product and checkout pages."""
import json
import re

from bridge.catalog import money
from bridge.routes import NAMESPACE
from bridge.security import check_nonce
from conftest import SECRET


def test_the_home_page_embeds_the_widget_with_a_valid_nonce(client):
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    config = json.loads(re.search(r"window\.fahadAiChatbot = (\{.*?\});", html).group(1))
    assert config["restUrl"] == "http://shop.test/wp-json/fahad-ai/v1/"  # public_url
    check_nonce(SECRET, config["nonce"], 60)
    assert "/assets/chat-widget.js" in html and "/assets/chat-widget.css" in html


def test_the_page_nonce_opens_the_chat(client):
    html = client.get("/").get_data(as_text=True)
    nonce = json.loads(re.search(r"window\.fahadAiChatbot = (\{.*?\});", html).group(1))["nonce"]
    response = client.post(NAMESPACE + "/message", headers={"X-WP-Nonce": nonce},
                           json={"messages": [{"role": "user", "content": "hi"}]})
    assert response.status_code == 200


def test_the_widget_files_are_served(client):
    assert client.get("/assets/chat-widget.js").mimetype in ("text/javascript",
                                                             "application/javascript")
    assert client.get("/assets/chat-widget.css").mimetype == "text/css"
    assert client.get("/assets/../../README.md").status_code == 404


def test_card_links_and_images_resolve_to_pages(client, shopper):
    card = shopper.say("hoodies").get_json()["cards"][0]
    path = card["url"].replace("http://shop.test", "")
    page = client.get(path)
    assert page.status_code == 200 and card["name"] in page.get_data(as_text=True)
    image = client.get(card["image"].replace("http://shop.test", ""))
    assert image.status_code == 200 and image.data[:8] == b"\x89PNG\r\n\x1a\n"


def test_unpublished_products_have_no_page_and_no_image(client, store):
    for product in (p for p in store.data.products if not p.published):
        assert client.get(f"/product/{product.slug}/").status_code == 404
        assert client.get(f"/demo-media/{product.id}.png").status_code == 404


def test_the_checkout_link_lists_what_it_would_buy(client, store):
    product = next(p for p in store.products().items if p.type == "simple")
    variable = next(p for p in store.products().items if p.variations)
    variation = variable.variations[0]
    draft = next(p for p in store.data.products if not p.published)
    page = client.get(f"/checkout-link/?products={product.id}:2,{variation.id}:1,"
                      f"{draft.id}:1,junk,99999:1")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert product.name in html and variation.label() in html
    assert draft.name not in html
    total = product.price * 2 + variation.price
    assert f"${total:.2f}" in html


def test_the_pages_write_prices_as_every_channel_does(client, store):
    html = client.get("/").get_data(as_text=True)
    featured = re.findall(r'<p class="price">(.*?)</p>', html, re.S)
    assert featured and all("$" in price for price in featured)
    product = next(p for p in store.products().items if p.type == "simple" and p.price)
    page = client.get(f"/product/{product.slug}/").get_data(as_text=True)
    assert money.display(product.price, store.currency) in page
    many = client.get(f"/checkout-link/?products={product.id}:999").get_data(as_text=True)
    assert money.display(product.price * 999, store.currency) in many  # "$12,987.00"
    assert "," in money.display(product.price * 999, store.currency)


def answering_note(client) -> str:
    html = client.get("/").get_data(as_text=True)
    note = re.search(r'<aside class="answering".*?</aside>', html, re.S).group(0)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", note))


def test_the_demo_says_the_built_in_assistant_answers_and_how_to_add_claude(client):
    note = answering_note(client)  # no key configured: the offline provider answers
    assert "Answering now: the built-in assistant." in note and "No AI model" in note
    assert "ANTHROPIC_API_KEY=" in note and "restart" in note
    assert "Claude (" not in note


def test_the_demo_says_when_claude_answers_and_how_to_switch_back(claude_app):
    note = answering_note(claude_app.test_client())
    assert "Answering now: Claude (claude-sonnet-5-5)." in note
    assert "FAHAD_PROVIDERS=offline" in note and "built-in assistant answers instead" in note


def test_the_demo_names_an_openai_compatible_model(settings):
    from conftest import make_app

    app = make_app(settings.replace(providers=("openai", "offline"), openai_model="llama3.1",
                                    openai_base_url="http://127.0.0.1:9/v1"))
    try:
        assert "Answering now: llama3.1 (an OpenAI-compatible model)." in answering_note(
            app.test_client())
    finally:
        app.extensions["fahad"].engine.dispose()


def test_a_product_page_carries_the_widget_knowing_its_product(client, store):
    product = next(p for p in store.products().items if p.type == "simple" and p.in_stock)
    html = client.get(f"/product/{product.slug}/").get_data(as_text=True)
    config = json.loads(re.search(r"window\.fahadAiChatbot = (\{.*?\});", html).group(1))
    assert config["product"] == {"id": product.id, "name": product.name}
    check_nonce(SECRET, config["nonce"], 60)
    assert "/assets/chat-widget.js" in html


def test_on_a_product_page_it_means_that_product(client, store):
    html = client.get("/").get_data(as_text=True)
    nonce = json.loads(re.search(r"window\.fahadAiChatbot = (\{.*?\});", html).group(1))["nonce"]
    product = next(p for p in store.products().items if p.type == "simple" and p.in_stock)

    def ask(words, **extra):
        return client.post(NAMESPACE + "/message", headers={"X-WP-Nonce": nonce},
                           json={"messages": [{"role": "user", "content": words}], **extra})

    body = ask("tell me more about it", page_product=product.id).get_json()
    assert [c["id"] for c in body["cards"]] == [product.id]
    assert product.name in body["message"]
    # Off the page, the same words point at nothing in particular.
    assert [c["id"] for c in ask("tell me more about it").get_json()["cards"]] != [product.id]
    hidden = next(p for p in store.data.products if not p.published)
    leaked = ask("tell me more about it", page_product=hidden.id).get_json()
    assert hidden.name not in leaked["message"] and \
        hidden.id not in [c["id"] for c in leaked["cards"]]
    for bad in ("x", 0, -3, 2**31, True):
        refused = ask("tell me more about it", page_product=bad)
        assert refused.status_code == 400 and refused.get_json()["code"] == "rest_invalid_param"
