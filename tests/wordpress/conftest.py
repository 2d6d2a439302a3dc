"""Session fixtures: bridges on loopback ports and one real WordPress in front of them."""
from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from bridge import create_app, db
from bridge.settings import Settings
from conftest import SECRET, service_missing

from .site import DOCROOT, MARIADB, WordPressSite


def php_available() -> bool:
    return shutil.which("php") is not None


def mariadb_reachable() -> bool:
    host, port = MARIADB.split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def php():
    if not php_available():
        service_missing("PHP (php-cli; scripts/system-deps installs it)")
    return shutil.which("php")


class Bridge:
    """A real bridge app served by werkzeug on a loopback port."""

    def __init__(self, app, port: int = 0):
        self.app = app
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        app.extensions["fahad"].start()  # its background work, as a server's worker starts it

    def stop(self):
        self.server.shutdown()
        self.app.extensions["fahad"].stop()  # its reply workers, before the data goes
        self.app.extensions["fahad"].engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_bridge(settings: Settings) -> Bridge:
    # Its own address as public URL, so card images and links resolve in a browser.
    port = free_port()
    settings = settings.replace(public_url=f"http://127.0.0.1:{port}")
    engine = db.make_engine(settings)
    db.upgrade(engine)
    engine.dispose()
    app = create_app(settings)
    return Bridge(app, port)


WHATSAPP_VERIFY_TOKEN = "verify-me"
WHATSAPP_APP_SECRET = "meta-app-secret"


def bridge_settings(tmp: Path, **overrides) -> Settings:
    fields = dict(data_dir=str(tmp), bridge_secret=SECRET, public_url="http://shop.test",
                  rate_limit=100_000, rate_window=60)
    # WhatsApp's webhook secrets; nothing is sent (no access token), replies fail quietly.
    fields.update(whatsapp_verify_token=WHATSAPP_VERIFY_TOKEN,
                  whatsapp_app_secret=WHATSAPP_APP_SECRET)
    fields.update(overrides)
    return Settings(**fields)


@pytest.fixture(scope="session")
def wp_tmp():
    with tempfile.TemporaryDirectory(prefix="fahad-wp-") as tmp:
        yield Path(tmp)


@pytest.fixture(scope="session")
def bridge(wp_tmp):
    """The bridge WordPress forwards to: the demo store and the offline provider."""
    (wp_tmp / "bridge").mkdir()
    server = serve_bridge(bridge_settings(wp_tmp / "bridge", providers=("offline",)))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def site(php, bridge, wp_tmp):
    if not mariadb_reachable():
        service_missing(f"MariaDB at {MARIADB}")
    if not (DOCROOT / "wp-includes" / "version.php").exists():
        service_missing(f"WordPress files at {DOCROOT} (run scripts/system-deps)")
    wordpress = WordPressSite(wp_tmp)
    try:
        wordpress.install(bridge.url, SECRET).serve()
        yield wordpress
    finally:
        wordpress.stop()


@pytest.fixture
def point_at(site, bridge):
    """Point the plugin at another bridge for one test, then back."""
    def switch(url: str, secret: str = SECRET):
        site.set_option("fahad_ai_bridge_url", url)
        site.set_option("fahad_ai_secret", secret)
    yield switch
    switch(bridge.url)


# -- chromium (Debian's, driven by Playwright; never `playwright install`) --

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM = os.environ.get("FAHAD_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        service_missing("the playwright package (pip install -e '.[test]')")
    if not shutil.which(CHROMIUM):
        service_missing(f"chromium at {CHROMIUM} (scripts/system-deps installs it)")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        # As root (CI), chromium refuses to start with its sandbox.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, errors


def new_page(browser, **options):
    """A page in a context of its own, and the list its uncaught errors go to."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    page = context.new_page()
    errors = []

    def caught(exc):
        stack = str(getattr(exc, "stack", "") or "")
        # WordPress's own login scripts (zxcvbn's async loader) throw when a page is left
        # quickly; only the widget's and the copilot's errors count here.
        if "load-scripts.php" not in stack:
            errors.append(f"{exc} {stack}")
    page.on("pageerror", caught)
    return context, page, errors


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def open_copilot(page, site) -> None:
    """Log in as the store manager straight to the copilot (the dashboard is slow on a busy
    machine)."""
    from urllib.parse import quote

    from .site import PASSWORD

    copilot = site.url + "/wp-admin/index.php?page=fahad-ai-copilot"
    page.goto(site.url + "/wp-login.php?redirect_to=" + quote(copilot, safe=""))
    page.fill("#user_login", "manager")
    page.fill("#user_pass", PASSWORD)
    page.click("#wp-submit")
    page.wait_for_url("**page=fahad-ai-copilot*", wait_until="domcontentloaded", timeout=60_000)


def ask(page, words: str) -> None:
    """Send words in the open chat and wait for the assistant's answer to finish."""
    from playwright.sync_api import expect

    done = page.locator(".fahad-ai-msg-assistant[data-state=done]")
    before = done.count()
    page.fill("#fahad-ai-input", words)
    page.keyboard.press("Enter")
    expect(done).to_have_count(before + 1, timeout=30_000)
