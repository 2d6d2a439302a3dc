"""The demo shop's past: reviews, orders with refunds, and the coupons they used.

Every date is an offset back from ``end`` drawn from the caller's ``random.Random``, so a
different anchor moves the dates and changes nothing else.
"""
from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from ..base import Address, Coupon, Customer, Order, OrderLine, Product, Refund, Review

CENT = Decimal("0.01")
SHIPPING = Decimal("5.00")
FREE_SHIPPING_FROM = Decimal("75.00")  # orders over this ship free
REGISTERED = range(2, 22)  # customer ids; 1 is the shop's admin

REVIEWERS = (
    "Aisha", "Ben", "Carmen", "Daniel", "Elif", "Farah", "George", "Hana", "Ivan", "Jasmine",
    "Kofi", "Lena", "Mateo", "Nadia", "Oliver", "Priya", "Quinn", "Rosa", "Samir", "Tara",
    "Umar", "Valeria", "Wei", "Ximena", "Yusuf", "Zoe", "Amir", "Bianca", "Chloe", "Dev",
    "Emma", "Felix", "Grace", "Hugo", "Ines", "Jonas", "Kira", "Liam", "Maya", "Noah",
)

# Review texts by rating; any of them reads right for any product.
REVIEW_TEXTS = {
    5: ("Love it. Great quality and it arrived quickly.", "Exactly as pictured, and the colour is "
        "even nicer in person.", "Bought one for myself and ordered another as a gift.",
        "Really well made. You can tell it will last.", "Perfect. I use it every day.",
        "Comfortable from the first day, no breaking in needed."),
    4: ("Very nice, just a little pricier than I hoped.", "Good quality. Shipping took a few days "
        "longer than expected.", "Fits well and feels sturdy. Would buy again.",
        "Nice material, colour slightly darker than the photo.", "Solid everyday pick."),
    3: ("It's fine. Does the job, nothing special.", "Decent, but the sizing runs a bit small.",
        "OK for the price. The stitching could be neater.", "Looks good, but it wrinkles easily."),
    2: ("Not what I expected. The fabric feels thin.", "Colour faded after a couple of washes.",
        "Too tight for me, and returning it was a hassle."),
    1: ("Arrived damaged and support was slow to answer.", "Fell apart within a month. "
        "Disappointed.", "Nothing like the pictures."),
}
RATINGS, RATING_WEIGHTS = (1, 2, 3, 4, 5), (4, 6, 12, 28, 50)

REFUND_REASONS = ("Customer changed their mind", "Item arrived damaged",
                  "Wrong size, no exchange wanted", "Order arrived late")


# Where the demo's registered customers live: (street, city, state, postcode), US only like
# the demo's one shipping zone.
STREETS = (("12 Oak Lane", "Portland", "OR", "97201"), ("480 Pine St", "Seattle", "WA", "98101"),
           ("7 Harbor Rd", "Boston", "MA", "02110"), ("95 Elm Ave", "Austin", "TX", "78701"),
           ("301 Lake Dr", "Chicago", "IL", "60601"))


def make_customer(customer_id: int) -> Customer | None:
    """A registered customer of the demo shop (ids 2 to 21) with the same address for billing
    and shipping; None for any other id."""
    if customer_id not in REGISTERED:
        return None
    first = REVIEWERS[customer_id]
    street, city, state, postcode = STREETS[customer_id % len(STREETS)]
    email = f"{first.lower()}{customer_id}@example.com"
    place = dict(first_name=first, last_name="Demo", address_1=street, city=city, state=state,
                 postcode=postcode, country="US")
    return Customer(id=customer_id, first_name=first, last_name="Demo", email=email,
                    billing=Address(**place, phone=f"555-01{customer_id:02d}", email=email),
                    shipping=Address(**place))


def make_coupons(end: datetime) -> list[Coupon]:
    """WELCOME10 (10% off), FREESHIP (5.00 off) and SUMMER15, which expired 30 days ago."""
    return [
        Coupon(1, "WELCOME10", "percent", Decimal("10.00"), None, None, 0),
        Coupon(2, "FREESHIP", "fixed_cart", Decimal("5.00"), end + timedelta(days=60), None, 0),
        Coupon(3, "SUMMER15", "percent", Decimal("15.00"), end - timedelta(days=30), 200, 0),
    ]


def make_reviews(rng: random.Random, products: list[Product], weights: list[float],
                 end: datetime, count: int = 200) -> list[Review]:
    """``count`` reviews of published products, plus two of each private product."""
    published = [p for p in products if p.published]
    chosen = rng.choices(published, weights=[w for p, w in zip(products, weights) if p.published],
                         k=count)
    chosen += [p for p in products if p.status == "private" for _ in range(2)]
    drafted = []
    for product in chosen:
        rating = rng.choices(RATINGS, RATING_WEIGHTS)[0]
        drafted.append(dict(
            product_id=product.id, reviewer=rng.choice(REVIEWERS), rating=rating,
            text=rng.choice(REVIEW_TEXTS[rating]), verified=rng.random() < 0.65,
            status="hold" if rng.random() < 0.03 else "approved",
            date_created=end - timedelta(seconds=rng.randint(600, 120 * 86400)),
            replied=rng.random() < 0.15))
    drafted.sort(key=lambda r: r["date_created"])
    return [Review(id=n, **fields) for n, fields in enumerate(drafted, start=1)]


