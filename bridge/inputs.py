"""Reading request input: JSON bodies, chat messages, and typed fields, refusing with 400.

``parse_json`` is the one reader of JSON bodies (the storefront's and the webhooks');
``storable`` says whether a text can go into the database or to a model API at all.
"""
from __future__ import annotations

import json
import re
from urllib.parse import unquote_to_bytes

from flask import request

from .errors import INVALID_JSON, INVALID_MESSAGES, INVALID_PARAM, bad_request

# A conversation the client sends: longer ones are refused, and only the latest are used.
MAX_MESSAGES = 100
TURN_MESSAGES = 40
MAX_CONTENT = 4000  # characters in one message
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Half of a UTF-16 pair on its own ("\\ud800" in JSON): not text in any encoding, so neither
# the database drivers nor the model SDKs can encode it.
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")

# Nesting the bridge reads: its deepest body, a WhatsApp delivery, nests 11 levels; WordPress
# (PHP's json_decode) allows 512. Deeper is refused before any caller walks it (and past
# Python's recursion limit, where the parser itself gives up, the same way).
MAX_DEPTH = 64


class JsonError(ValueError):
    """A body that is not JSON the bridge reads; the message says why, without the body."""


def parse_json(raw: bytes, *, surrogates: bool = False):
    """The value of a UTF-8 JSON text nested at most MAX_DEPTH deep.

    Refused (``JsonError``): other encodings, NaN and Infinity (not JSON), deeper nesting,
    and, unless ``surrogates`` is true, a lone surrogate in any string or key (a webhook
    passes true and checks the fields it keeps, so one bad message doesn't sink a batch).
    """
    try:
        # Decoded here, strictly: json.loads(bytes) would let raw surrogate bytes through.
        text = raw.decode("utf-8")
        value = json.loads(text, parse_constant=_not_json)
    except RecursionError:
        raise JsonError(f"nested deeper than {MAX_DEPTH} levels") from None
    except (ValueError, UnicodeDecodeError):
        raise JsonError("not valid UTF-8 JSON") from None
    # After a strict decode a lone surrogate can only come from a \uD800-\uDFFF escape, and
    # depth needs brackets: most bodies have neither and skip the walk.
    strings = not surrogates and _ESCAPED_SURROGATE.search(text) is not None
    if strings or text.count("[") + text.count("{") > MAX_DEPTH:
        _check(value, strings)
    return value


def _check(value, strings: bool) -> None:
    """Walk a parsed value without recursing: its depth, and with ``strings`` its strings."""
    if isinstance(value, str):
        value = [value]
    stack = [(value, 1)] if isinstance(value, (dict, list)) else []
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise JsonError(f"nested deeper than {MAX_DEPTH} levels")
        found = list(item) if strings and isinstance(item, dict) else []
        for child in item.values() if isinstance(item, dict) else item:
            if isinstance(child, str):
                if strings:
                    found.append(child)
            elif isinstance(child, (dict, list)):
                stack.append((child, depth + 1))
        if found and _SURROGATE.search("".join(found)):
            raise JsonError("a string holds a lone UTF-16 surrogate")


def _not_json(name: str):
    raise ValueError(f"{name} is not JSON")


def storable(text: str) -> bool:
    """Whether a text can be saved (PostgreSQL refuses NUL) and sent to a model API."""
    return "\x00" not in text and not _SURROGATE.search(text)


