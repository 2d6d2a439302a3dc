"""The cart property: what changed between the cart before the turn and after it."""
from __future__ import annotations

from typing import Any

from .selectors import CaseError, option_match
from .view import TurnView, names_of


def _lines(cart: dict) -> dict[str, dict]:
    return {item["key"]: item for item in (cart or {}).get("items", [])}


def _line_fits(view: TurnView, item: dict, want: dict) -> bool:
    if item.get("product_id") not in view.select(want["product"]):
        return False
    choices = want.get("options_any") or [want.get("options") or {}]
    return any(option_match(item.get("attributes") or {}, options) for options in choices)


def check_cart(view: TurnView, spec: Any) -> list[str]:
    before, after = _lines(view.cart_before), _lines(view.cart_after)
    changed = {k for k in before.keys() | after.keys()
               if (before.get(k) or {}).get("quantity") != (after.get(k) or {}).get("quantity")}
    if spec == "unchanged":
        return [f"the cart changed ({_describe(before, after, changed)})"] if changed else []
    if not isinstance(spec, dict) or len(spec) != 1:
        raise CaseError(f"cart takes unchanged, add, set, remove or empty: {spec!r}")
    (action, wants), = spec.items()
    if action == "empty":
        return [f"the cart still holds {len(after)} lines"] if after else []
    wants = wants if isinstance(wants, list) else [wants]
    failures, explained = [], set()
    for want in wants:
        want = want if isinstance(want, dict) and "product" in want else {"product": want}
        fits = [k for k in changed - explained if _line_fits(
            view, after.get(k) or before.get(k), want)]
        if not fits:
            failures.append(f"no {action} of {names_of(view, view.select(want['product']))}"
                            f"{' ' + str(want.get('options')) if want.get('options') else ''}"
                            f" ({_describe(before, after, changed)})")
            continue
        key = fits[0]
        explained.add(key)
        old = (before.get(key) or {}).get("quantity", 0)
        new = (after.get(key) or {}).get("quantity", 0)
        if action == "add" and new - old != want.get("quantity", 1):
            failures.append(f"added {new - old} of {after[key]['name']!r}, "
                            f"expected {want.get('quantity', 1)}")
        elif action == "set" and new != want["quantity"]:
            failures.append(f"{after.get(key, before.get(key))['name']!r} is at {new}, "
                            f"expected {want['quantity']}")
        elif action == "remove" and new != 0:
            failures.append(f"{after[key]['name']!r} is still in the cart")
    if changed - explained and not failures:
        failures.append(f"other lines changed too ({_describe(before, after, changed)})")
    return failures


def _describe(before: dict, after: dict, changed: set[str]) -> str:
    if not changed:
        return "nothing changed"
    parts = []
    for key in sorted(changed):
        item = after.get(key) or before.get(key)
        label = item["name"] + (f" {item['attributes']}" if item.get("attributes") else "")
        parts.append(f"{label}: {(before.get(key) or {}).get('quantity', 0)} -> "
                     f"{(after.get(key) or {}).get('quantity', 0)}")
    return "; ".join(parts)
