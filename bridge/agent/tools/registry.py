"""Tools: the one registry of what the agent can do, and the values a tool returns.

A ``Tool`` carries its JSON schema, whether it mutates the store, and whether it needs a
signed-in shopper. Handlers take the turn's ``ToolContext`` (who, which cart, which store)
and the model's arguments, and return a ``ToolResult``: ``content`` for the model, cards,
rows and the cart for display. Failures are results the model reads, not exceptions.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from ...catalog.index import CatalogIndex
from ...errors import from_store
from ...store.base import Store, StoreError
from ..policies import StorePolicies


@dataclass
class ToolContext:
    """Who the turn is for, bound when the turn starts; never taken from tool arguments."""

    store: Store
    index: CatalogIndex
    cart_ref: str | None = None
    shopper_id: int = 0  # WordPress user id; 0 for a guest
    # What "the first two" and "it" point at: the last list of products shown (a search or a
    # comparison) and the one product last looked at; the tools keep both current.
    shown: list[int] = field(default_factory=list)
    focus: int | None = None
    seen: list[int] = field(default_factory=list)  # every product shown in the conversation
    cart_touched: bool = False
    # False in test mode against a live store (an sk_test_ key on WooCommerce): every
    # mutating tool is refused, so a test never changes a real cart.
    cart_writes: bool = True
    handoff: dict | None = None  # {"ref", "reason"} once the turn asked for a person
    policies: StorePolicies = StorePolicies()  # the merchant's words (settings)
    # The shopper's preferences for this turn (bridge.asks.Preferences), applied by search.
    preferences: Any = None
    secret: str = ""  # signs page tokens; none are issued without it
    next_page: str | None = None  # the latest search's next page token (kept in memory)


@dataclass(frozen=True)
class ToolResult:
    content: dict  # trimmed, for the model (and the offline planner)
    cards: tuple[dict, ...] = ()
    rows: tuple[dict, ...] = ()
    cart: dict | None = None
    ok: bool = True
    # The store's failure behind an error result, for callers that answer over HTTP.
    failure: StoreError | None = field(default=None, compare=False, repr=False)
    # A search's total, facets (with a refinement token per value) and next page token.
    search: dict | None = None

    @classmethod
    def error(cls, message: str, **extra) -> "ToolResult":
        return cls(content={"error": message, **extra}, ok=False)

    @classmethod
    def refused(cls, exc: StoreError) -> "ToolResult":
        """The store's failure as the model reads it, worded as the routes answer it: a store
        that could not answer is never told as a missing product."""
        answer = from_store(exc)
        return cls(content={"error": answer.message, "code": answer.code, **answer.data},
                   ok=False, failure=exc)


Handler = Callable[[ToolContext, dict], ToolResult]


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    schema: dict
    handler: Handler
    mutates: bool = False
    needs_shopper: bool = False


class ArgumentError(ValueError):
    pass


def check_arguments(schema: dict, args: Any) -> dict:
    """Validate the model's arguments against the tool's (flat) JSON schema; clamp ranges."""
    if not isinstance(args, dict):
        raise ArgumentError("arguments must be an object")
    properties = schema.get("properties", {})
    missing = [name for name in schema.get("required", ()) if args.get(name) is None]
    if missing:
        raise ArgumentError(f"missing {', '.join(missing)}")
    clean = {}
    for name, value in args.items():
        spec = properties.get(name)
        if spec is None or value is None:
            continue  # unknown arguments are dropped, not trusted
        clean[name] = _check(name, spec, value)
    # Defaults filled in, so the same call always has the same arguments: a provider taking
    # over can't repeat {"product_id": 7} as {"product_id": 7, "quantity": 1}.
    for name, spec in properties.items():
        if name not in clean and "default" in spec:
            clean[name] = spec["default"]
    return clean


def _check(name: str, spec: dict, value: Any) -> Any:
    kind = spec.get("type")
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ArgumentError(f"{name} must be an integer")
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ArgumentError(f"{name} must be an integer") from None
        return _clamp(number, spec)
    if kind == "number":
        if isinstance(value, bool):
            raise ArgumentError(f"{name} must be a number")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ArgumentError(f"{name} must be a number") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ArgumentError(f"{name} must be a finite number")
        return _clamp(number, spec)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise ArgumentError(f"{name} must be true or false")
        return value
    if kind == "string":
        if not isinstance(value, str):
            raise ArgumentError(f"{name} must be a string")
        return value[: spec.get("maxLength", 200)]
    if kind == "array":
        if not isinstance(value, list):
            raise ArgumentError(f"{name} must be a list")
        if len(value) > spec.get("maxItems", 20):
            raise ArgumentError(f"{name} has too many items")
        return [_check(name, spec["items"], item) for item in value]
    return value


def _clamp(number, spec: dict):
    if "minimum" in spec:
        number = max(number, spec["minimum"])
    if "maximum" in spec:
        number = min(number, spec["maximum"])
    return number


class Registry:
    """Tools by name, in declaration order."""

    def __init__(self, tools: Sequence[Tool]):
        self.tools = {tool.name: tool for tool in tools}

    def __getitem__(self, name: str) -> Tool:
        return self.tools[name]

    def __contains__(self, name: str) -> bool:
        return name in self.tools

    def __iter__(self):
        return iter(self.tools.values())

    def only(self, *, mutating: bool) -> "Registry":
        return Registry([t for t in self if t.mutates == mutating])
