"""Reading request input: JSON bodies, chat messages, and typed fields, refusing with 400."""
from __future__ import annotations

import json
import re

from flask import request

from .errors import INVALID_JSON, INVALID_MESSAGES, INVALID_PARAM, bad_request

# A conversation the client sends: longer ones are refused, and only the latest are used.
MAX_MESSAGES = 100
TURN_MESSAGES = 40
MAX_CONTENT = 4000  # characters in one message
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def json_object() -> dict:
    """The body as a JSON object; 400 invalid_json for anything else."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise bad_request(INVALID_JSON, "The request body must be a JSON object.")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise bad_request(INVALID_JSON, "The request body is not valid JSON.") from None
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

def query_int(name: str, default: int, low: int, high: int, source=None) -> int:
    raw = (request.args if source is None else source).get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise bad_request(INVALID_PARAM, f"{name} must be a whole number.") from None
    return max(low, min(high, value))


def query_float(name: str, source=None) -> float | None:
    raw = (request.args if source is None else source).get(name)
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
    raw = request.args.get(name)
    if raw is None or raw.strip() == "":
        return None
    if raw.strip().lower() in ("1", "true", "yes"):
        return True
    if raw.strip().lower() in ("0", "false", "no"):
        return False
    raise bad_request(INVALID_PARAM, f"{name} must be true or false.")


def query_text(name: str, max_length: int = 200, source=None) -> str | None:
    raw = (request.args if source is None else source).get(name)
    if raw is None:
        return None
    if len(raw) > max_length:
        raise bad_request(INVALID_PARAM, f"{name} must be at most {max_length} characters.")
    if _CONTROL.search(raw):
        raise bad_request(INVALID_PARAM, f"{name} contains control characters.")
    return raw.strip()
