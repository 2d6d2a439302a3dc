"""Drive the real app through the cases and score every turn.

``run(suite, backend)`` builds one app per store the cases name (Flask's test client, the
demo store, SQLite in a temporary folder), plays each case as a shopper (its own cookie,
so its own cart), reads the cart through ``POST /cart`` before and after every turn, and
checks each turn's properties. Backends decide who answers:

- ``Offline()``: the offline provider alone, the default with no key;
- ``ScriptedClaude(script)``: Claude first, over the real SDK against the loopback
  Anthropic API, the model's side played by ``script`` (the hook for the Claude channel);
- ``PlainSearch()``: the baseline, each turn answered by a plain catalogue search of the
  shopper's last message (``GET /agent/search``), no history and no cart.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from typing import Callable, Protocol

from bridge.routes import NAMESPACE
from bridge.settings import Settings

from .cases import Case, Suite, fill, setup_line
from .checks import TurnView, check_turn
from .figures import Facts
from .language import StoreText
from .selectors import CaseError, Shop

SECRET = "conversation-eval-secret"
UNLIMITED = 10**9


class Backend(Protocol):
    name: str

    def settings(self, base: Settings) -> Settings: ...

    def before_turn(self, case: Case, index: int, body: dict) -> None: ...

    def answer(self, shopper, body: dict, headers: dict) -> tuple[int, dict]: ...

    def close(self) -> None: ...


class Offline:
    """The offline assistant: no model configured."""

    name = "offline"

    def settings(self, base: Settings) -> Settings:
        return base.replace(providers=("offline",))

    def before_turn(self, case: Case, index: int, body: dict) -> None:
        pass

    def answer(self, shopper, body: dict, headers: dict) -> tuple[int, dict]:
        response = shopper.post("/message", body, headers=headers)
        return response.status_code, response.get_json(silent=True) or {}

    def close(self) -> None:
        pass


# The model's side of a turn: given the case, the turn's number (0-based) and the body the
# shopper sent, the replies the loopback Anthropic API hands out for this turn, in order
# (tests/fakes/anthropic_api.py: Message, ToolUse, Text, or a function of the request).
Script = Callable[[Case, int, dict], list]


class ScriptedClaude(Offline):
    """Claude first in the chain, over the real SDK, its replies written by ``script``."""

    name = "claude"

    def __init__(self, script: Script):
        from fakes.anthropic_api import FakeAnthropic

        self.script = script
        self.api = FakeAnthropic().start()

    def settings(self, base: Settings) -> Settings:
        return base.replace(providers=("anthropic", "offline"), anthropic_api_key="sk-eval",
                            anthropic_base_url=self.api.url, model_timeout=5.0,
                            model_max_retries=0)

    def before_turn(self, case: Case, index: int, body: dict) -> None:
        self.api.script.clear()
        self.api.reply(*self.script(case, index, body))

    def close(self) -> None:
        self.api.stop()


class PlainSearch(Offline):
    """The baseline: a plain search of the last message, what a keyword box amounts to."""

    name = "plain search"

    def answer(self, shopper, body: dict, headers: dict) -> tuple[int, dict]:
        question = body["messages"][-1]["content"][:200]
        response = shopper.client.get(NAMESPACE + "/agent/search",
                                      query_string={"q": question, "limit": 5})
        found = response.get_json(silent=True) or {}
        products = found.get("products") or []
        if response.status_code != 200:
            return response.status_code, {}
        lines = [f'Results for "{question}":'] if products else \
            [f'No results for "{question}".']
        lines += [f"{n}. {p['name']}: ${p['price']}" for n, p in enumerate(products, 1)]
        return 200, {"message": "\n".join(lines), "cards": products, "comparison": []}


@dataclass
class TurnResult:
    say: str
    failures: list[str]
    answer: str
    cards: list[str]


@dataclass
class CaseResult:
    case: Case
    turns: list[TurnResult] = field(default_factory=list)
    error: str | None = None  # the runner (or the case) broke: not a score

    @property
    def passed(self) -> bool:
        return self.error is None and all(not t.failures for t in self.turns)


def base_settings(data_dir: str, store: dict) -> Settings:
    return Settings(data_dir=data_dir, bridge_secret=SECRET, public_url="http://shop.test",
                    rate_limit=UNLIMITED, agent_rate_limit=UNLIMITED,
                    store_policies=store.get("store_policies", ""),
                    support_contact=store.get("support_contact", ""))


def run(suite: Suite, backend: Backend) -> list[CaseResult]:
    """Every case of ``suite`` played against ``backend``, in the suite's order."""
    from conftest import Shopper, make_app

    results: dict[str, CaseResult] = {}
    for name, store in suite.stores.items():
        cases = [c for c in suite.cases if c.store == name]
        if not cases:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            app = make_app(backend.settings(base_settings(tmp, store)))
            try:
                shop = Shop.of(app.extensions["fahad"].store)
                store_text = StoreText(shop.texts() + [store.get("store_policies", ""),
                                                       store.get("support_contact", "")])
                for case in cases:
                    shopper = Shopper(app.test_client(), secret=SECRET)
                    results[case.id] = play(case, store, shopper, shop, store_text, backend)
            finally:
                app.extensions["fahad"].engine.dispose()
    return [results[c.id] for c in suite.cases]


