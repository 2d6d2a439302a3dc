"""The chat widget in Debian's chromium (Playwright, no browser download), on the bridge's demo
page and on the WordPress storefront: streamed text, cards, variations, cart, feedback, photos.
Screenshots go to tests/artifacts/ (gitignored); the browser fixtures are in conftest.py."""
from __future__ import annotations

import io
import json

import pytest

from .conftest import bridge_settings, serve_bridge, shot


@pytest.fixture(scope="module")
def claude(wp_tmp):
    """A bridge whose model is the scripted loopback Claude: words arrive paced."""
    from fakes.anthropic_api import FakeAnthropic

    fake = FakeAnthropic().start()
    tmp = wp_tmp / "browser-claude"
    tmp.mkdir()
    server = serve_bridge(bridge_settings(
        tmp, providers=("anthropic", "offline"), anthropic_api_key="sk-test",
        anthropic_base_url=fake.url, model_timeout=10.0, model_max_retries=0))
    yield fake, server
    server.stop()
    fake.stop()


WATCH_STREAM = """() => {
  window.__lengths = [];
  const log = document.getElementById('fahad-ai-messages');
  new MutationObserver(() => {
    const bubble = log.querySelector('.fahad-ai-msg-assistant[data-state=streaming]');
    if (bubble && bubble.textContent) window.__lengths.push(bubble.textContent.length);
  }).observe(log, {subtree: true, childList: true, characterData: true});
}"""


def shop_with_the_widget(page, url: str, fake, name: str) -> None:
    """The whole story: ask, watch the words arrive, pick a variation, add it, rate it."""
    from fakes.anthropic_api import Message, Text, ToolUse
    from playwright.sync_api import expect

    answer = "Here are warm hoodies in several sizes and colours, all in stock right now."
    fake.reply(Message([Text("Let me look."), ToolUse("search_products", {"query": "hoodie"})]),
               Message([Text(answer)], pace=0.12))
    page.goto(url)
    page.click("#fahad-ai-launcher")
    expect(page.locator("#fahad-ai-panel")).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "fahad-ai-input"
    page.evaluate(WATCH_STREAM)
    page.keyboard.type("warm hoodies")
    page.keyboard.press("Enter")

    page.wait_for_selector(".fahad-ai-msg-assistant[data-state=streaming] .fahad-ai-md-p",
                           timeout=20_000)
    shot(page, f"{name}-1-streaming")
    done = page.locator(".fahad-ai-msg-assistant[data-state=done]")
    expect(done).to_have_count(1, timeout=30_000)
    assert answer in done.inner_text()
    lengths = page.evaluate("window.__lengths")
    assert len(set(lengths)) >= 5, lengths  # the text grew while it streamed
    assert page.get_attribute("#fahad-ai-root", "data-transport") == "stream"

    cards = page.locator(".fahad-ai-card")
    assert cards.count() >= 2
    first = cards.first
    expect(first.locator(".fahad-ai-card-price")).not_to_be_empty()
    expect(first.locator(".fahad-ai-card-stock")).not_to_be_empty()
    assert page.locator("img.fahad-ai-card-image").count() >= 1
    live = page.locator("#fahad-ai-live")
    expect(live).to_contain_text("products")

    card = page.locator(".fahad-ai-card[data-type=variable]").first
    add = card.locator("button.fahad-ai-add")
    expect(add).to_be_disabled()  # no variation chosen yet
    selects = card.locator("select.fahad-ai-variation")
    for i in range(selects.count()):
        select = selects.nth(i)
        value = select.locator("option[data-available=true]").first.get_attribute("value")
        select.select_option(value)
    expect(add).to_be_enabled()
    shot(page, f"{name}-2-variation")
    add.click()
    expect(card.locator(".fahad-ai-card-note")).to_have_text("Added to your cart.", timeout=15_000)
    cart = page.locator("#fahad-ai-cart")
    # The drawer stays shut over the conversation; the header counts the item.
    expect(cart).to_be_hidden()
    expect(page.locator("#fahad-ai-view-cart .fahad-ai-cart-badge")).to_have_text("1")
    page.click("#fahad-ai-view-cart")
    expect(cart).to_be_visible()
    expect(cart.locator(".fahad-ai-cart-item")).to_have_count(1)
    assert cart.locator("a.fahad-ai-checkout").get_attribute("href").startswith("http")
    shot(page, f"{name}-3-cart")

    thumbs = page.locator(".fahad-ai-feedback").last
    thumbs.locator(".fahad-ai-thumb-up").click()
    expect(thumbs).to_have_attribute("data-voted", "up", timeout=15_000)
    expect(thumbs.locator(".fahad-ai-thumb-up")).to_have_attribute("aria-pressed", "true")
    shot(page, f"{name}-4-feedback")

    # Keyboard: Escape closes the panel and gives focus back to the launcher.
    page.focus("#fahad-ai-input")
    page.keyboard.press("Escape")
    expect(page.locator("#fahad-ai-panel")).to_be_hidden()
    assert page.evaluate("document.activeElement.id") == "fahad-ai-launcher"


def test_the_demo_page(page, claude):
    fake, server = claude
    shop_with_the_widget(page, server.url + "/", fake, "demo")


