"""The demo shop generator and its pictures: determinism, coverage, consistency (their
speed is measured in bench/demo_data.py)."""
from __future__ import annotations

import io
import itertools
from collections import Counter
from datetime import date, datetime, time as clock, timedelta, timezone
from decimal import Decimal

import pytest
from PIL import Image

from bridge.store.base import OUT_OF_STOCK
from bridge.store.demo import ImageSpec, generate, generate_catalogue, render_png, spec_for
from bridge.store.demo.data import SOLD_STATUSES
from bridge.store.demo.images import SHAPES
from bridge.store.demo.assortment import EXTERNAL, SECTIONS, UNPUBLISHED
from bridge.store.demo.vocabulary import COLOURS

ANCHOR = date(2025, 6, 1)
SECRET_NAMES = ("Prototype Heated Vest", "Nebula Glow Sneakers", "Moonstone Teapot Sample",
                "Staff-only Logo Socks", "Wholesale Tote Crate")


@pytest.fixture(scope="module")
def shop():
    return generate(ANCHOR)


@pytest.fixture(scope="module")
def published(shop):
    return [p for p in shop.products if p.published]


def in_category(products, slug):
    return [p for p in products if p.categories[0].slug == slug]


# -- determinism --

def test_the_same_anchor_gives_identical_data(shop):
    assert generate(ANCHOR) == shop


def test_another_anchor_moves_the_dates_and_nothing_else(shop):
    later = generate(ANCHOR + timedelta(days=30))
    shift = timedelta(days=30)
    assert [(p.id, p.name, p.price, p.stock_quantity) for p in later.products] == \
        [(p.id, p.name, p.price, p.stock_quantity) for p in shop.products]
    assert [o.date_created - shift for o in later.orders] == [o.date_created for o in shop.orders]
    assert [(o.id, o.total, o.status) for o in later.orders] == \
        [(o.id, o.total, o.status) for o in shop.orders]


# -- catalogue coverage --

def test_the_shop_has_at_least_90_published_products_in_at_least_10_categories(published):
    assert len(published) >= 90
    assert len({p.categories[0].id for p in published}) >= 10


def test_product_and_variation_ids_are_unique_and_never_collide(shop):
    product_ids = [p.id for p in shop.products]
    variation_ids = [v.id for p in shop.products for v in p.variations]
    assert min(product_ids) == 101 and min(variation_ids) == 1001
    assert len(set(product_ids)) == len(product_ids)
    assert len(set(variation_ids)) == len(variation_ids)
    assert not set(product_ids) & set(variation_ids)
    assert all(v.product_id == p.id for p in shop.products for v in p.variations)


def test_names_slugs_and_skus_are_distinct(shop):
    for field in ("name", "slug", "sku"):
        values = [getattr(p, field) for p in shop.products]
        assert len(set(values)) == len(values), field


def test_every_product_has_descriptions_tags_attributes_and_categories(published):
    for product in published:
        assert product.description.count(". ") >= 2, product.name
        assert product.short_description and product.tags and product.categories
        assert any(a.name == "Material" and not a.variation for a in product.attributes)
        assert product.images == (f"/demo-media/{product.id}.png",)
        assert product.permalink == f"/product/{product.slug}/"


def test_about_40_percent_are_variable_with_their_own_variation_prices_and_stock(published):
    variable = [p for p in published if p.type == "variable"]
    assert 0.3 <= len(variable) / len(published) <= 0.5
    for product in variable:
        assert product.regular_price is None and product.variations
        assert {a.name for a in product.attributes if a.variation} <= {"Size", "Color"}
        assert all(v.stock_quantity is not None for v in product.variations)
    # Bigger sizes cost more: prices differ within a product.
    priced_apart = [p for p in variable if len({v.regular_price for v in p.variations}) > 1]
    assert len(priced_apart) >= len(variable) // 2


def test_some_variations_are_out_of_stock_and_some_are_on_sale(published):
    variations = [v for p in published for v in p.variations]
    out = [v for v in variations if v.stock_status == OUT_OF_STOCK]
    assert out and all(v.stock_quantity == 0 for v in out)
    assert any(v.on_sale for v in variations)
    assert any(p.on_sale and not all(v.on_sale for v in p.variations) for p in published
               if p.variations), "a sale on some variations only"


def test_simple_products_cover_sales_and_every_kind_of_stock(published):
    simple = [p for p in published if p.type == "simple"]
    assert len([p for p in simple if p.on_sale]) >= 5
    assert all(p.sale_price < p.regular_price for p in simple if p.sale_price is not None)
    out = [p for p in simple if p.stock_status == OUT_OF_STOCK]
    assert len(out) >= 2 and all(p.stock_quantity == 0 for p in out)
    assert len([p for p in simple if p.stock_quantity in (1, 2, 3)]) >= 2
    unmanaged = [p for p in simple if p.stock_quantity is None]
    assert 1 <= len(unmanaged) <= 2 and all(p.in_stock for p in unmanaged)
    assert len([p for p in simple if p.stock_quantity is not None]) > len(simple) * 0.9


