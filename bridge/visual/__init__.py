"""Visual search: a shopper's photo in, in-stock products that look like it out.

validate: the upload read from its bytes (format, size, pixels, polyglots) into a picture;
shrink: the memory a decode will hold, and the reduction that keeps it there; features:
colour, texture and shape descriptors (FeatureDescriber); embedding: the image model's
vectors and a shopper photo's views (Embedder, the [visual] extra), built by network
(EfficientNet-Lite as an ONNX graph) from weights (a torch checkpoint read without torch);
vectors: any describer's vectors stored with the catalogue index and synced with it
(VectorIndex); space: the shop's own space the model's vectors are searched in; loaders: where product images come from; rankers: the ranker seam, the
VectorRanker and fusion; vision: the Claude ranker; service: VisualSearch, one search for
every channel (the core holds it: ``core.visual.search(data, ...)``); sync: the image pass
after the catalogue's.
"""
from .service import VisualSearch

__all__ = ["VisualSearch"]
