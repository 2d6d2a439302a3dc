"""Server-side API keys for headless shops and apps (``sk_live_``/``sk_test_``).

keys: ``authenticate(raw_key) -> ApiKeyPrincipal | None``, ``require_scope(principal,
scope)``, and what a manager does (create, list, revoke, link an app user to a customer);
models: the tables. The gate that reads a key from a request is ``bridge.gates.api_key``.
"""
from .keys import (SCOPES, ApiKeyPrincipal, authenticate, bearer, check_app_user, create_key,
                   customer_of, link_customer, list_keys, require_scope, revoke_key)

__all__ = ["SCOPES", "ApiKeyPrincipal", "authenticate", "bearer", "check_app_user",
           "create_key", "customer_of", "link_customer", "list_keys", "require_scope",
           "revoke_key"]
