"""Keeping the stored image descriptors in step with the catalogue index."""
from __future__ import annotations

from ..catalog.index import CatalogIndex
from ..settings import Settings
from ..store.base import Store
from .loaders import loader_for
from .vectors import FeatureIndex


def sync_features(store: Store, index: CatalogIndex, settings: Settings,
                  budget: int | None = None) -> dict[str, int] | None:
    """Describe new or changed product images, drop those of products gone from the index;
    at most ``budget`` images per call. None when the features ranker is not in use."""
    if "features" not in settings.visual_rankers:
        return None
    return FeatureIndex(index).sync(loader_for(store, settings), budget)
