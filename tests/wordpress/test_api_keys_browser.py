"""Issue 22's API keys tab in chromium, in wp-admin: a store manager makes a key, sees it once,
an app's server uses it through WordPress, the list shows when it was last used, and a
revoked key is refused from the next request on."""
from __future__ import annotations

import re

import requests

from .conftest import new_page, open_copilot, shot

KEY = re.compile(r"sk_live_[A-Za-z0-9]{32}")


def app_server(site, key: str, path: str) -> requests.Response:
    """An app's server calling the bridge through WordPress (no Origin: not a browser)."""
    return requests.get(f"{site.url}/wp-json/fahad-ai/v1{path}", timeout=30,
                        headers={"Authorization": f"Bearer {key}"})


def test_a_manager_makes_sees_once_and_revokes_a_key_in_wp_admin(browser, site):
    from playwright.sync_api import expect

    context, admin, errors = new_page(browser)
    try:
        open_copilot(admin, site)
        admin.click("#fahad-admin-tab-api-keys")
        panel = admin.locator("#fahad-admin-panel-api-keys")
        expect(panel.locator("#fahad-scope-catalog-read")).to_be_visible(timeout=15_000)

        name = "Headless shop (browser test)"
        admin.fill("#fahad-key-name", name)
        admin.check("#fahad-scope-catalog-read")  # chat is ticked already
        admin.fill("#fahad-key-limit", "30")
        panel.locator("button[type=submit]", has_text="Make the key").click()
        shown = panel.locator("input[aria-label='The new key']")
        expect(shown).to_be_visible(timeout=15_000)
        key = shown.input_value()
        assert KEY.fullmatch(key), key
        row = panel.locator("tr", has_text=name)
        expect(row).to_have_count(1, timeout=15_000)
        expect(row).to_contain_text("chat, catalog:read")
        expect(row).to_contain_text("30 per 60 s")
        expect(row).to_contain_text("never")
        expect(row).to_contain_text("active")
        key_id = row.get_attribute("data-key")
        assert key_id.startswith("ak_") and key not in row.inner_text()
        expect(row).to_contain_text(key[:12] + "…")  # the prefix, nothing more
        shot(admin, "wordpress-9-api-key-made")

        # The app's server uses it: the catalogue through WordPress with the key.
        found = app_server(site, key, "/app/search?q=hoodie&limit=3")
        assert found.status_code == 200, found.text
        assert found.json()["products"] and found.json()["search"]["facets"]

        # Shown once: after a reload the page has the key's prefix only, and its last use.
        admin.reload()
        admin.click("#fahad-admin-tab-api-keys")
        row = panel.locator(f"tr[data-key='{key_id}']")
        expect(row).to_be_visible(timeout=15_000)
        assert key not in admin.content()
        assert panel.locator("input[aria-label='The new key']").count() == 0
        last_used = row.locator("td").nth(5)
        expect(last_used).not_to_have_text("never")
        expect(last_used).to_have_text(re.compile(r"\d"))
        shot(admin, "wordpress-10-api-key-used")

        admin.once("dialog", lambda dialog: dialog.accept())
        row.locator("button", has_text="Revoke").click()
        expect(row.locator("td").nth(6)).to_have_text("revoked", timeout=15_000)
        assert row.locator("button", has_text="Revoke").count() == 0
        shot(admin, "wordpress-11-api-key-revoked")

        refused = app_server(site, key, "/app/search?q=hoodie")
        assert refused.status_code == 401
        assert refused.json()["code"] == "fahad_ai_invalid_api_key"
    finally:
        context.close()
    assert not errors, errors
