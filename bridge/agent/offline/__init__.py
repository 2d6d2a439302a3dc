"""The offline provider: useful answers with no model and no key.

planner: OfflineProvider, Planner; parse: the word readers; say: the phrasing.
"""
from .planner import OfflineProvider

__all__ = ["OfflineProvider"]
