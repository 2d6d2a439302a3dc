"""The model SDKs' clients, built in one place from the settings: every provider and the
vision ranker talk to a model through one of these.

Timeouts and retries come from the settings because the SDKs' own (600 s, two retries) would
stall the provider chain; ours fail over fast.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...settings import Settings

if TYPE_CHECKING:  # the SDKs load with the provider that uses them
    import anthropic
    import openai

# Passed explicitly so the SDK never falls back to an OPENAI_BASE_URL of the environment.
OPENAI_URL = "https://api.openai.com/v1"
# Local servers (Ollama) need no key, but the SDK refuses to start without one.
NO_KEY = "not-needed"


def anthropic_client(settings: Settings) -> anthropic.Anthropic:
    """Claude's client: the configured key, base URL (for tests and gateways) and limits."""
    import anthropic

    return anthropic.Anthropic(
        api_key=settings.anthropic_api_key, base_url=settings.anthropic_base_url or None,
        timeout=settings.model_timeout, max_retries=settings.model_max_retries)


def openai_base_url(settings: Settings) -> str:
    return settings.openai_base_url or OPENAI_URL


def openai_client(settings: Settings) -> openai.OpenAI:
    """A client of any OpenAI-compatible server: OpenAI's own unless a base URL is set."""
    import openai

    return openai.OpenAI(
        api_key=settings.openai_api_key or NO_KEY, base_url=openai_base_url(settings),
        timeout=settings.model_timeout, max_retries=settings.model_max_retries)