def price_of(product: Product, variation_id: int | None) -> Decimal:
    return product.variation(variation_id).price if variation_id else product.price


def make_lines(rng: random.Random, sellable: list[Product],
               weights: list[float]) -> list[OrderLine]:
    lines: dict[tuple[int, int | None], OrderLine] = {}
    for product in rng.choices(sellable, weights, k=rng.choices((1, 2, 3, 4), (55, 30, 10, 5))[0]):
        variation_id = rng.choice(product.variations).id if product.variations else None
        quantity = rng.choices((1, 2, 3), (80, 15, 5))[0]
        if (product.id, variation_id) in lines:  # the same item twice is one line
            continue
        amount = price_of(product, variation_id) * quantity
        lines[(product.id, variation_id)] = OrderLine(
            product.id, variation_id, product.name, quantity, subtotal=amount, total=amount)
    return list(lines.values())


def discount_for(coupon: Coupon, subtotal: Decimal) -> Decimal:
    if coupon.discount_type == "percent":
        return (subtotal * coupon.amount / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return min(coupon.amount, subtotal)


def spread_discount(lines: list[OrderLine], discount: Decimal) -> list[OrderLine]:
    """Share a coupon's discount over the lines by value, as WooCommerce does; the last line
    takes the rounding remainder so the line totals add up exactly."""
    subtotal = sum((line.subtotal for line in lines), Decimal(0))
    spread, left = [], discount
    for i, line in enumerate(lines):
        share = left if i == len(lines) - 1 else \
            (discount * line.subtotal / subtotal).quantize(CENT, rounding=ROUND_HALF_UP)
        left -= share
        spread.append(replace(line, total=line.subtotal - share))
    return spread


def status_for(rng: random.Random, age_days: float, lines: int) -> str:
    """Recent orders are still processing; older ones completed, cancelled or refunded."""
    roll = rng.random()
    if age_days < 5:
        return "processing" if roll < 0.7 else "on-hold" if roll < 0.76 else \
            "cancelled" if roll < 0.82 else "completed"
    if roll < 0.05:
        return "cancelled"
    if roll < 0.11:
        return "refunded"
    if roll < 0.16 and lines > 1:
        return "partly-refunded"
    return "completed"


def make_orders(rng: random.Random, products: list[Product], weights: list[float],
                end: datetime, currency: str, count: int = 350) -> tuple[list[Order], list[Coupon]]:
    """``count`` orders in the 90 days up to ``end``, oldest first, and the coupons used."""
    pairs = [(p, w) for p, w in zip(products, weights) if p.published and p.purchasable]
    sellable, sell_weights = [p for p, _ in pairs], [w for _, w in pairs]
    coupons = make_coupons(end)
    used = {c.code: 0 for c in coupons}
    ages = sorted((rng.randint(1, 90 * 86400 - 1) for _ in range(count)), reverse=True)
    orders = []
    for number, age in enumerate(ages):
        created = end - timedelta(seconds=age)
        lines = make_lines(rng, sellable, sell_weights)
        subtotal = sum((line.subtotal for line in lines), Decimal(0))
        shipping = Decimal(0) if subtotal > FREE_SHIPPING_FROM else SHIPPING
        codes, discount = (), Decimal(0)
        if rng.random() < 0.1:
            coupon = rng.choice([c for c in coupons
                                 if c.date_expires is None or c.date_expires > created])
            codes, discount = (coupon.code,), discount_for(coupon, subtotal)
            lines = spread_discount(lines, discount)
        total = sum((line.total for line in lines), Decimal(0)) + shipping
        status = status_for(rng, age / 86400, len(lines))
        refunds = ()
        if status in ("refunded", "partly-refunded"):
            amount = total if status == "refunded" else min(line.total for line in lines)
            when = min(created + timedelta(seconds=rng.randint(7200, 864000)),
                       end - timedelta(seconds=1))
            refunds = (Refund(40001 + len(orders), amount, rng.choice(REFUND_REASONS),
                              max(when, created)),)
            status = "refunded" if status == "refunded" else "completed"
        if codes and status != "cancelled":
            used[codes[0]] += 1
        orders.append(Order(
            id=30001 + number, status=status,
            customer_id=0 if rng.random() < 0.35 else rng.choice(REGISTERED),
            currency=currency, date_created=created, total=total, shipping_total=shipping,
            discount_total=discount, lines=tuple(lines), refunds=refunds, coupon_codes=codes))
    return orders, [replace(c, usage_count=used[c.code]) for c in coupons]
