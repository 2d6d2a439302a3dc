"""Product pictures for the demo store, drawn with Pillow: no binary files ship with it.

``render_png(product_or_spec)`` draws a silhouette of the product's kind (hoodie, mug...)
in its colour on a light background; ``spec_for(product)`` says which kind and colour.
"""
from __future__ import annotations

import io
import random
import re
from dataclasses import dataclass

from PIL import Image, ImageDraw

from ..base import Product
from .assortment import SECTIONS
from .vocabulary import COLOURS

SIZE = 256
GREY = (128, 128, 128)
STROKES = ("line", "arc", "ring", "frame")

# Shapes on a 100 x 100 grid: (primitive, points or box, paint). Paint "fill" is the
# product's colour, "dark" a shade of it, "accent" a fixed flame orange.
SHAPES: dict[str, tuple] = {
    "hoodie": (("ellipse", (35, 12, 65, 40), "fill"),
               ("poly", ((30, 28), (70, 28), (93, 56), (84, 63), (72, 48), (72, 90), (28, 90),
                         (28, 48), (16, 63), (7, 56)), "fill"),
               ("ellipse", (43, 18, 57, 34), "dark"), ("poly", ((38, 64), (62, 64), (66, 80),
                                                             (34, 80)), "dark"),
               ("line", ((46, 34), (46, 50)), "dark"), ("line", ((54, 34), (54, 50)), "dark")),
    "tee": (("poly", ((32, 22), (44, 20), (50, 27), (56, 20), (68, 22), (88, 38), (80, 49),
                      (70, 42), (70, 88), (30, 88), (30, 42), (20, 49), (12, 38)), "fill"),
            ("poly", ((44, 20), (50, 27), (56, 20)), "dark")),
    "jacket": (("poly", ((32, 16), (68, 16), (90, 72), (80, 76), (70, 44), (72, 92), (28, 92),
                         (30, 44), (20, 76), (10, 72)), "fill"),
               ("poly", ((40, 16), (50, 30), (60, 16)), "dark"),
               ("line", ((50, 30), (50, 92)), "dark"),
               ("rect", (34, 60, 44, 66), "dark"), ("rect", (56, 60, 66, 66), "dark")),
    "trousers": (("poly", ((30, 10), (70, 10), (75, 94), (56, 94), (50, 36), (44, 94), (25, 94)),
                  "fill"), ("rect", (30, 10, 70, 17), "dark")),
    "shorts": (("poly", ((27, 26), (73, 26), (80, 68), (54, 72), (50, 48), (46, 72), (20, 68)),
                "fill"), ("rect", (27, 26, 73, 33), "dark")),
    "shoe": (("poly", ((12, 54), (38, 46), (50, 34), (64, 34), (70, 46), (88, 55), (91, 66),
                       (12, 66)), "fill"),
             ("rect", (10, 66, 93, 74), "dark"), ("line", ((48, 42), (58, 50)), "dark"),
             ("line", ((44, 46), (54, 54)), "dark")),
    "boot": (("poly", ((30, 16), (56, 16), (58, 52), (84, 58), (88, 72), (28, 72)), "fill"),
             ("rect", (26, 72, 90, 80), "dark"), ("rect", (30, 16, 56, 21), "dark")),
    "cap": (("chord", (22, 28, 78, 84), "fill"), ("poly", ((50, 56), (94, 58), (90, 67), (50, 64)),
                                                   "dark"), ("ellipse", (47, 26, 53, 32), "dark")),
    "beanie": (("chord", (24, 18, 76, 90), "fill"), ("rect", (22, 56, 78, 74), "dark"),
               ("ellipse", (42, 8, 58, 24), "fill")),
    "bucket": (("poly", ((34, 28), (66, 28), (71, 58), (29, 58)), "fill"),
               ("ellipse", (10, 52, 90, 70), "fill"), ("rect", (31, 48, 69, 54), "dark")),
    "tote": (("arc", (32, 14, 68, 56), "dark"), ("rect", (22, 36, 78, 90), "fill"),
             ("rect", (22, 36, 78, 42), "dark")),
    "backpack": (("arc", (40, 8, 60, 28), "dark"), ("rrect", (26, 16, 74, 92), "fill"),
                 ("rrect", (33, 56, 67, 86), "dark"), ("line", ((33, 40), (67, 40)), "dark")),
    "duffel": (("arc", (34, 26, 66, 58), "dark"), ("rrect", (8, 40, 92, 82), "fill"),
               ("line", ((14, 48), (86, 48)), "dark"), ("ellipse", (10, 50, 20, 74), "dark")),
    "sock": (("poly", ((38, 8), (60, 8), (60, 58), (82, 70), (84, 84), (72, 92), (44, 86),
                       (38, 70)), "fill"),
             ("rect", (38, 8, 60, 18), "dark"), ("ellipse", (70, 74, 86, 92), "dark")),
    "mug": (("ring", (58, 40, 84, 72), "fill"), ("rect", (26, 28, 66, 84), "fill"),
            ("ellipse", (26, 24, 66, 34), "dark")),
    "bottle": (("rect", (41, 8, 59, 18), "dark"), ("rect", (44, 16, 56, 26), "fill"),
               ("rrect", (33, 24, 67, 94), "fill"), ("rect", (33, 50, 67, 60), "dark")),
    "blanket": (("rrect", (6, 70, 94, 86), "fill"), ("rrect", (12, 54, 88, 70), "dark"),
                ("rrect", (18, 38, 82, 54), "fill"), ("rrect", (24, 22, 76, 38), "dark")),
    "candle": (("ellipse", (45, 12, 55, 32), "accent"), ("line", ((50, 30), (50, 40)), "dark"),
               ("rect", (30, 40, 70, 88), "fill"), ("rect", (30, 56, 70, 70), "dark")),
    "pillow": (("poly", ((14, 20), (50, 26), (86, 20), (80, 50), (86, 80), (50, 74), (14, 80),
                         (20, 50)), "fill"), ("ellipse", (46, 46, 54, 54), "dark")),
    "scarf": (("poly", ((22, 12), (44, 12), (50, 62), (40, 92), (26, 92), (32, 62)), "fill"),
              ("poly", ((44, 12), (70, 12), (76, 58), (64, 80), (54, 78), (58, 52)), "dark"),
              ("line", ((26, 92), (40, 92)), "dark")),
    "belt": (("rect", (6, 44, 94, 56), "fill"), ("frame", (64, 36, 80, 64), "dark"),
             ("ellipse", (24, 48, 28, 52), "dark"), ("ellipse", (36, 48, 40, 52), "dark")),
    "glasses": (("frame", (10, 38, 46, 66), "fill"), ("frame", (54, 38, 90, 66), "fill"),
                ("line", ((46, 46), (54, 46)), "fill"), ("ellipse", (14, 42, 42, 62), "dark"),
                ("ellipse", (58, 42, 86, 62), "dark")),
    "wallet": (("rrect", (20, 32, 80, 72), "fill"), ("poly", ((20, 32), (80, 32), (80, 46),
                                                            (50, 54), (20, 46)), "dark"),
               ("ellipse", (70, 36, 76, 42), "fill")),
    "gloves": (("rrect", (30, 30, 68, 80), "fill"), ("ellipse", (14, 40, 38, 60), "fill"),
               ("rect", (32, 78, 66, 94), "dark"), ("line", ((42, 30), (42, 54)), "dark"),
               ("line", ((54, 30), (54, 54)), "dark")),
}

