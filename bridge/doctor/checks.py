"""The bridge's own checks: database, Redis, the store's keys and webhooks, the plugin's
round trip through WordPress, and the public URL. Each is one method of ``Doctor``."""
from __future__ import annotations

import hmac
import secrets
import time
from pathlib import Path
from urllib.parse import urlsplit

import redis
import requests
import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from .. import db
from ..redact import Redactor, secrets_of
from ..catalog.sync import PRODUCT_TOPICS
from ..routes import NAMESPACE
from ..security import sign_context
from ..settings import Settings, env_name
from ..store.base import StoreUnavailable
from ..store.woocommerce.http import WooHttp
from . import FAIL, OK, SKIP, WARN, Check, Finding
from .probe import proof

WEBHOOK_TOPICS = PRODUCT_TOPICS  # each needs an active webhook to this bridge
WEBHOOK_PATH = NAMESPACE + "/webhooks/woocommerce"
PROBE_PATH = NAMESPACE + "/doctor"
TIMEOUT = 10.0
SECRET_HELP = (f"{env_name('bridge_secret')}, or when it is unset the file bridge_secret in "
               f"{env_name('data_dir')}")


class Doctor:
    """The checks of one configuration. ``wordpress``: the WordPress site whose plugin
    forwards to this bridge (the store's own site when the store is WooCommerce)."""

    def __init__(self, settings: Settings, wordpress: str | None = None,
                 session: requests.Session | None = None):
        self.settings = settings
        self.wordpress = (wordpress or (settings.wc_url if settings.store == "woocommerce"
                                        else "")).rstrip("/")
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = "fahad-bridge doctor"
        self.redact = Redactor(secrets_of(settings)).text  # passwords in URLs, tokens

    def checks(self) -> list[Check]:
        return [self.database, self.redis, self.store_keys, self.store_webhooks,
                self.plugin, self.public_url]

    # -- the bridge's own state --

    def database(self) -> Finding:
        parsed = sa.make_url(self.settings.sqlalchemy_url)
        url = parsed.render_as_string(hide_password=True)
        if parsed.get_backend_name() == "sqlite" and parsed.database and \
                not Path(parsed.database).exists():
            return Finding("database", WARN, f"{url} does not exist yet: `fahad-bridge serve` "
                           "or `fahad-bridge migrate` creates it")
        engine = db.make_engine(self.settings)
        try:
            with engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
                current = set(MigrationContext.configure(connection).get_current_heads())
        except sa.exc.SQLAlchemyError as exc:
            cause = getattr(exc, "orig", None) or exc
            return Finding("database", FAIL, f"{url} does not answer ({type(cause).__name__}); "
                           f"check {env_name('database_url')}")
        finally:
            engine.dispose()
        heads = set(ScriptDirectory.from_config(db.alembic_config(engine)).get_heads())
        if current != heads:
            return Finding("database", WARN, f"{url} answers, but its schema is not up to date: "
                           "run `fahad-bridge migrate` (serve does it at start)")
        return Finding("database", OK, f"{url} answers, schema up to date")

    def redis(self) -> Finding:
        s = self.settings
        urls = {}
        if s.ratelimit_storage.startswith(("redis://", "rediss://")):
            urls[env_name("ratelimit_storage")] = s.ratelimit_storage
        if s.whatsapp_runner == "rq":
            urls[env_name("whatsapp_redis_url")] = s.whatsapp_redis_url
        if not urls:
            return Finding("redis", SKIP, "not used: rate limits count in memory, WhatsApp "
                           "replies run in threads")
        for name, url in urls.items():
            shown = self.redact(url)
            try:
                redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
            except redis.RedisError as exc:
                return Finding("redis", FAIL, f"{shown} ({name}) does not answer "
                               f"({type(exc).__name__})")
        return Finding("redis", OK, ", ".join(f"{self.redact(u)} ({n})"
                                             for n, u in urls.items()) + " answers")

    # -- the store --

    def _woo(self) -> WooHttp:
        s = self.settings
        return WooHttp(s.wc_url, s.wc_consumer_key, s.wc_consumer_secret, s.wc_timeout)

    def store_keys(self) -> Finding:
        if self.settings.store != "woocommerce":
            return Finding("store keys", SKIP, "the demo store: nothing to connect")
        try:
            page = self._woo().page("products", 1, 1, status="publish")
        except StoreUnavailable as exc:
            return Finding("store keys", FAIL, f"{exc} ({env_name('wc_url')}="
                           f"{self.settings.wc_url})")
        return Finding("store keys", OK, f"the keys read {self.settings.wc_url}: "
                       f"{page.total} published products")

    def store_webhooks(self) -> Finding:
        s = self.settings
        if s.store != "woocommerce":
            return Finding("store webhooks", SKIP, "the demo store has none")
        targets = {s.base_url + WEBHOOK_PATH, s.store_url + WEBHOOK_PATH}
        try:
            hooks = list(self._woo().every("webhooks", status="all"))
        except StoreUnavailable as exc:
            return Finding("store webhooks", FAIL, f"could not list the webhooks: {exc}")
        problems = []
        for topic in WEBHOOK_TOPICS:
            ours = [h for h in hooks if h.get("topic") == topic
                    and str(h.get("delivery_url", "")).rstrip("/") in targets]
            if any(h.get("status") == "active" for h in ours):
                continue
            if ours:
                problems.append(f"{topic} is {ours[0].get('status')} (WooCommerce disables a "
                                "webhook after repeated failed deliveries; set it Active)")
                continue
            elsewhere = [h["delivery_url"] for h in hooks if h.get("topic") == topic]
            problems.append(f"{topic} is missing" + (
                f" (one delivers to {elsewhere[0]}, not this bridge)" if elsewhere else ""))
        if not s.wc_webhook_secret:
            problems.append(f"{env_name('wc_webhook_secret')} is empty, so the bridge refuses "
                            "every delivery: set it to the webhooks' secret")
        if problems:
            return Finding("store webhooks", FAIL, "; ".join(problems) + ". In WooCommerce > "
                           "Settings > Advanced > Webhooks each topic needs an active webhook "
                           f"delivering to {s.base_url + WEBHOOK_PATH}")
        return Finding("store webhooks", OK, f"{', '.join(WEBHOOK_TOPICS)} deliver to this "
                       "bridge")

    # -- WordPress, the plugin and the public URL --

    def plugin(self) -> Finding:
        if not self.wordpress:
            return Finding("plugin", SKIP, "no WordPress to ask: pass --wordpress URL (a "
                           "standalone bridge has none)")
        challenge = secrets.token_urlsafe(24)
        url = f"{self.wordpress}/wp-json/fahad-ai/v1/doctor?challenge={challenge}"
        try:
            response = self.session.get(url, timeout=TIMEOUT)
        except requests.RequestException as exc:
            return Finding("plugin", FAIL, f"WordPress at {self.wordpress} can't be reached "
                           f"({type(exc).__name__})")
        code, message = _error(response)
        settings_page = "WordPress > Settings > fahad-ai"
        if response.status_code == 200:
            if _proved(response, self.settings.bridge_secret, challenge):
                return Finding("plugin", OK, "WordPress signed and forwarded a request, and "
                               "this bridge answered: the plugin's secret matches")
            return Finding("plugin", FAIL, "the plugin forwards to a bridge with another "
                           f"secret: set its Bridge URL to {self.settings.base_url} "
                           f"({settings_page})")
        if code == "fahad_ai_invalid_signature":
            return Finding("plugin", FAIL, f"the bridge refused the plugin's signature "
                           f"({message}): in {settings_page} paste this bridge's secret "
                           f"({SECRET_HELP})")
        if code == "fahad_ai_not_configured":
            return Finding("plugin", FAIL, f"the plugin has no Bridge URL or secret yet: set "
                           f"them in {settings_page}")
        if code == "fahad_ai_bridge_unavailable":
            return Finding("plugin", FAIL, "WordPress could not reach the bridge the plugin "
                           f"points at: is its Bridge URL {self.settings.base_url}, and is "
                           "the bridge running there?")
        if code == "rest_no_route":
            return Finding("plugin", FAIL, f"WordPress at {self.wordpress} has no fahad-ai "
                           "route: install and activate the plugin (this version)")
        return Finding("plugin", FAIL, f"WordPress answered {response.status_code}"
                       + (f" {code}: {message}" if code else ""))

    def public_url(self) -> Finding:
        s = self.settings
        base, name = s.base_url, env_name("public_url")
        challenge = secrets.token_urlsafe(24)
        path = f"{urlsplit(base).path}{PROBE_PATH}?challenge={challenge}"
        context = {"uid": 0, "caps": [], "ip": "127.0.0.1", "iat": _now()}
        value, signature = sign_context(s.bridge_secret, context, "GET", path, b"")
        try:
            response = self.session.get(base + PROBE_PATH + f"?challenge={challenge}",
                                        timeout=TIMEOUT, allow_redirects=False, headers={
                                            "X-Fahad-Context": value,
                                            "X-Fahad-Signature": signature})
        except requests.RequestException as exc:
            return Finding("public url", FAIL, f"nothing answers at {base} ({type(exc).__name__}"
                           f"): is the bridge running there, and is {name} the address people "
                           "reach it at?")
        code, message = _error(response)
        if response.status_code != 200:
            why = f"{code}: {message}" if code else f"HTTP {response.status_code}"
            return Finding("public url", FAIL, f"{base} is not this bridge ({why}); set {name} "
                           "to the address this bridge is reached at")
        if not _proved(response, s.bridge_secret, challenge):
            return Finding("public url", FAIL, f"a bridge with another secret answers at {base}")
        if not s.public_url:
            return Finding("public url", WARN, f"{base} is this bridge, but {name} is unset, so "
                           "links point at this machine only; set it to the public address")
        if s.store == "woocommerce" and not base.startswith("https://"):
            return Finding("public url", WARN, f"{base} is this bridge, but not HTTPS: "
                           "shoppers' browsers and WooCommerce's webhooks need a public "
                           "https:// address")
        return Finding("public url", OK, f"{base} is this bridge")


def _now() -> int:
    return int(time.time())


def _error(response: requests.Response) -> tuple[str, str]:
    try:
        body = response.json()
        return str(body.get("code", "")), str(body.get("message", ""))
    except (ValueError, AttributeError):
        return "", ""


def _proved(response: requests.Response, secret: str, challenge: str) -> bool:
    try:
        given = str(response.json().get("proof", ""))
    except (ValueError, AttributeError):
        return False
    return hmac.compare_digest(given.encode(), proof(secret, challenge).encode())