def test_prices_run_from_cheap_socks_to_dear_jackets_in_cents(published):
    prices = [p.price for p in published] + [v.price for p in published for v in p.variations]
    assert all(price == price.quantize(Decimal("0.01")) for price in prices)
    assert min(p.price for p in in_category(published, "socks")) <= Decimal("5")
    assert max(p.price_max for p in in_category(published, "jackets")) >= Decimal("170")


def test_budget_questions_find_several_products(published):
    hoodies = in_category(published, "hoodies-sweatshirts")
    assert len([p for p in hoodies if p.price < 50]) >= 3
    assert len([p for p in published if Decimal(20) <= p.price <= Decimal(40)]) >= 10


def test_drafts_and_private_products_are_in_the_data_with_distinctive_names(shop):
    hidden = {p.name: p.status for p in shop.products if not p.published}
    assert sorted(hidden.values()) == ["draft", "draft", "draft", "private", "private"]
    assert set(hidden) == set(SECRET_NAMES)


def test_the_partner_product_is_published_but_not_purchasable(published):
    external = [p for p in published if p.type == "external"]
    assert [p.name for p in external] == [EXTERNAL[1].name]
    assert not external[0].purchasable and external[0].price is not None


# -- reviews --

def test_reviews_cover_ratings_statuses_and_the_120_days_before_the_anchor(shop, published):
    ids = {p.id for p in published}
    reviews = [r for r in shop.reviews if r.product_id in ids]
    assert 180 <= len(reviews) <= 220
    ratings = Counter(r.rating for r in reviews)
    assert set(ratings) == {1, 2, 3, 4, 5} and ratings[5] > ratings[1] * 3
    assert any(r.verified for r in reviews) and not all(r.verified for r in reviews)
    assert any(r.status == "hold" for r in reviews) and any(r.replied for r in reviews)
    start = datetime.combine(ANCHOR - timedelta(days=120), clock(), tzinfo=timezone.utc)
    assert all(start <= r.date_created <= datetime.combine(ANCHOR, clock(6), tzinfo=timezone.utc)
               for r in reviews)
    assert all(r.text and r.reviewer for r in reviews)


def test_ratings_are_computed_from_approved_reviews(shop):
    for product in shop.products:
        ratings = [r.rating for r in shop.reviews
                   if r.product_id == product.id and r.status == "approved"]
        assert product.rating_count == len(ratings)
        if ratings:
            mean = Decimal(sum(ratings)) / len(ratings)
            assert product.average_rating == mean.quantize(Decimal("0.01"))
        else:
            assert product.average_rating is None


# -- orders --

def test_order_totals_add_up_as_woocommerce_adds_them(shop):
    for order in shop.orders:
        subtotal = sum(line.subtotal for line in order.lines)
        assert order.total == sum(line.total for line in order.lines) + order.shipping_total
        assert subtotal - sum(line.total for line in order.lines) == order.discount_total
        assert order.shipping_total == (Decimal(0) if subtotal > 75 else Decimal("5.00"))
        assert order.discount_total >= 0 and order.total > 0
        assert bool(order.coupon_codes) == (order.discount_total > 0)


def test_orders_span_the_90_days_before_the_anchor_and_never_later(shop):
    assert 300 <= len(shop.orders) <= 400
    dates = [o.date_created for o in shop.orders]
    assert dates == sorted(dates) and all(d.tzinfo is not None for d in dates)
    assert min(dates).date() >= ANCHOR - timedelta(days=90)
    assert max(dates).date() <= ANCHOR and max(dates) >= datetime.combine(
        ANCHOR - timedelta(days=2), clock(), tzinfo=timezone.utc)


@pytest.mark.parametrize("hour", ["00:00:01", "05:59:59", "06:00:00", "12:00:00", "23:59:59"])
def test_the_demo_store_holds_nothing_dated_after_now_at_any_hour(hour):
    import time_machine

    from bridge.store.demo.store import DemoStore

    now = datetime.fromisoformat(f"2025-06-01T{hour}+00:00")
    with time_machine.travel(now, tick=False):
        data = DemoStore("http://shop.test", sessions=None).data
    dated = [o.date_created for o in data.orders] + [r.date_created for r in data.reviews]
    dated += [refund.date_created for o in data.orders for refund in o.refunds]
    dated += [p.date_modified for p in data.products if p.date_modified]
    assert max(dated) <= now
    assert now - max(o.date_created for o in data.orders) < timedelta(days=2)  # yet recent


def test_order_lines_reference_published_products_and_their_variations(shop):
    products = {p.id: p for p in shop.products if p.published and p.purchasable}
    for line in (line for order in shop.orders for line in order.lines):
        product = products[line.product_id]
        variation = product.variation(line.variation_id) if line.variation_id else None
        assert (variation is not None) == bool(product.variations)
        assert line.subtotal == (variation or product).price * line.quantity
        assert 0 <= line.total <= line.subtotal
        assert line.name == product.name


