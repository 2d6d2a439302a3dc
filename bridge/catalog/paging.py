"""Page tokens: an opaque, signed continuation of one search.

A token holds the search (query, filters, sort, page size, the dislikes it avoids) and the ids
of every product its pages have shown. The next page runs the search again on the catalogue
as it is then and leaves out the ids shown, so paging never repeats a product and, paged to
the end, shows every product that matches throughout exactly once: one added in between
turns up on a later page, one removed (or no longer matching) is simply not there. Offsets
can't promise that: a product added above a page boundary pushes the last one seen onto the
next page again, one removed skips the first one not yet seen.

The token is base64url of the JSON (zlib-compressed when long) and a 16-byte HMAC-SHA256 tag with the bridge secret,
checked in constant time; the ids are sorted and delta-coded so 250 of them fit in about a
kilobyte. Clients must treat it as opaque (its shape may change); they can't alter it. It
holds nothing secret: the shopper's own words and the ids they were shown.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import zlib
from dataclasses import dataclass, field

VERSION = 1
TAG = 16
# Products a chain of pages shows at most; past it the shopper refines instead.
MAX_SHOWN = 250
COMPRESS_OVER = 200  # bytes of JSON


class PageTokenError(ValueError):
    """Not a token this bridge issued (altered, cut short or from another secret)."""


@dataclass(frozen=True)
class SearchState:
    query: str = ""
    category: str | None = None
    min_price: float | None = None
    max_price: float | None = None
    on_sale: bool | None = None
    in_stock: bool | None = None
    sort: str | None = None
    limit: int = 10
    dislikes: tuple[str, ...] = ()
    # Refinements a facet chose, checked on each card: options ((name, value): size M), a
    # category by name and a price band (low, high or None).
    options: tuple[tuple[str, str], ...] = ()
    in_category: str | None = None
    band: tuple | None = None
    shown: tuple[int, ...] = field(default=(), compare=False)


_KEYS = {"q": "query", "c": "category", "lo": "min_price", "hi": "max_price", "s": "on_sale",
         "i": "in_stock", "o": "sort", "n": "limit", "d": "dislikes", "a": "options",
         "k": "in_category", "b": "band"}


def make_token(secret: str, state: SearchState) -> str:
    return _seal(secret, _data(state))


def _data(state: SearchState) -> dict:
    data = {"v": VERSION}
    for short, name in _KEYS.items():
        value = getattr(state, name)
        if value not in (None, (), ""):
            data[short] = [list(p) for p in value] if name == "options" else value
    ids = sorted(set(state.shown))
    data["x"] = [b - a for a, b in zip([0, *ids], ids)]
    return data


def _seal(secret: str, data: dict) -> str:
    text = json.dumps(data, separators=(",", ":")).encode()
    # Only a long list of ids is worth compressing: zlib's set-up costs more than a short
    # token saves, and a search mints one token per facet value.
    body = b"z" + zlib.compress(text, 6) if len(text) > COMPRESS_OVER else b"j" + text
    return _b64(body + _tag(secret, body))


def read_token(secret: str, token: str) -> SearchState:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (ValueError, TypeError):
        raise PageTokenError("not a page token") from None
    body, tag = raw[:-TAG], raw[-TAG:]
    if len(raw) <= TAG or not hmac.compare_digest(tag, _tag(secret, body)):
        raise PageTokenError("its signature does not match")
    try:
        text = zlib.decompress(body[1:], bufsize=4096) if body[:1] == b"z" else body[1:]
        if body[:1] not in (b"z", b"j"):
            raise ValueError
        data = json.loads(text)
        if data.get("v") != VERSION:
            raise ValueError
        values = {name: data[short] for short, name in _KEYS.items() if short in data}
        values["dislikes"] = tuple(values.get("dislikes", ()))
        values["options"] = tuple((str(n), str(v)) for n, v in values.get("options", ()))
        if values.get("band") is not None:
            low, high = values["band"]
            values["band"] = (low, high)
        shown, total = [], 0
        for step in data.get("x", []):
            total += int(step)
            shown.append(total)
        return SearchState(shown=tuple(shown), **values)
    except (ValueError, TypeError, KeyError, zlib.error):
        # Signed by this bridge yet unreadable: an older version's token.
        raise PageTokenError("it is from another version") from None


def _tag(secret: str, body: bytes) -> bytes:
    return hmac.new(("page-token:" + secret).encode(), body, hashlib.sha256).digest()[:TAG]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
