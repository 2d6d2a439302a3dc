"""Turn a vocabulary ``Template`` into a ``Product`` record with its variations.

``build_product`` draws prices, sales and stock from the caller's ``random.Random``, so
the same seed always yields the same product; generate() and generate_catalogue() share it.
"""
from __future__ import annotations

import random
import re
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from ..base import IN_STOCK, OUT_OF_STOCK, Attribute, Category, Product, Variation
from .vocabulary import MATERIAL_LABELS, MATERIALS, Section, Template

CENT = Decimal("0.01")
SALE_CUTS = tuple(Decimal(p) for p in ("0.15", "0.20", "0.25", "0.30"))


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def category(section: Section) -> Category:
    return Category(id=section.id, name=section.name, slug=section.slug)


def on_sale_price(regular: Decimal, cut: Decimal) -> Decimal:
    return (regular * (1 - cut)).quantize(CENT, rounding=ROUND_HALF_UP)


def stock(rng: random.Random, out: float, low: float, most: int) -> tuple[str, int]:
    """A stock status and quantity: out of stock, 1 to 3 left, or plenty."""
    roll = rng.random()
    if roll < out:
        return OUT_OF_STOCK, 0
    if roll < out + low:
        return IN_STOCK, rng.randint(1, 3)
    return IN_STOCK, rng.randint(4, most)


def colour_code(colour: str) -> str:
    words = colour.upper().split()
    return "".join(w[0] for w in words) if len(words) > 1 else words[0][:3]


def describe(template: Template, section: Section, colours: tuple[str, ...]) -> tuple[str, str]:
    """The description (what, material, fit, care) and the one-line short description."""
    what = template.what[0].upper() + template.what[1:]
    fit = "Relaxed and roomy, one size fits most." if template.one_size else section.fit
    description = f"{what}, made from {MATERIALS[template.material]}. {fit} {section.care}"
    names = ", ".join(colours[:-1]) + " or " + colours[-1] if len(colours) > 1 else colours[0]
    return description, f"{what}, in {names}."


def attributes(template: Template, section: Section, colours: tuple[str, ...],
               variable: bool) -> tuple[Attribute, ...]:
    material = MATERIAL_LABELS.get(template.material,
                                   template.material.replace("_", " ").capitalize())
    found = [Attribute("Material", (material,))]
    if section.sizes:
        name = template.name.lower()
        relaxed = template.one_size or any(w in name for w in ("box", "relaxed", "cropped"))
        fit = "Slim" if "slim" in name or "tapered" in name else \
            "Relaxed" if relaxed else "Regular"
        found.append(Attribute("Fit", (fit,)))
    if variable:
        found.append(Attribute("Size", section.sizes, variation=True))
    elif template.one_size:
        found.append(Attribute("Size", ("One Size",)))
    found.append(Attribute("Color", colours, variation=variable and len(colours) > 1))
    return tuple(found)


def variations(rng: random.Random, pid: int, first_id: int, section: Section, sku: str,
               base: Decimal, colours: tuple[str, ...], limit: int | None) -> tuple[Variation, ...]:
    """Every size (and colour, when there are several), each with its own price and stock."""
    cut = rng.choice(SALE_CUTS) if rng.random() < 0.22 else None  # a sale on the whole product
    combos = [(size, colour) for colour in colours for size in section.sizes]
    if limit is not None:
        combos = combos[:limit]
    made = []
    for offset, (size, colour) in enumerate(combos):
        regular = base + Decimal(section.surcharge.get(size, "0"))
        own_cut = cut if cut is not None else (Decimal("0.20") if rng.random() < 0.06 else None)
        status, quantity = stock(rng, out=0.10, low=0.10, most=40)
        attrs = (("Size", size), ("Color", colour)) if len(colours) > 1 else (("Size", size),)
        made.append(Variation(
            id=first_id + offset, product_id=pid, attributes=attrs,
            sku=f"{sku}-{size}-{colour_code(colour)}" if len(colours) > 1 else f"{sku}-{size}",
            regular_price=regular,
            sale_price=on_sale_price(regular, own_cut) if own_cut is not None else None,
            stock_status=status, stock_quantity=quantity))
    return tuple(made)


# Fields that depend on the template's words and colours only, never its price;
# generate_catalogue builds tens of thousands of products from a few thousand of these.
_SHARED: dict[tuple, dict] = {}


def shared_fields(section: Section, template: Template, variable: bool) -> dict:
    key = (section.id, template.name, template.colours, variable)
    if key not in _SHARED:
        description, short = describe(template, section, template.colours)
        _SHARED[key] = dict(
            description=description, short_description=short, categories=(category(section),),
            tags=section.tags + (template.material.split("_")[0],),
            attributes=attributes(template, section, template.colours, variable))
    return _SHARED[key]


def build_product(rng: random.Random, pid: int, first_variation_id: int, section: Section,
                  template: Template, *, base_url: str, created: datetime, modified: datetime,
                  status: str = "publish", kind: str | None = None, name: str | None = None,
                  slug: str | None = None, managed: bool = True,
                  max_variations: int | None = None) -> Product:
    """A product of ``template``; variations take ids from ``first_variation_id`` on.

    ``kind`` is "simple", "variable" or "external"; by default apparel in sizes is variable.
    """
    name = name or template.name
    colours = template.colours
    variable = bool(section.sizes) and not template.one_size
    kind = kind or ("variable" if variable else "simple")
    variable = kind == "variable"
    slug = slug or slugify(name)
    sku = f"{section.sku}-{pid}"
    base = Decimal(template.price)
    fields = dict(
        id=pid, name=name, slug=slug, type=kind, status=status, sku=sku,
        permalink=f"{base_url}/product/{slug}/", images=(f"{base_url}/demo-media/{pid}.png",),
        featured=rng.random() < 0.08, date_created=created, date_modified=modified,
        **shared_fields(section, template, variable))
    if variable:
        fields["variations"] = variations(rng, pid, first_variation_id, section, sku, base,
                                          colours, max_variations)
        stock_left = sum(v.stock_quantity or 0 for v in fields["variations"])
        fields["stock_status"] = IN_STOCK if stock_left else OUT_OF_STOCK
    elif kind == "external":
        fields.update(regular_price=base, purchasable=False)
    else:
        cut = rng.choice(SALE_CUTS) if rng.random() < 0.25 else None
        fields.update(regular_price=base,
                      sale_price=on_sale_price(base, cut) if cut is not None else None)
        if managed:
            fields["stock_status"], fields["stock_quantity"] = stock(
                rng, out=0.1, low=0.12, most=120)
    return Product(**fields)
