"""Typed settings: config/default.toml, overlaid by an env file, overlaid by FAHAD_*
environment variables (the command line's options win over all three).

The env file is ``.env`` in the working directory when it exists, or the file
``FAHAD_ENV_FILE`` names; it holds the same variables, one ``NAME=value`` a line, read once
at start. This module is the only reader of ``os.environ`` and of that file.
``load_settings()`` returns a frozen ``Settings``; the core keeps it
(``current_core().settings`` in request code).
"""
from __future__ import annotations

import dataclasses
import json
import os
import re
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from .envfile import EnvFile, SettingsFileError, read_env_file
from .proxies import parse_networks

DEFAULT_TOML = Path(__file__).resolve().parent.parent / "config" / "default.toml"

# Where `fahad-bridge serve` listens by default, and so the public URL when none is set.
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8080"

# Keys whose variable is not FAHAD_<KEY>: the providers' own conventional names.
ENV_NAMES = {"anthropic_api_key": "ANTHROPIC_API_KEY"}

# The env file read at start when FAHAD_ENV_FILE names none (relative to the working directory).
ENV_FILE = ".env"
ENV_FILE_VAR = "FAHAD_ENV_FILE"

# Variables the bridge no longer reads, with what replaced them: set, they would silently
# change what the bridge trusts, so loading refuses them.
RETIRED = {"FAHAD_PROXY_COUNT": "list the reverse proxies' addresses (CIDRs) in "
                                "FAHAD_TRUSTED_PROXIES instead"}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
# A host name (letters, digits, hyphens, dots), or "*." and one for all its subdomains.
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_ORIGIN = re.compile(r"https?://[a-z0-9.-]+(:[0-9]{1,5})?|https?://\[[0-9a-f:.]+\](:[0-9]{1,5})?")
_HOST_NAME = re.compile(rf"(?:\*\.)?{_LABEL}(?:\.{_LABEL})*\.?", re.IGNORECASE)


class SettingsError(ValueError):
    """A setting has a value of the wrong type or outside its range."""


def _secret():
    return field(default="", repr=False)


