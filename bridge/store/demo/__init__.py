"""The embedded demo store: a generated shop of everyday apparel and goods.

store: DemoStore. data: generate, generate_catalogue, DemoData. images: render_png, ImageSpec,
spec_for. carts: the cart rules. products, history, assortment, vocabulary: generator parts.
"""
from .data import DemoData, generate, generate_catalogue
from .images import ImageSpec, render_png, spec_for
from .store import DemoStore

__all__ = ["DemoData", "DemoStore", "ImageSpec", "generate", "generate_catalogue",
           "render_png", "spec_for"]
