"""Providers and the chain: ``build_chain(settings)`` lists them in the configured order.

base: Provider, ProviderError, run_chain, SORRY; anthropic, openai_compat, offline: the
providers; clients: the SDK clients, built only there.
"""
from __future__ import annotations

from typing import Callable

from ...settings import Settings, SettingsError, env_name
from . import anthropic, openai_compat
from .base import Provider, ProviderError, run_chain
from .offline import OfflineProvider

# name -> factory(settings, store name, currency) returning a provider, or None when its
# key is not configured.
FACTORIES: dict[str, Callable[[Settings, str, str], Provider | None]] = {
    "anthropic": anthropic.factory,
    "openai": openai_compat.factory,
}


def build_chain(settings: Settings, store_name: str, currency: str) -> list[Provider]:
    """The configured providers that have their keys, always ending with the offline one."""
    chain: list[Provider] = []
    for name in settings.providers:
        if name == "offline":
            continue
        factory = FACTORIES.get(name)
        if factory is None:
            known = ", ".join(sorted([*FACTORIES, "offline"]))
            raise SettingsError(f"unknown provider {name!r} in {env_name('providers')} "
                                f"(known: {known})")
        provider = factory(settings, store_name, currency)
        if provider is not None:
            chain.append(provider)
    chain.append(OfflineProvider())
    return chain


__all__ = ["Provider", "ProviderError", "run_chain", "build_chain", "FACTORIES"]
