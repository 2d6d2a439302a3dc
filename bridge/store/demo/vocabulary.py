"""The demo shop's words: the shapes of its sections and templates, colours and materials.

assortment.py fills ``Section`` and ``Template`` in; products.py reads ``MATERIALS`` for
descriptions and images.py ``COLOURS`` for pictures.
"""
from __future__ import annotations

from typing import NamedTuple


class Section(NamedTuple):
    """A category and what its goods share."""

    id: int
    name: str
    slug: str
    sku: str  # SKU prefix
    kind: str  # default silhouette in images.py
    sizes: tuple[str, ...]  # empty: not sold in sizes
    surcharge: dict[str, str]  # size -> extra on the regular price
    fit: str
    care: str
    tags: tuple[str, ...]


class Template(NamedTuple):
    """One product of the shop; ``what`` is a phrase that starts its description."""

    name: str
    price: str
    material: str
    colours: tuple[str, ...]
    what: str
    one_size: bool = False  # apparel sold as a single simple product
    kind: str | None = None  # silhouette, when not the section's


TOPS = ("S", "M", "L", "XL", "XXL")
WAISTS = ("28", "30", "32", "34", "36", "38")
SHOE_SIZES = ("7", "8", "9", "10", "11", "12")

# sRGB of every colour name a template may use; images.py fills silhouettes with these.
COLOURS = {
    "Black": (34, 34, 38), "White": (240, 240, 236), "Heather Grey": (158, 160, 164),
    "Charcoal": (70, 72, 78), "Navy": (32, 48, 92), "Royal Blue": (40, 86, 196),
    "Sky Blue": (128, 184, 226), "Teal": (24, 128, 128), "Forest Green": (34, 94, 60),
    "Olive": (108, 112, 52), "Sand": (214, 192, 150), "Cream": (238, 228, 204),
    "Brown": (112, 72, 44), "Burgundy": (118, 30, 48), "Red": (200, 40, 40),
    "Orange": (236, 118, 32), "Mustard": (214, 166, 40), "Pink": (236, 150, 176),
    "Lavender": (176, 160, 214), "Indigo": (48, 56, 110),
}

MATERIALS = {
    "cotton_fleece": "brushed cotton fleece (80% cotton, 20% recycled polyester)",
    "polar_fleece": "anti-pill polar fleece made from recycled bottles",
    "heavy_cotton": "heavyweight 100% cotton with a dense, structured hand",
    "organic_cotton": "GOTS-certified organic cotton",
    "tech_knit": "a quick-drying polyester-elastane knit that wicks sweat",
    "sherpa": "cotton fleece lined with a plush sherpa pile",
    "cotton_jersey": "soft combed cotton jersey",
    "waffle_knit": "a textured cotton waffle knit",
    "linen": "breathable European linen",
    "waxed_canvas": "paraffin-waxed cotton canvas that shrugs off drizzle",
    "nylon_shell": "a light ripstop nylon with a water-repellent finish",
    "down": "a recycled nylon shell filled with responsibly sourced 650-fill down",
    "denim": "13.5 oz indigo denim",
    "wool_blend": "a warm wool and recycled polyester blend",
    "softshell": "a stretchy, wind-resistant softshell with a brushed back",
    "stretch_twill": "cotton twill with a touch of stretch",
    "canvas": "sturdy 12 oz cotton canvas",
    "corduroy": "soft 11-wale cotton corduroy",
    "nylon_stretch": "a durable four-way stretch nylon",
    "recycled_poly": "recycled polyester with a water-resistant coating",
    "mesh": "an engineered mesh upper on a grippy rubber outsole",
    "leather": "full-grain vegetable-tanned leather",
    "knit_upper": "a seamless knit upper on a cushioned foam sole",
    "suede": "water-treated suede on a crepe rubber sole",
    "wool_felt": "thick boiled wool felt",
    "cotton_twill": "washed cotton twill",
    "merino": "fine, itch-free merino wool",
    "straw": "tightly woven paper straw",
    "cotton_blend": "a combed cotton blend with a reinforced heel and toe",
    "stoneware": "hand-glazed stoneware",
    "stainless": "double-walled 18/8 stainless steel",
    "enamel": "enamel-coated steel",
    "soy_wax": "hand-poured soy wax with a cotton wick",
    "acetate": "bio-based acetate frames with UV400 lenses",
}

# Adjectives that make generate_catalogue's names varied.
PREFIXES = (
    "Heritage", "Urban", "Coastal", "Alpine", "Studio", "Weekend", "Nordic", "Harbor",
    "Summit", "Meadow", "Canyon", "Metro", "Field", "Drift", "Timber", "Lakeside",
    "Desert", "Island", "Prairie", "Glacier", "Boulder", "Cedar", "Willow", "Granite",
    "Ember", "Fjord", "Sierra", "Ridge", "Harvest", "Pacific",
)

# Short "Material" attribute values where the key itself reads badly.
MATERIAL_LABELS = {
    "stainless": "Stainless steel", "recycled_poly": "Recycled polyester",
    "knit_upper": "Knit", "nylon_stretch": "Stretch nylon", "tech_knit": "Technical knit",
    "heavy_cotton": "Heavyweight cotton", "sherpa": "Cotton and sherpa", "down": "Down",
    "acetate": "Acetate", "straw": "Paper straw", "enamel": "Enamel steel",
}
