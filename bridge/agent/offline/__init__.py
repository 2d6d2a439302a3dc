"""The offline planner: useful answers with no model and no key (the chain's last provider,
``agent.providers.offline``, runs it).

planner: Planner (the intent dispatch, the catalogue's intents); cart: the cart's intents;
targets: what the words point at; parse: the word readers; say: the phrasing.
"""
from .planner import Planner

__all__ = ["Planner"]