# Name words that decide the kind, checked in order, before falling back to the category.
KIND_WORDS = tuple((re.compile(r"\b" + word), kind) for word, kind in (
    ("sock", "sock"), ("beanie", "beanie"), ("bucket hat", "bucket"), ("sun hat", "bucket"),
    ("cap", "cap"), ("backpack", "backpack"), ("daypack", "backpack"),
    ("expedition pack", "backpack"),
    ("weekender", "duffel"), ("laptop sleeve", "wallet"), ("boot", "boot"), ("bottle", "bottle"),
    ("tumbler", "bottle"), ("mug", "mug"), ("pour-over", "mug"), ("teapot", "mug"),
    ("candle", "candle"), ("blanket", "blanket"), ("towel", "blanket"), ("pillow", "pillow"),
    ("scarf", "scarf"), ("bandana", "scarf"), ("belt", "belt"), ("strap", "belt"),
    ("sunglasses", "glasses"), ("wallet", "wallet"), ("card holder", "wallet"),
    ("gloves", "gloves"), ("tote", "tote"), ("bag", "tote"),
))
CATEGORY_KINDS = {section.slug: section.kind for section, _ in SECTIONS}


@dataclass(frozen=True)
class ImageSpec:
    """What to draw: a kind from ``SHAPES``, an RGB colour, and a seed for small variations."""

    kind: str
    colour: tuple[int, int, int]
    seed: int = 0