def test_the_wordpress_storefront(page, site, claude, point_at):
    fake, server = claude
    point_at(server.url)
    shop_with_the_widget(page, site.url + "/", fake, "wordpress")


def test_a_host_that_cannot_stream_falls_back_to_message(page, site):
    from playwright.sync_api import expect

    page.route("**/fahad-ai/v1/stream", lambda route: route.abort())
    page.goto(site.url + "/")
    page.click("#fahad-ai-launcher")
    page.fill("#fahad-ai-input", "hoodies under $50")
    page.keyboard.press("Enter")
    expect(page.locator(".fahad-ai-msg-assistant[data-state=done]")).to_have_count(1, timeout=30_000)
    assert page.get_attribute("#fahad-ai-root", "data-transport") == "message"
    assert page.locator(".fahad-ai-card").count() >= 1


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()


def test_search_by_photo_through_wordpress(page, site):
    from playwright.sync_api import expect

    page.goto(site.url + "/")
    page.click("#fahad-ai-launcher")
    page.set_input_files("#fahad-ai-image", files=[{"name": "red.png", "mimeType": "image/png",
                                                     "buffer": png_bytes()}])
    expect(page.locator(".fahad-ai-msg-photo img")).to_have_count(1)
    done = page.locator(".fahad-ai-msg-assistant[data-state=done]")
    expect(done).to_have_count(1, timeout=30_000)
    assert page.locator(".fahad-ai-card").count() >= 1
    shot(page, "wordpress-5-photo")


def test_photo_search_hides_itself_where_the_bridge_has_none(page, site):
    from playwright.sync_api import expect

    page.route("**/fahad-ai/v1/visual-search", lambda route: route.fulfill(
        status=404, content_type="application/json", body=json.dumps(
            {"code": "rest_no_route", "message": "No route", "data": {"status": 404}})))
    page.goto(site.url + "/")
    page.click("#fahad-ai-launcher")
    expect(page.locator("#fahad-ai-image-button")).to_be_visible()
    page.set_input_files("#fahad-ai-image", files=[{"name": "a.png", "mimeType": "image/png",
                                                     "buffer": png_bytes()}])
    expect(page.locator(".fahad-ai-msg-error")).to_contain_text("isn't available")
    expect(page.locator("#fahad-ai-image-button")).to_be_hidden()


@pytest.mark.parametrize("status, headers, body, shown", [
    (429, {"Retry-After": "7"}, {"code": "fahad_ai_rate_limited", "message": "Too many requests.",
                                 "data": {"status": 429}}, "try again in 7 seconds"),
    (503, {}, {"code": "fahad_ai_disabled", "message": "Paused.", "data": {"status": 503}},
     "taking a break"),
    (503, {}, {"code": "fahad_ai_daily_cap", "message": "Cap.", "data": {"status": 503}},
     "try again tomorrow"),
    (502, {}, {"code": "fahad_ai_bridge_unavailable", "message":
               "The shopping assistant is unavailable right now. Please try again in a moment.",
               "data": {"status": 502}}, "unavailable right now"),
])
def test_refusals_read_clearly(page, site, status, headers, body, shown):
    from playwright.sync_api import expect

    page.route("**/fahad-ai/v1/stream", lambda route: route.fulfill(
        status=status, headers=headers, content_type="application/json", body=json.dumps(body)))
    page.goto(site.url + "/")
    page.click("#fahad-ai-launcher")
    page.fill("#fahad-ai-input", "hello")
    page.keyboard.press("Enter")
    error = page.locator(".fahad-ai-msg-error")
    expect(error).to_contain_text(shown, timeout=15_000)
    expect(page.locator("#fahad-ai-live")).to_contain_text(shown)
    # Not sent: the words go back into the box to send again.
    assert page.input_value("#fahad-ai-input") == "hello"


def test_on_a_phone_the_panel_fills_the_screen(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    try:
        page.goto(site.url + "/")
        page.click("#fahad-ai-launcher")
        page.wait_for_timeout(500)  # the opening transition
        box = page.locator("#fahad-ai-panel").bounding_box()
        got = (box["x"], box["y"], box["width"], box["height"])
        assert all(abs(a - b) <= 1 for a, b in zip(got, (0, 0, 390, 844))), got
        assert page.locator("#fahad-ai-close").is_visible()
        shot(page, "wordpress-6-phone")
    finally:
        context.close()


def test_the_copilot_page_in_wp_admin_reads_the_admin_routes(browser, site):
    """A shop manager opens the copilot in wp-admin: its figures come through the plugin."""
    from playwright.sync_api import expect

    from .site import PASSWORD

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(site.url + "/wp-login.php")
        page.fill("#user_login", "manager")
        page.fill("#user_pass", PASSWORD)
        page.click("#wp-submit")
        page.wait_for_url("**/wp-admin/**")
        page.goto(site.url + "/wp-admin/index.php?page=fahad-ai-copilot")
        expect(page.locator("#fahad-ai-admin")).to_have_attribute("data-state", "ready",
                                                                   timeout=30_000)
        shot(page, "wordpress-7-copilot")
    finally:
        context.close()
