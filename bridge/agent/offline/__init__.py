"""The offline provider: useful answers with no model and no key.

planner: OfflineProvider, Planner (the intent dispatch, the catalogue's intents); cart: the
cart's intents; targets: what the words point at; parse: the word readers; say: the phrasing.
"""
from .planner import OfflineProvider

__all__ = ["OfflineProvider"]