def test_orders_have_guests_registered_customers_and_refunds(shop):
    customers = Counter(o.customer_id for o in shop.orders)
    assert customers[0] > 50 and set(customers) - {0} <= set(range(2, 22))
    assert len(set(customers) - {0}) >= 15
    statuses = Counter(o.status for o in shop.orders)
    assert statuses["completed"] + statuses["processing"] > 0.8 * len(shop.orders)
    assert statuses["cancelled"] and statuses["refunded"] and statuses["processing"]
    for order in shop.orders:
        if order.status == "refunded":
            assert order.refunded_total == order.total
        if order.refunds:
            assert order.refunds[0].date_created >= order.date_created
    partial = [o for o in shop.orders if o.status == "completed" and o.refunds]
    assert partial and all(0 < o.refunded_total < o.total for o in partial)


def test_total_sales_counts_units_of_processing_completed_and_on_hold_orders(shop):
    sold = Counter()
    for order in shop.orders:
        if order.status in SOLD_STATUSES:
            for line in order.lines:
                sold[line.product_id] += line.quantity
    assert {p.id: p.total_sales for p in shop.products} == {p.id: sold[p.id] for p in shop.products}
    assert SOLD_STATUSES == {"processing", "completed", "on-hold"}


def test_coupons_used_by_orders_exist_and_count_their_uses(shop):
    coupons = {c.code: c for c in shop.coupons}
    assert {"WELCOME10", "FREESHIP"} <= set(coupons)
    used = Counter(o.coupon_codes[0] for o in shop.orders
                   if o.coupon_codes and o.status != "cancelled")
    assert {code: c.usage_count for code, c in coupons.items()} == {c: used[c] for c in coupons}
    for order in shop.orders:
        for code in order.coupon_codes:
            expires = coupons[code].date_expires
            assert expires is None or order.date_created < expires


# -- the benchmark catalogue --

def test_generate_catalogue_makes_published_products_with_unique_ids():
    products = generate_catalogue(3000)
    assert len(products) == 3000 and all(p.published for p in products)
    ids = [p.id for p in products]
    variation_ids = [v.id for p in products for v in p.variations]
    assert ids == list(range(101, 3101))
    assert len(set(variation_ids)) == len(variation_ids) and min(variation_ids) > max(ids)
    assert all(len(p.variations) in (2, 3) for p in products if p.type == "variable")
    assert len({p.name for p in products}) > 2900 and len({p.slug for p in products}) == 3000
    assert len({p.categories[0].id for p in products}) >= 10
    assert any(p.on_sale for p in products) and any(not p.in_stock for p in products)


def test_generate_catalogue_is_deterministic_per_seed():
    assert generate_catalogue(200) == generate_catalogue(200)
    assert generate_catalogue(200, seed=8) != generate_catalogue(200)


# -- pictures --

def pixels(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def silhouette(image: Image.Image) -> set[tuple[int, int]]:
    """The drawn pixels of a small copy: those far from the corner's background colour."""
    small = image.resize((64, 64))
    background = small.getpixel((0, 0))
    return {(x, y) for x in range(64) for y in range(64)
            if sum(abs(a - b) for a, b in zip(small.getpixel((x, y)), background)) > 30}


def test_every_product_gets_a_256_pixel_png(shop):
    for product in shop.products:
        image = pixels(render_png(product))
        assert image.format == "PNG" and image.size == (256, 256) and image.mode == "RGB"


def test_each_product_is_drawn_as_its_templates_kind(shop):
    expected = {t.name: t.kind or s.kind for s, templates in SECTIONS for t in templates}
    expected[EXTERNAL[1].name] = EXTERNAL[1].kind
    expected.update({t.name: t.kind or dict((s.id, s.kind) for s, _ in SECTIONS)[sid]
                     for sid, _, t in UNPUBLISHED})
    assert {p.name: spec_for(p).kind for p in shop.products} == expected
    assert set(expected.values()) <= set(SHAPES)


def test_silhouettes_differ_between_kinds():
    shapes = {kind: silhouette(pixels(render_png(ImageSpec(kind, COLOURS["Navy"]))))
              for kind in SHAPES}
    for (a, mask_a), (b, mask_b) in itertools.combinations(shapes.items(), 2):
        overlap = len(mask_a & mask_b) / len(mask_a | mask_b)
        assert overlap < 0.85, (a, b, overlap)


def test_colours_differ_between_products_of_different_colours():
    def mean_colour(name):
        image = pixels(render_png(ImageSpec("hoodie", COLOURS[name], seed=3)))
        drawn = silhouette(image)
        small = image.resize((64, 64))
        return [sum(small.getpixel(xy)[i] for xy in drawn) / len(drawn) for i in range(3)]

    red, navy, sand = mean_colour("Red"), mean_colour("Navy"), mean_colour("Sand")
    assert sum(abs(a - b) for a, b in zip(red, navy)) > 100
    assert sum(abs(a - b) for a, b in zip(navy, sand)) > 100


def test_pictures_are_deterministic_and_vary_slightly_per_product(published):
    """How fast they render is measured in bench/demo_data.py."""
    hoodies = in_category(published, "hoodies-sweatshirts")
    assert render_png(hoodies[0]) == render_png(hoodies[0])
    red = COLOURS["Red"]
    assert render_png(ImageSpec("tee", red, 1)) != render_png(ImageSpec("tee", red, 2))
