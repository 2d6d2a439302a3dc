"""Keeping the stored image vectors in step with the catalogue index."""
from __future__ import annotations

from ..settings import Settings
from ..store.base import Store
from .loaders import loader_for
from .service import VisualSearch


def sync_images(visual: VisualSearch, store: Store, settings: Settings,
                budget: int | None = None) -> dict[str, dict[str, int]]:
    """Describe new or changed product images for every ranker that stores vectors (the
    image model's embedding, the features descriptor), drop those of products gone from the
    index; at most ``budget`` images per ranker and call. Counts by ranker; empty when no
    such ranker is on."""
    return visual.sync(loader_for(store, settings), budget)