def play(case: Case, store: dict, shopper, shop: Shop, store_text: StoreText,
         backend: Backend) -> CaseResult:
    result = CaseResult(case)
    try:
        _play(case, store, shopper, shop, store_text, backend, result)
    except CaseError as exc:
        result.error = f"case error: {exc}"
    except Exception as exc:  # the runner broke: reported, never scored as a fail
        result.error = f"{type(exc).__name__}: {exc}"
    return result


def _play(case, store, shopper, shop, store_text, backend, result) -> None:
    for line in case.setup.get("cart", ()):
        product_id, variation_id, quantity = setup_line(shop, line)
        added = shopper.cart("add", product_id=product_id, variation_id=variation_id,
                             quantity=quantity)
        if added.status_code != 200:
            raise CaseError(f"setup: adding {line} answered {added.status_code}")
    facts = Facts()
    facts.add_text(store.get("store_policies", ""))
    history = [{"role": m["role"], "content": fill(m["content"], shop)} for m in case.prior]
    for message in history:
        facts.add_text(message["content"])
    shown: list[list[dict]] = []
    ref = None
    for index, turn in enumerate(case.turns):
        user = {"role": "user", "content": turn.say}
        facts.add_text(turn.say)
        if turn.mode == "fresh":
            body = {"messages": [user]}
        else:
            body = {"messages": history + [user]}
            if turn.mode == "ref" and ref:
                body["conversation_ref"] = ref
        before = _cart(shopper)
        backend.before_turn(case, index, body)
        status, payload = backend.answer(shopper, body, dict(turn.headers))
        after = _cart(shopper)
        cards = [c for c in payload.get("cards") or [] if isinstance(c, dict)]
        for card in [c for earlier in shown for c in earlier] + cards:
            facts.add_card(card)
            product = shop.products.get(card.get("id"))
            if product is not None:
                facts.add_text(f"{product.short_description} {product.description}",
                               "stock", "duration")
        facts.add_cart(before)
        facts.add_cart(after)
        view = TurnView(user=turn.say, status=status, payload=payload, cart_before=before,
                        cart_after=after, shown=shown, shop=shop, facts=facts,
                        store_text=store_text, lang=turn.lang or case.lang,
                        support_contact=store.get("support_contact", ""))
        failures = check_turn(view, turn.expect)
        result.turns.append(TurnResult(turn.say, failures, view.answer,
                                       [c.get("name", "?") for c in cards]))
        shown.append(cards)
        history += [user, {"role": "assistant", "content": view.answer}]
        ref = payload.get("conversation_ref") or ref


def _cart(shopper) -> dict:
    response = shopper.cart("view")
    if response.status_code != 200:
        raise RuntimeError(f"POST /cart view answered {response.status_code}")
    return response.get_json()
