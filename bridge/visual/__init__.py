"""Visual search: a shopper's photo in, in-stock products that look like it out.

validate: the upload read from its bytes (format, size, pixels, polyglots) into a picture;
shrink: the memory a decode will hold, and the reduction that keeps it there; features:
colour, texture and shape descriptors; vectors: those descriptors stored with the catalogue
index and synced with it; loaders: where product images come from; rankers: the ranker seam
and fusion; vision: the Claude ranker; service: one search for every channel.

``search_image(bridge, data, ...)`` is the entry point for channels other than the route.
"""
from .service import VisualSearch, search_image

__all__ = ["VisualSearch", "search_image"]