def json_object() -> dict:
    """The body as a JSON object; 400 invalid_json for anything else (see ``parse_json``)."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise bad_request(INVALID_JSON, "The request body must be a JSON object.")
    try:
        body = parse_json(raw)
    except JsonError as exc:
        raise bad_request(INVALID_JSON, f"The request body is not valid JSON: {exc}.") from None
    if not isinstance(body, dict):
        raise bad_request(INVALID_JSON, "The request body must be a JSON object.")
    return body


def messages(body: dict) -> list[dict]:
    """The conversation to answer: role and string content only, the last from the user."""
    value = body.get("messages")
    if not isinstance(value, list) or not value:
        raise bad_request(INVALID_MESSAGES, "messages must be a non-empty list of "
                          "{role, content} objects.")
    if len(value) > MAX_MESSAGES:
        raise bad_request(INVALID_MESSAGES, f"messages may hold at most {MAX_MESSAGES} items.")
    clean = []
    for i, message in enumerate(value):
        if not isinstance(message, dict):
            raise bad_request(INVALID_MESSAGES, f"messages[{i}] must be an object.")
        role, content = message.get("role"), message.get("content")
        if role not in ("user", "assistant"):
            raise bad_request(INVALID_MESSAGES, f"messages[{i}].role must be user or assistant.")
        if not isinstance(content, str):
            raise bad_request(INVALID_MESSAGES, f"messages[{i}].content must be a string.")
        if len(content) > MAX_CONTENT:
            raise bad_request(INVALID_MESSAGES,
                              f"messages[{i}].content is longer than {MAX_CONTENT} characters.")
        if _CONTROL.search(content):
            raise bad_request(INVALID_MESSAGES,
                              f"messages[{i}].content contains control characters.")
        clean.append({"role": role, "content": content})
    if clean[-1]["role"] != "user" or not clean[-1]["content"].strip():
        raise bad_request(INVALID_MESSAGES, "The last message must be the user's, and not empty.")
    return clean[-TURN_MESSAGES:]


def optional_string(body: dict, name: str, max_length: int,
                    truncate: bool = False) -> str | None:
    """A string field that may be absent or null; 400 when it is another type or too long
    (or, with ``truncate``, cut to ``max_length``)."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_request(INVALID_PARAM, f"{name} must be a string.")
    if truncate:
        value = value[:max_length]
    if len(value) > max_length:
        raise bad_request(INVALID_PARAM, f"{name} must be at most {max_length} characters.")
    if _CONTROL.search(value):
        raise bad_request(INVALID_PARAM, f"{name} contains control characters.")
    return value


def optional_int(body: dict, name: str, low: int, high: int) -> int | None:
    """An integer field (or a string of digits, as WordPress accepts) within [low, high]."""
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,12}\s*", value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_request(INVALID_PARAM, f"{name} must be an integer.")
    if not low <= value <= high:
        raise bad_request(INVALID_PARAM, f"{name} must be between {low} and {high}.")
    return value


# -- query parameters: out of range is clamped, not a number is 400 (CONTRACT.md) --
# ``source`` reads another mapping the same way, e.g. ``request.values`` for form fields.

def _query(source):
    """The mapping to read, once the query string is known to be UTF-8: Werkzeug keeps
    bytes that aren't as "%FF" text, which would be searched for as if the shopper typed it."""
    try:
        unquote_to_bytes(request.query_string.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        raise bad_request(INVALID_PARAM, "The query string is not valid UTF-8.") from None
    return request.args if source is None else source


def query_int(name: str, default: int, low: int, high: int, source=None) -> int:
    raw = _query(source).get(name)
    if raw is None or raw.strip() == "":
        return default
    digits = raw.strip()
    if not re.fullmatch(r"[+-]?[0-9]+", digits):
        raise bad_request(INVALID_PARAM, f"{name} must be a whole number.")
    if len(digits.lstrip("+-").lstrip("0")) > 18:  # past any bound, and past int()'s own limit
        return low if digits.startswith("-") else high
    return max(low, min(high, int(digits)))


def query_float(name: str, source=None) -> float | None:
    raw = _query(source).get(name)
    if raw is None or raw.strip() == "":
        return None
    try:
        value = float(raw.strip())
    except ValueError:
        raise bad_request(INVALID_PARAM, f"{name} must be a number.") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise bad_request(INVALID_PARAM, f"{name} must be a finite number.")
    return max(0.0, value)


def query_bool(name: str) -> bool | None:
    raw = _query(None).get(name)
    if raw is None or raw.strip() == "":
        return None
    if raw.strip().lower() in ("1", "true", "yes"):
        return True
    if raw.strip().lower() in ("0", "false", "no"):
        return False
    raise bad_request(INVALID_PARAM, f"{name} must be true or false.")


def query_text(name: str, max_length: int = 200, source=None) -> str | None:
    raw = _query(source).get(name)
    if raw is None:
        return None
    if len(raw) > max_length:
        raise bad_request(INVALID_PARAM, f"{name} must be at most {max_length} characters.")
    if _CONTROL.search(raw):
        raise bad_request(INVALID_PARAM, f"{name} contains control characters.")
    return raw.strip()
