"""What the PHP and WordPress functions WooCommerce relies on do, written in Python.

Only the behaviour visible on the wire: encodings, dates, slugs, paragraphs, escaping.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from urllib.parse import quote, quote_plus

# rest_parse_date(): WordPress accepts only full date-times, with an optional fraction and offset.
_REST_DATE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?$")
_BLOCK_TAG = re.compile(r"^\s*<(p|div|ul|ol|li|h[1-6]|table|blockquote|pre|figure|hr)\b", re.I)


def json_encode(value) -> str:
    """wp_json_encode(): compact, ASCII only, and "/" written as "\\/"."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/")


def rawurlencode(text: str) -> str:
    """RFC 3986: only A-Z a-z 0-9 - _ . ~ stay as they are."""
    return quote(text, safe="")


def urlencode(text: str) -> str:
    """PHP's urlencode(): like rawurlencode, but a space is "+" and "~" is encoded."""
    return quote_plus(text, safe="").replace("~", "%7E")


def sanitize_title(text: str) -> str:
    """sanitize_title_with_dashes() for ASCII text: lowercase words joined by single dashes."""
    text = re.sub(r"<[^>]*>", "", text).lower()
    text = re.sub(r"[^a-z0-9_\s-]", "", text)
    return re.sub(r"[\s-]+", "-", text).strip("-")


def wpautop(text: str) -> str:
    """The "the_content" view of a raw text: paragraphs wrapped in <p>, a trailing newline."""
    if not text.strip():
        return ""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    html = [b if _BLOCK_TAG.match(b) else "<p>" + b.replace("\n", "<br />\n") + "</p>"
            for b in blocks]
    return "\n".join(html) + "\n"


def unautop(view: str) -> str:
    """The raw text behind a recorded view value (what context=edit shows)."""
    return view[:-1] if view.endswith("\n") else view


def esc_url(url: str) -> str:
    """esc_url() for display: "&" becomes "&#038;"."""
    return url.replace("&", "&#038;")


def site_date(ts: float | None) -> str | None:
    """A WooCommerce date: ISO 8601 without offset, in site time (UTC here)."""
    if ts is None:
        return None
    return datetime.fromtimestamp(int(ts), timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def parse_site_date(text: str | None) -> float | None:
    """The timestamp of a recorded date (site time is UTC, so no offset is needed)."""
    if not text:
        return None
    return datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S").replace(
        tzinfo=timezone.utc).timestamp()


def rest_parse_date(text: str) -> float | None:
    """rest_parse_date(): a timestamp, or None when WordPress answers "Invalid date."."""
    match = _REST_DATE.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second, offset = match.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                          tzinfo=timezone.utc)
    except ValueError:
        return None
    seconds = 0
    if offset and offset != "Z":
        digits = offset[1:].replace(":", "")
        seconds = int(digits[:2]) * 3600 + int(digits[2:4] or 0) * 60
        seconds = -seconds if offset[0] == "+" else seconds
    return moment.timestamp() + seconds


def natural_list(items: list[str], conjunction: str = "and") -> str:
    """WordPress' list in messages: "a, b, and c" (with the serial comma), "a and b", "a"."""
    if len(items) < 2:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} {conjunction} {items[1]}"
    return ", ".join(items[:-1]) + f", {conjunction} " + items[-1]
