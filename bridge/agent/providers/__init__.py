"""Providers and the chain: ``build_chain(settings)`` lists them in the configured order.

base: Provider, ProviderError, run_chain, SORRY; anthropic, openai_compat, offline: the
providers; clients: the SDK clients, built only there.

A model provider's module (and its SDK: about a second and 100,000 objects on the heap for
each) is imported only when its provider is configured, so a bridge without keys carries
neither.
"""
from __future__ import annotations

from importlib import import_module
from typing import Callable

from ...settings import Settings, SettingsError, env_name
from .base import Provider, ProviderError, run_chain
from .offline import OfflineProvider

Factory = Callable[[Settings, str, str], Provider | None]


def _when(configured: Callable[[Settings], bool], module: str) -> Factory:
    """The factory of ``module``, imported once ``configured(settings)`` says it can run."""
    def factory(settings: Settings, store_name: str, currency: str) -> Provider | None:
        if not configured(settings):
            return None
        return import_module(f"{__name__}.{module}").factory(settings, store_name, currency)
    return factory


# name -> factory(settings, store name, currency) returning a provider, or None when its
# key is not configured (each module's own factory says the same).
FACTORIES: dict[str, Factory] = {
    "anthropic": _when(lambda s: bool(s.anthropic_api_key), "anthropic"),
    "openai": _when(lambda s: bool(s.openai_model and (s.openai_base_url or s.openai_api_key)),
                    "openai_compat"),
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