@dataclass(frozen=True)
class Settings:
    """Every setting of the bridge; config/default.toml documents each one."""

    data_dir: str = "./instance"
    database_url: str = ""
    bridge_secret: str = _secret()
    public_url: str = ""
    store_name: str = "Fahad Demo Outfitters"
    log_level: str = "INFO"
    trusted_proxies: tuple[str, ...] = ()
    client_timeout: float = 10.0
    client_min_rate: int = 16384
    worker: str = "gevent"  # gunicorn's worker kind: "gevent" or "gthread"

    rate_limit: int = 20
    rate_window: int = 60
    ratelimit_storage: str = "memory://"
    daily_cap: int = 0
    paused: bool = False
    nonce_ttl: int = 43200
    websocket_max_message: int = 262144
    websocket_frames_per_minute: int = 60
    websocket_max_turns: int = 200
    websocket_idle_timeout: float = 300.0
    websocket_connections: int = 1000
    storefront_origins: tuple[str, ...] = ()
    admin_token: str = _secret()
    agent_rate_limit: int = 120
    agent_rate_window: int = 60
    api_key_rate_limit: int = 60
    api_key_rate_window: int = 60

    store: str = "demo"
    wc_url: str = ""
    wc_consumer_key: str = _secret()
    wc_consumer_secret: str = _secret()
    wc_webhook_secret: str = _secret()
    wc_timeout: float = 10.0
    wc_background_sync: bool = True
    wc_poll_interval: float = 5.0
    wc_reconcile_interval: float = 900.0
    wc_full_sync_interval: float = 86400.0

    providers: tuple[str, ...] = ("anthropic", "offline")
    anthropic_api_key: str = _secret()
    anthropic_model: str = "claude-sonnet-5-5"
    anthropic_base_url: str = ""
    openai_api_key: str = _secret()
    openai_model: str = ""
    openai_base_url: str = ""
    model_max_tokens: int = 1024
    model_timeout: float = 20.0
    model_max_retries: int = 1
    model_max_calls: int = 8
    prices: dict = field(default_factory=dict, hash=False, compare=False)
    monthly_budget: float = 0.0

    search_semantic: bool = True
    search_model: str = ""
    search_tokenizer: str = ""
    visual_rankers: tuple[str, ...] = ("embedding", "vision")
    visual_fallback: str = "features"
    visual_max_pixels: int = 40_000_000
    visual_max_decode_mib: int = 96
    visual_fetch_timeout: float = 5.0
    image_hosts: tuple[str, ...] = ()
    visual_sync_batch: int = 500
    whatsapp_verify_token: str = _secret()
    whatsapp_app_secret: str = _secret()
    whatsapp_access_token: str = _secret()
    whatsapp_phone_number_id: str = ""
    whatsapp_api_version: str = "22.0"
    whatsapp_api_base: str = ""
    whatsapp_conversation_window: int = 86400
    whatsapp_handoff_keyword: str = "human"
    whatsapp_rate_limit: int = 10
    whatsapp_rate_window: int = 60
    whatsapp_runner: str = "thread"
    whatsapp_workers: int = 4
    whatsapp_redis_url: str = ""
    whatsapp_lease: int = 300
    whatsapp_poll_interval: float = 2.0

    poll_rate_limit: int = 120
    poll_rate_window: int = 60
    webhooks: dict = field(default_factory=dict, hash=False, compare=False, repr=False)
    webhook_timeout: float = 10.0
    webhook_poll_interval: float = 2.0
    retention_days: int = 0

    assistant_tone: str = "friendly, concise and practical"
    store_policies: str = ""
    support_contact: str = ""
    personas: dict = field(default_factory=dict, hash=False, compare=False)

    def __post_init__(self) -> None:
        # Every message names the variable a person sets (FAHAD_WC_URL, not wc_url).
        n = env_name
        _check_positive(self, "rate_limit", "rate_window", "nonce_ttl", "model_max_tokens",
                        "model_max_calls", "agent_rate_limit", "agent_rate_window",
                        "api_key_rate_limit", "api_key_rate_window")
        if self.model_timeout <= 0 or self.model_max_retries < 0 or self.monthly_budget < 0:
            raise SettingsError(f"{n('model_timeout')} must be positive; "
                                f"{n('model_max_retries')} and {n('monthly_budget')} 0 or more")
        if self.daily_cap < 0:
            raise SettingsError(f"{n('daily_cap')} must be 0 (unlimited) or more")
        if self.store not in ("demo", "woocommerce"):
            raise SettingsError(f"{n('store')} must be 'demo' or 'woocommerce'")
        if self.store == "woocommerce":
            missing = [n(key) for key in ("wc_url", "wc_consumer_key", "wc_consumer_secret")
                       if not getattr(self, key)]
            if missing:
                raise SettingsError(f"{n('store')}=woocommerce needs {', '.join(missing)} "
                                    "(the store's address and a REST API key pair)")
            if not self.wc_url.startswith(("http://", "https://")):
                raise SettingsError(f"{n('wc_url')} must start with http:// or https://")
        if min(self.wc_timeout, self.wc_poll_interval, self.wc_reconcile_interval,
               self.wc_full_sync_interval) <= 0:
            raise SettingsError(f"{n('wc_timeout')}, {n('wc_poll_interval')}, "
                                f"{n('wc_reconcile_interval')} and "
                                f"{n('wc_full_sync_interval')} must be positive")
        _check_positive(self, "whatsapp_conversation_window", "whatsapp_rate_limit",
                        "whatsapp_rate_window", "whatsapp_workers", "whatsapp_lease")
        if self.whatsapp_poll_interval <= 0:
            raise SettingsError(f"{n('whatsapp_poll_interval')} must be positive")
        if self.whatsapp_runner not in ("thread", "rq"):
            raise SettingsError(f"{n('whatsapp_runner')} must be 'thread' or 'rq'")
        if self.whatsapp_runner == "rq" and not self.whatsapp_redis_url.startswith(
                ("redis://", "rediss://", "unix://")):
            raise SettingsError(f"{n('whatsapp_runner')}=rq needs {n('whatsapp_redis_url')} "
                                "(redis://...)")
        try:
            parse_networks(self.trusted_proxies)
        except ValueError as exc:
            raise SettingsError(f"{n('trusted_proxies')}: {exc}") from None
        if self.client_timeout <= 0:
            raise SettingsError(f"{n('client_timeout')} must be positive")
        _check_positive(self, "client_min_rate", "websocket_max_message",
                        "websocket_frames_per_minute", "websocket_max_turns",
                        "websocket_connections")
        if self.websocket_idle_timeout <= 0:
            raise SettingsError(f"{n('websocket_idle_timeout')} must be positive")
        if self.worker not in WORKERS:
            raise SettingsError(f"{n('worker')} must be 'gevent' or 'gthread'")
        _check_positive(self, "visual_max_pixels", "visual_max_decode_mib", "visual_sync_batch")
        if self.visual_fetch_timeout <= 0:
            raise SettingsError(f"{n('visual_fetch_timeout')} must be positive")
        _check_positive(self, "poll_rate_limit", "poll_rate_window")
        if self.webhook_timeout <= 0 or self.webhook_poll_interval <= 0:
            raise SettingsError(f"{n('webhook_timeout')} and {n('webhook_poll_interval')} must "
                                "be positive")
        if self.retention_days < 0:
            raise SettingsError(f"{n('retention_days')} must be 0 (keep) or more")
        _check_webhooks(self.webhooks)
        for origin in self.storefront_origins:
            if not _ORIGIN.fullmatch(origin):
                raise SettingsError(f"{n('storefront_origins')}: {origin!r} is not an origin "
                                    "(scheme://host[:port], no path)")
        _check_personas(self.personas)
        for host in self.image_hosts:
            if not _HOST_NAME.fullmatch(host):
                raise SettingsError(f"{n('image_hosts')} takes host names such as "
                                    "cdn.example.com or *.example.com (no scheme, port or path)")

    @property
    def whatsapp_enabled(self) -> bool:
        """The webhook answers only with both its secrets set; until then it refuses."""
        return bool(self.whatsapp_verify_token and self.whatsapp_app_secret)

    @property
    def base_url(self) -> str:
        """The bridge's public URL, no trailing slash: every absolute link to the bridge
        starts here, never with the Host a request names."""
        return (self.public_url or DEFAULT_PUBLIC_URL).rstrip("/")

    @property
    def store_url(self) -> str:
        """The shop's home page: the WooCommerce site, or the bridge serving the demo shop."""
        return self.wc_url.rstrip("/") if self.store == "woocommerce" else self.base_url

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)

    @property
    def sqlalchemy_url(self) -> str:
        """The configured database URL, else a SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_path / 'bridge.sqlite3').resolve()}"

    def replace(self, **changes) -> "Settings":
        return dataclasses.replace(self, **changes)


WORKERS = ("gevent", "gthread")
WEBHOOK_EVENTS = ("conversation.escalated", "conversation.resolved", "feedback.created",
                  "cart.updated")


def _check_personas(personas: dict) -> None:
    """Each persona: a name a request can send, a tone, optional instructions."""
    for name, persona in personas.items():
        if not (isinstance(name, str) and re.fullmatch(r"[a-z0-9_-]{1,40}", name)):
            raise SettingsError("FAHAD_PERSONAS: each persona's name is 1-40 lowercase letters, "
                                "digits, _ or -")
        if not isinstance(persona, dict) or not isinstance(persona.get("tone"), str) \
                or not 0 < len(persona["tone"]) <= 200:
            raise SettingsError(f"FAHAD_PERSONAS {name} needs a tone (1-200 characters)")
        extra = set(persona) - {"tone", "instructions"}
        instructions = persona.get("instructions", "")
        if extra or not isinstance(instructions, str) or len(instructions) > 2000:
            raise SettingsError(f"FAHAD_PERSONAS {name} takes a tone and instructions (text "
                                "of at most 2000 characters)")


def _check_webhooks(webhooks: dict) -> None:
    """Each endpoint: a name, an http(s) url, a secret and the events it wants."""
    for name, endpoint in webhooks.items():
        if not (isinstance(name, str) and re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", name)):
            raise SettingsError("FAHAD_WEBHOOKS: each endpoint's name is 1-64 letters, digits, "
                                "_ . -")
        if not isinstance(endpoint, dict) or not str(endpoint.get("url", "")).startswith(
                ("http://", "https://")):
            raise SettingsError(f"FAHAD_WEBHOOKS {name} needs a url (http:// or https://)")
        if not isinstance(endpoint.get("secret"), str) or len(endpoint["secret"]) < 16:
            raise SettingsError(f"FAHAD_WEBHOOKS {name} needs a secret of 16 characters or more")
        events = endpoint.get("events", list(WEBHOOK_EVENTS))
        if not isinstance(events, list) or not set(events) <= set(WEBHOOK_EVENTS):
            raise SettingsError(f"FAHAD_WEBHOOKS {name}: events takes {', '.join(WEBHOOK_EVENTS)}")
        endpoint.setdefault("events", list(WEBHOOK_EVENTS))


def _check_positive(settings: Settings, *names: str) -> None:
    for name in names:
        if getattr(settings, name) < 1:
            raise SettingsError(f"{env_name(name)} must be 1 or more")


def env_name(key: str) -> str:
    """The environment variable that overrides ``key``."""
    return ENV_NAMES.get(key, "FAHAD_" + key.upper())


def _coerce(key: str, kind: type, raw, source: str):
    try:
        if kind is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise ValueError
        if kind is int:
            if isinstance(raw, bool):
                raise ValueError
            return int(str(raw).strip())
        if kind is float:
            if isinstance(raw, bool):
                raise ValueError
            number = float(str(raw).strip())
            if number != number or number in (float("inf"), float("-inf")):
                raise ValueError
            return number
        if kind is dict:
            table = json.loads(raw) if isinstance(raw, str) else raw
            if not isinstance(table, dict):
                raise ValueError
            return table
        if kind is tuple:
            items = raw if isinstance(raw, list) else str(raw).split(",")
            return tuple(str(i).strip().lower() for i in items if str(i).strip())
        return str(raw)
    except ValueError:
        # The value itself is not echoed: it may be a secret.
        names = {dict: "a table (JSON in the environment)", tuple: "a comma-separated list",
                 int: "a whole number", float: "a number", bool: "true or false", str: "text"}
        raise SettingsError(f"{source} must be {names[kind]}") from None


def _field_kinds() -> dict[str, type]:
    kinds = {}
    for f in dataclasses.fields(Settings):
        annotation = str(f.type)
        kinds[f.name] = (
            bool if annotation == "bool" else
            int if annotation == "int" else
            float if annotation == "float" else
            dict if annotation == "dict" else
            tuple if annotation.startswith("tuple") else
            str
        )
    return kinds


def load_settings(
    environ: Mapping[str, str] | None = None,
    toml_path: Path = DEFAULT_TOML,
    **overrides,
) -> Settings:
    """Read the defaults file, overlay the env file, then the environment, then ``overrides``
    (for the CLI). With ``environ`` given (tests), an env file is read only if it names one."""
    process = os.environ if environ is None else environ
    known = {env_name(f.name) for f in dataclasses.fields(Settings)} | set(RETIRED)
    named = process.get(ENV_FILE_VAR, "")
    try:
        if environ is None or named:  # a mapping given by the caller (tests) reads no .env
            from_file = read_env_file(named or ENV_FILE, known, required=bool(named))
        else:
            from_file = EnvFile({}, ENV_FILE)
    except SettingsFileError as exc:
        raise SettingsError(str(exc)) from None
    environ = {**from_file, **process}
    for name, instead in RETIRED.items():
        if environ.get(name, "").strip() not in ("", "0"):
            raise SettingsError(f"{name} is no longer read: {instead}")
    with open(toml_path, "rb") as fh:
        defaults = tomllib.load(fh)
    kinds = _field_kinds()
    unknown = set(defaults) - set(kinds)
    if unknown:
        raise SettingsError(f"unknown keys in {toml_path.name}: {', '.join(sorted(unknown))}")
    values = {}
    for key, kind in kinds.items():
        if key in defaults:
            values[key] = _coerce(key, kind, defaults[key], f"{key} in {toml_path.name}")
        name = env_name(key)
        if name in environ:
            source = name if name in process else f"{name} (in {from_file.path})"
            values[key] = _coerce(key, kind, environ[name], source)
    values.update({k: v for k, v in overrides.items() if v is not None})
    settings = Settings(**values)
    if not settings.bridge_secret:
        settings = settings.replace(bridge_secret=stored_secret(settings.data_path))
    return settings


def stored_secret(data_dir: Path) -> str:
    """The bridge secret kept in the data folder, created once (safe when workers race)."""
    path = data_dir / "bridge_secret"
    data_dir.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Write a private temp file, then link it into place: a racing worker either wins
        # the link or reads the winner's complete file, never a half-written one.
        tmp = data_dir / f".bridge_secret.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    secret = path.read_text().strip()
    if not secret:
        raise SettingsError(f"{path} is empty; delete it to generate a new secret")
    return secret

