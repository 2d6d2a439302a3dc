"""Visual search: a shopper's photo in, in-stock products that look like it out.

validate: the upload read from its bytes (format, size, pixels, polyglots) into a picture;
shrink: the memory a decode will hold, and the reduction that keeps it there; features:
colour, texture and shape descriptors; vectors: those descriptors stored with the catalogue
index and synced with it; loaders: where product images come from; rankers: the ranker seam
and fusion; vision: the Claude ranker; service: VisualSearch, one search for every channel
(the core holds it: ``core.visual.search(data, ...)``).
"""
from .service import VisualSearch

__all__ = ["VisualSearch"]