def spec_for(product: Product) -> ImageSpec:
    """The kind from the product's name or category, the colour from its first Color option."""
    name = product.name.lower()
    kind = next((k for pattern, k in KIND_WORDS if pattern.search(name)), None)
    if kind is None:
        slugs = [c.slug for c in product.categories]
        kind = next((CATEGORY_KINDS[s] for s in slugs if s in CATEGORY_KINDS), "tote")
    colours = next((a.options for a in product.attributes if a.name == "Color"), ())
    colour = COLOURS.get(colours[0], GREY) if colours else GREY
    return ImageSpec(kind, colour, product.id)


def shade(colour: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    return tuple(max(0, min(255, round(c * factor))) for c in colour)


def render_png(subject: Product | ImageSpec) -> bytes:
    """A 256 x 256 PNG of the product (or spec); the same input always gives the same bytes."""
    spec = subject if isinstance(subject, ImageSpec) else spec_for(subject)
    rng = random.Random(spec.seed)
    fill = tuple(max(0, min(255, c + rng.randint(-6, 6))) for c in spec.colour)
    # Light colours get a darker shade so a cream mug still has visible details.
    dark = shade(fill, 0.55 if sum(fill) > 450 else 0.6 if sum(fill) > 150 else 2.2)
    paints = {"fill": fill, "dark": dark, "accent": (244, 140, 36)}
    background = (rng.randint(236, 248), rng.randint(236, 248), rng.randint(232, 246))
    scale = SIZE / 100 * rng.uniform(0.86, 0.98)
    dx = SIZE / 2 + rng.uniform(-8, 8)
    dy = SIZE / 2 + rng.uniform(-8, 8)

    def at(x: float, y: float) -> tuple[float, float]:
        return dx + (x - 50) * scale, dy + (y - 50) * scale

    image = Image.new("RGB", (SIZE, SIZE), background)
    draw = ImageDraw.Draw(image)
    outline = shade(fill, 0.45) if sum(fill) > 450 else None  # keep white goods visible
    width = max(2, round(scale * 2))
    for primitive, points, paint in SHAPES.get(spec.kind, SHAPES["tote"]):
        colour = paints[paint]
        if outline is not None and paint == "fill" and primitive in STROKES:
            colour = outline  # an unfilled stroke in a light colour would vanish
        if primitive == "poly":
            draw.polygon([at(*p) for p in points], fill=colour, outline=outline)
            continue
        if primitive == "line":
            draw.line([at(*p) for p in points], fill=colour, width=width)
            continue
        box = (*at(points[0], points[1]), *at(points[2], points[3]))
        if primitive == "ellipse":
            draw.ellipse(box, fill=colour, outline=outline)
        elif primitive == "rect":
            draw.rectangle(box, fill=colour, outline=outline)
        elif primitive == "rrect":
            draw.rounded_rectangle(box, radius=8 * scale, fill=colour, outline=outline)
        elif primitive == "chord":
            draw.chord(box, 180, 360, fill=colour, outline=outline)
        elif primitive in ("arc", "ring"):
            draw.arc(box, 180 if primitive == "arc" else 0, 360, fill=colour, width=width * 3)
        elif primitive == "frame":
            draw.rounded_rectangle(box, radius=6 * scale, outline=colour, width=width * 2)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=6)
    return buffer.getvalue()
