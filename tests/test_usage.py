"""Model use is booked in one place (bridge.usage): the analytics row of model calls, the
monthly budget, and the SDK clients every model call goes through."""
import ast
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from bridge.agent.providers import clients
from bridge.db import utc_now
from bridge.models import AnalyticsEvent
from bridge.usage import Usage, budget_spent, model_event, month_start, record

ROOT = Path(__file__).resolve().parents[1]
PRICES = {"claude-a": {"input": 3.0, "output": 15.0, "cache_read": 0.3, "cache_write": 3.75},
          "gpt-b": {"input": 1.0, "output": 2.0}}


def test_a_model_event_sums_every_call_prices_them_and_names_each_model_once():
    calls = [Usage("anthropic", "claude-a", 100, 10, 1000, 40),
             Usage("anthropic", "claude-a", 200, 20),
             Usage("openai", "gpt-b", 300, 30)]
    event = model_event("turn", "storefront", calls, PRICES, detail={"tools": ["x"]})
    assert (event.input_tokens, event.output_tokens) == (600, 60)
    assert (event.cached_tokens, event.cache_write_tokens) == (1000, 40)
    expected = (300 * 3.0 + 30 * 15.0 + 1000 * 0.3 + 40 * 3.75 + 300 * 1.0 + 30 * 2.0) / 1e6
    assert float(event.cost_usd) == pytest.approx(expected)
    assert event.detail == {"tools": ["x"], "models": ["claude-a", "gpt-b"]}
    assert event.provider == "openai"  # the calls' own unless the caller names one


def test_a_call_to_a_model_without_a_price_leaves_the_cost_unknown_not_zero():
    event = model_event("visual_search", "storefront",
                        [Usage("anthropic", "claude-a", 10), Usage("anthropic", "unpriced", 10)],
                        PRICES)
    assert event.cost_usd is None and event.input_tokens == 20


def test_a_turn_without_model_calls_costs_zero_and_names_no_model():
    event = model_event("turn", "whatsapp", [], PRICES, provider="offline")
    assert event.cost_usd == Decimal(0) and event.detail == {"models": []}
    assert event.provider == "offline" and event.input_tokens == 0


@pytest.fixture
def sessions(app):
    return app.extensions["fahad"].sessions


def spend(sessions, amount, when=None):
    with sessions.begin() as session:
        session.add(AnalyticsEvent(kind="turn", channel="storefront", cost_usd=Decimal(amount),
                                   created_at=when or utc_now()))


def test_no_budget_is_never_spent_and_asks_the_database_nothing():
    assert budget_spent(None, 0) is False  # no session is opened: None would fail


def test_the_budget_is_spent_once_this_months_costs_reach_it(sessions):
    assert budget_spent(sessions, 0.05) is False
    spend(sessions, "0.04")
    assert budget_spent(sessions, 0.05) is False
    spend(sessions, "0.01")
    assert budget_spent(sessions, 0.05) is True


def test_last_months_costs_do_not_count_against_this_months_budget(sessions):
    spend(sessions, "5.00", when=month_start() - timedelta(seconds=1))
    assert budget_spent(sessions, 0.05) is False


def test_record_stores_one_row_in_its_own_transaction(sessions):
    record(sessions, "review_draft", "admin", [Usage("anthropic", "claude-a", 40, 4)], PRICES)
    with sessions() as session:
        [row] = session.scalars(sa.select(AnalyticsEvent)).all()
    assert (row.kind, row.channel, row.provider) == ("review_draft", "admin", "anthropic")
    assert row.detail == {"models": ["claude-a"]} and row.created_at is not None


def test_the_sdk_clients_take_their_limits_from_the_settings(settings):
    settings = settings.replace(anthropic_api_key="k", anthropic_base_url="http://127.0.0.1:9",
                                model_timeout=4.5, model_max_retries=0, openai_model="m")
    claude = clients.anthropic_client(settings)
    assert (claude.timeout, claude.max_retries) == (4.5, 0)
    assert str(claude.base_url).startswith("http://127.0.0.1:9")
    openai = clients.openai_client(settings)
    assert (openai.timeout, openai.max_retries) == (4.5, 0)
    assert str(openai.base_url).startswith(clients.OPENAI_URL)
    assert openai.api_key == clients.NO_KEY


# -- one place each: a test keeps it so -----------------------------------------------------

def calls_in_source():
    """(module path, call node) for every call in the service's own code."""
    for package in ("bridge", "channels", "admin_copilot"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Call):
                    yield path.relative_to(ROOT).as_posix(), node


def called_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return f"{func.value.id}.{func.attr}"
    return func.id if isinstance(func, ast.Name) else ""


def test_model_sdk_clients_are_built_only_in_providers_clients():
    builders = {"anthropic.Anthropic", "Anthropic", "openai.OpenAI", "OpenAI"}
    where = {path for path, node in calls_in_source() if called_name(node) in builders}
    assert where == {"bridge/agent/providers/clients.py"}


def test_analytics_rows_with_tokens_or_cost_are_built_only_in_usage():
    booked = {"input_tokens", "output_tokens", "cached_tokens", "cache_write_tokens", "cost_usd"}
    where = {path for path, node in calls_in_source()
             if called_name(node).endswith("AnalyticsEvent")
             and booked & {k.arg for k in node.keywords}}
    assert where == {"bridge/usage.py"}


def test_the_monthly_spend_is_read_only_by_the_budget_check():
    where = {path for path, node in calls_in_source() if called_name(node) == "month_spend"}
    assert where == {"bridge/usage.py"}
