"""The recorded WooCommerce 10.0.2 exchanges, read once: the team's shared recordings in
../shared/woocommerce/recorded beside the repository (see ../shared/woocommerce/README.md).

Bodies come back with the recording store's scheme and host replaced by ``ORIGIN``, a sentinel
the server swaps for its own origin when it writes a response.
"""
from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path


def _recorded_dir() -> Path:
    """shared/woocommerce/recorded beside the checkout, however deep the checkout sits (a
    worktree under ../wt/<name> as much as ../main)."""
    here = Path(__file__).resolve()
    for parent in here.parents[4:]:
        if (parent / "shared" / "woocommerce" / "recorded").is_dir():
            return parent / "shared" / "woocommerce" / "recorded"
    return here.parents[4] / "shared" / "woocommerce" / "recorded"


RECORDED_DIR = _recorded_dir()
RECORDED_SITE = "http://127.0.0.1:8091"  # the recording store's site URL
ORIGIN = "@@origin@@"


@lru_cache(maxsize=None)
def exchange(relpath: str) -> dict:
    """One recorded exchange as stored: description, request, response."""
    return json.loads((RECORDED_DIR / relpath).read_text())


@lru_cache(maxsize=None)
def _neutral_body_text(relpath: str) -> str:
    text = json.dumps(exchange(relpath)["response"]["body"])
    return text.replace("https://127.0.0.1:8091", ORIGIN).replace(RECORDED_SITE, ORIGIN)


def body(relpath: str):
    """A fresh copy of a recorded response body, origin-neutral."""
    return json.loads(_neutral_body_text(relpath))


def all_exchanges() -> list[str]:
    """Every recorded file, relative to RECORDED_DIR, sorted by path."""
    return sorted(str(p.relative_to(RECORDED_DIR)) for p in RECORDED_DIR.rglob("*.json"))


def fresh(value):
    """A deep copy, so seeded state never aliases the cached recordings."""
    return copy.deepcopy(value)
