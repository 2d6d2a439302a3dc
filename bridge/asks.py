"""What a chat request asks for besides its messages: the shopper's ``preferences``, the page
``context``, a ``persona`` and a ``page_token``, read strictly from a JSON body.

``read_asks(body, settings)`` is the one reader for every chat transport (/message, /stream,
the WebSocket): it takes the parsed body, not the Flask request, and refuses with a 400
``BridgeError`` (``rest_invalid_param``, the field named in ``data.params`` as WordPress does).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from .catalog.paging import PageTokenError, read_token
from .errors import INVALID_PARAM, BridgeError
from .settings import Settings

MAX_ID = 2**31 - 1
MAX_WORDS = 20  # likes, dislikes, restrictions: items each
MAX_WORD = 60  # characters in one of them
MAX_PRODUCT_IDS = 20
MAX_PAGE = 40  # a page kind ("product", "category", ...)
MAX_URL = 500
MAX_PRICE = 10**9
MAX_TOKEN = 4096
PAGE_KINDS = ("home", "product", "category", "search", "cart", "checkout", "account", "other")
UNKNOWN_PERSONA = "fahad_ai_unknown_persona"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Preferences:
    likes: tuple[str, ...] = ()
    dislikes: tuple[str, ...] = ()
    min_price: float | None = None
    max_price: float | None = None
    restrictions: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.likes or self.dislikes or self.restrictions
                    or self.min_price is not None or self.max_price is not None)

    def as_data(self) -> dict:
        """What the model reads (fenced as data): the fields given, nothing else."""
        data = {"likes": list(self.likes), "dislikes": list(self.dislikes),
                "min_price": self.min_price, "max_price": self.max_price,
                "restrictions": list(self.restrictions)}
        return {k: v for k, v in data.items() if v not in (None, [])}


@dataclass(frozen=True)
class PageContext:
    page: str | None = None
    url: str | None = None
    product_ids: tuple[int, ...] = ()
    referrer: str | None = None

    def __bool__(self) -> bool:
        return bool(self.page or self.url or self.product_ids or self.referrer)

    def as_data(self) -> dict:
        data = {"page": self.page, "url": self.url, "product_ids": list(self.product_ids),
                "referrer": self.referrer}
        return {k: v for k, v in data.items() if v not in (None, [])}


@dataclass(frozen=True)
class Persona:
    name: str
    tone: str
    instructions: str = ""


@dataclass(frozen=True)
class Asks:
    preferences: Preferences = field(default_factory=Preferences)
    context: PageContext = field(default_factory=PageContext)
    persona: Persona | None = None
    viewing: int | None = None  # the product "it" means: page_product, or a product page's
    page_token: str | None = None  # a search to continue (next page or a refinement)


def refuse(name: str, message: str, code: str = INVALID_PARAM) -> BridgeError:
    return BridgeError(code, message, 400, data={"params": {name: message}})


def read_asks(body: dict, settings: Settings) -> Asks:
    """Every optional field of a chat body besides messages and conversation_ref."""
    context = _context(body.get("context"))
    viewing = _int(body.get("page_product"), "page_product", 1, MAX_ID)
    if context.page == "product" and context.product_ids:
        if viewing is not None and viewing != context.product_ids[0]:
            raise refuse("page_product", "page_product and context.product_ids[0] name "
                         "different products.")
        viewing = viewing or context.product_ids[0]
    token = body.get("page_token")
    if token is not None:
        token = _text(token, "page_token", MAX_TOKEN)
        try:
            read_token(settings.bridge_secret, token)
        except PageTokenError as exc:
            raise refuse("page_token", f"page_token is not valid: {exc}.") from None
    return Asks(preferences=_preferences(body.get("preferences")), context=context,
                persona=_persona(body.get("persona"), settings.personas), viewing=viewing,
                page_token=token or None)


def _preferences(value) -> Preferences:
    if value is None:
        return Preferences()
    if not isinstance(value, dict):
        raise refuse("preferences", "preferences must be an object.")
    _known(value, "preferences", ("likes", "dislikes", "price_range", "restrictions"))
    low = high = None
    price = value.get("price_range")
    if price is not None:
        if not isinstance(price, dict):
            raise refuse("preferences", "preferences.price_range must be an object "
                         "{min, max}.")
        _known(price, "preferences.price_range", ("min", "max"))
        low = _price(price.get("min"), "preferences.price_range.min")
        high = _price(price.get("max"), "preferences.price_range.max")
        if low is not None and high is not None and low > high:
            raise refuse("preferences", "preferences.price_range.min is above its max.")
    return Preferences(likes=_words(value.get("likes"), "preferences.likes"),
                       dislikes=_words(value.get("dislikes"), "preferences.dislikes"),
                       min_price=low, max_price=high,
                       restrictions=_words(value.get("restrictions"),
                                           "preferences.restrictions"))


def _context(value) -> PageContext:
    if value is None:
        return PageContext()
    if not isinstance(value, dict):
        raise refuse("context", "context must be an object.")
    _known(value, "context", ("page", "url", "product_ids", "referrer"))
    page = value.get("page")
    if page is not None and page not in PAGE_KINDS:
        raise refuse("context", f"context.page must be one of {', '.join(PAGE_KINDS)}.")
    ids = value.get("product_ids")
    if ids is not None:
        if not isinstance(ids, list) or len(ids) > MAX_PRODUCT_IDS:
            raise refuse("context", f"context.product_ids must be a list of at most "
                         f"{MAX_PRODUCT_IDS} product ids.")
        ids = tuple(dict.fromkeys(_int(i, "context.product_ids", 1, MAX_ID) for i in ids))
    return PageContext(page=page, url=_url(value.get("url"), "context.url"),
                       product_ids=ids or (),
                       referrer=_url(value.get("referrer"), "context.referrer"))


def _persona(value, personas: dict) -> Persona | None:
    if value is None:
        return None
    name = _text(value, "persona", MAX_PAGE)
    found = personas.get(name)
    if found is None:
        known = ", ".join(sorted(personas)) or "none are configured"
        raise refuse("persona", f"Unknown persona {name!r} (known: {known}).", UNKNOWN_PERSONA)
    return Persona(name, found.get("tone", ""), found.get("instructions", ""))


def _known(value: dict, where: str, names: tuple[str, ...]) -> None:
    """Unknown keys are refused, so a misspelt field is not silently ignored."""
    extra = sorted(set(value) - set(names))
    if extra:
        raise refuse(where.split(".")[0], f"{where} has unknown fields: {', '.join(extra)} "
                     f"(known: {', '.join(names)}).")


def _words(value, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_WORDS:
        raise refuse(name.split(".")[0], f"{name} must be a list of at most {MAX_WORDS} "
                     "strings.")
    clean = [_text(v, name, MAX_WORD).strip() for v in value]
    return tuple(dict.fromkeys(v for v in clean if v))


def _text(value, name: str, limit: int) -> str:
    if not isinstance(value, str):
        raise refuse(name.split(".")[0], f"{name} must be a string.")
    if len(value) > limit:
        raise refuse(name.split(".")[0], f"{name} must be at most {limit} characters.")
    if _CONTROL.search(value) or _SURROGATE.search(value):
        raise refuse(name.split(".")[0], f"{name} contains control characters.")
    return value


def _url(value, name: str) -> str | None:
    if value is None:
        return None
    text = _text(value, name, MAX_URL)
    if not re.match(r"https?://[^\s]+$", text):
        raise refuse(name.split(".")[0], f"{name} must be an http(s) URL.")
    return text


def _int(value, name: str, low: int, high: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,12}\s*", value):
        value = int(value)  # WordPress accepts digits as a string
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise refuse(name.split(".")[0], f"{name} must be an integer between {low} and "
                     f"{high}.")
    return value


def _price(value, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise refuse("preferences", f"{name} must be a number.") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value) or not 0 <= value <= MAX_PRICE:
        raise refuse("preferences", f"{name} must be a number from 0 to {MAX_PRICE}.")
    return float(value)
