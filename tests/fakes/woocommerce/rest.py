"""The WordPress REST plumbing every route shares: errors, argument validation, pagination
headers, ``_fields``, and the JSON bytes PHP would write.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from .php import json_encode, natural_list, rest_parse_date, urlencode
from .recordings import ORIGIN

API_ROOT_LINK = f'<{ORIGIN}/wp-json/>; rel="https://api.w.org/"'
WP_HEADERS = (
    ("X-Robots-Tag", "noindex"),
    ("X-Content-Type-Options", "nosniff"),
    ("Access-Control-Expose-Headers", "X-WP-Total, X-WP-TotalPages, Link"),
    ("Access-Control-Allow-Headers",
     "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type"),
)
# WordPress sends these to logged-in users (nocache_headers); anonymous answers get Vary: Origin.
NO_CACHE = (("Expires", "Wed, 11 Jan 1984 05:00:00 GMT"),
            ("Cache-Control", "no-cache, must-revalidate, max-age=0, no-store, private"))
_INTEGER = re.compile(r"^-?\d+$")


class RestError(Exception):
    """A WP_Error: ``{"code", "message", "data": {"status", ...}}`` with that HTTP status."""
    allow = True  # whether the answer keeps its route's Allow header

    def __init__(self, status: int, code: str, message: str, **data: Any):
        super().__init__(message)
        self.status, self.code, self.message, self.data = status, code, message, data

    def body(self) -> dict:
        return {"code": self.code, "message": self.message,
                "data": {"status": self.status, **self.data}}


@dataclass
class Reply:
    """A route's answer. ``then`` runs after the store lock is released, before the answer
    leaves (the webhook ping WooCommerce sends while creating a webhook)."""
    status: int
    body: Any
    headers: list[tuple[str, str]] = field(default_factory=list)
    then: Callable[[], None] | None = None


@dataclass(frozen=True)
class Arg:
    """One query argument as register_rest_route declares it."""
    type: str = "string"  # string, integer, boolean, date, enum, or array of integer / enum
    enum: tuple[str, ...] = ()
    listed: tuple[str, ...] = ()  # the enum as WordPress prints it, when it repeats values
    minimum: int | None = None
    maximum: int | None = None
    default: Any = None


def _problem(name: str, arg: Arg, raw: str):
    """(code, message, data) when ``raw`` does not fit ``arg``, else None."""
    if arg.type == "integer" or arg.type == "integer[]":
        if not _INTEGER.match(raw.strip()):
            return "rest_invalid_type", f"{name} is not of type integer.", {"param": name}
        value = int(raw)
        if arg.minimum is not None and arg.maximum is not None and not (
                arg.minimum <= value <= arg.maximum):
            return ("rest_out_of_bounds", f"{name} must be between {arg.minimum} (inclusive) "
                    f"and {arg.maximum} (inclusive)", None)
        if arg.minimum is not None and value < arg.minimum:
            return "rest_out_of_bounds", f"{name} must be greater than or equal to " \
                                         f"{arg.minimum}", None
    elif arg.type == "boolean":
        if raw.lower() not in ("true", "false", "1", "0"):
            return "rest_invalid_type", f"{name} is not of type boolean.", {"param": name}
    elif arg.type == "date":
        if rest_parse_date(raw) is None:
            return "rest_invalid_date", "Invalid date.", None
    elif arg.type in ("enum", "enum[]") and raw not in arg.enum:
        return ("rest_not_in_enum",
                f"{name} is not one of {natural_list(list(arg.listed or arg.enum))}.", None)
    return None


def _convert(arg: Arg, raw: str):
    if arg.type.startswith("integer"):
        return int(raw)
    if arg.type == "boolean":
        return raw.lower() in ("true", "1")
    if arg.type == "date":
        return rest_parse_date(raw)
    return raw


def parse_args(query, schema: dict[str, Arg]) -> dict:
    """Validate and convert ``query`` (a MultiDict) against ``schema``, collecting every bad
    argument into one 400 rest_invalid_param, as WordPress does."""
    values, problems = {}, {}
    for name, arg in schema.items():
        if arg.type.endswith("[]"):
            raws = [v for key in (name, name + "[]") for raw in query.getlist(key)
                    for v in raw.split(",") if v != ""]
            raws += [query[k] for k in query if k.startswith(name + "[") and k != name + "[]"]
            if not raws:
                values[name] = arg.default
                continue
            for index, raw in enumerate(raws):
                problem = _problem(f"{name}[{index}]", arg, raw.strip())
                if problem:
                    problems[name] = problem
                    break
            else:
                values[name] = [_convert(arg, raw.strip()) for raw in raws]
            continue
        raw = query.get(name)
        if raw is None:
            values[name] = arg.default
            continue
        problem = _problem(name, arg, raw)
        if problem:
            problems[name] = problem
        else:
            values[name] = _convert(arg, raw)
    if problems:
        raise RestError(400, "rest_invalid_param",
                        f"Invalid parameter(s): {', '.join(problems)}",
                        params={n: p[1] for n, p in problems.items()},
                        details={n: {"code": p[0], "message": p[1], "data": p[2]}
                                 for n, p in problems.items()})
    return values


def link_query(pairs: list[tuple[str, str]]) -> str:
    """A query string the way WordPress rebuilds one for Link headers (PHP urlencode).

    WooCommerce's OAuth handling leaves oauth_signature with "+" read as a space and its "="
    padding gone, so the recorded next-page links repeat it that way."""
    parts = []
    for key, value in pairs:
        if key == "oauth_signature":
            value = value.replace("+", " ").rstrip("=")
        parts.append(f"{key.replace('[', '%5B').replace(']', '%5D')}={urlencode(value)}")
    return "&".join(parts)


def with_page(pairs: list[tuple[str, str]], page: int) -> list[tuple[str, str]]:
    """add_query_arg('page', n): replace the page in place, or append it."""
    if any(k == "page" for k, _ in pairs):
        return [(k, str(page) if k == "page" else v) for k, v in pairs]
    return pairs + [("page", str(page))]


def page_links(url: str, pairs: list[tuple[str, str]], page: int, pages: int) -> str | None:
    """The Link header of a collection: prev (capped at the last page) and next."""
    links = []
    if page > 1:
        links.append(f'<{url}?{link_query(with_page(pairs, min(page - 1, pages)))}>; rel="prev"')
    if pages > page:
        links.append(f'<{url}?{link_query(with_page(pairs, page + 1))}>; rel="next"')
    return ", ".join(links) or None


def paginate(items: list, page: int, per_page: int) -> tuple[list, int, int]:
    """(the page's items, X-WP-Total, X-WP-TotalPages); past the end is an empty page."""
    total = len(items)
    pages = math.ceil(total / per_page) if total else 0
    start = (page - 1) * per_page
    return items[start:start + per_page], total, pages


def only_fields(item: dict, fields: list[str], *, keep_links: bool) -> dict:
    """``_fields``: keep the named keys (dotted paths reach into objects). A single item keeps
    its _links because WordPress adds them after filtering; collection items lose them."""
    out: dict = {}
    for path in fields:
        source, target, keys = item, out, path.split(".")
        for depth, key in enumerate(keys):
            if not isinstance(source, dict) or key not in source:
                break
            if depth == len(keys) - 1:
                target[key] = source[key]
            else:
                target = target.setdefault(key, {})
                source = source[key]
    if keep_links and "_links" in item:
        out["_links"] = item["_links"]
    return {k: out[k] for k in item if k in out}


def encode(body: Any, origin: str) -> bytes:
    """The response bytes: PHP's JSON, with the sentinel origin made real."""
    return json_encode(body).replace(ORIGIN, origin.replace("/", "\\/")).encode()
