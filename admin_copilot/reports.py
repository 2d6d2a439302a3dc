"""The copilot's answers, each grounded in the store's records and the bridge's database:
insights for a window, sale candidates with their evidence, one product's context.
A figure neither has is None (shown as unknown), never a stand-in zero."""
from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy.orm import sessionmaker

from bridge.catalog.cards import total_stock
from bridge.catalog.money import amount as price
from bridge.catalog.sync import all_products
from bridge.store.base import Store

from . import assistant, sales
from .sales import Window

# How far back sales history is read for "days since last sale" and product context.
HISTORY_DAYS = 90
# Days of stock on hand beyond which a product looks over-stocked (about two months).
COVER_TARGET = 60
MAX_DISCOUNT, MIN_DISCOUNT = 40, 5


def insights(store: Store, sessions: sessionmaker, days: int,
             now: datetime | None = None) -> dict:
    now = now or datetime.now(timezone.utc)
    window = Window.last(days, now)
    before = window.before()
    # Refunds count by their own date, so read further back for orders refunded later.
    orders = store.orders(after=before.start - timedelta(days=HISTORY_DAYS), before=now)
    current, previous = sales.figures(orders, window), sales.figures(orders, before)
    with sessions() as session:
        bot = assistant.numbers(session, window)
        bot_before = assistant.numbers(session, before)
        carts = assistant.chat_carts(session, window)
    return {
        "window": {"days": days, "start": window.start.isoformat(), "end": now.isoformat()},
        "currency": store.currency,
        **current,
        "previous": {"start": before.start.isoformat(), **previous},
        "change_percent": sales.change(current, previous),
        "top_products": sales.top_products(orders, window),
        "assistant": {**bot, "previous": bot_before},
        "daily": [{"date": day.isoformat(), "gross_revenue": price(entry["gross_revenue"]),
                   "orders": entry["orders"], "chat_cart_actions": carts.get(day, 0)}
                  for day, entry in sales.daily(orders, window).items()],
    }


def sale_candidates(store: Store, days: int, limit: int,
                    now: datetime | None = None) -> dict:
    """In-stock products whose stock would last well beyond COVER_TARGET days at their
    recent rate of sale, ranked by how long, each with its evidence and a discount derived
    from that evidence."""
    now = now or datetime.now(timezone.utc)
    window = Window.last(days, now)
    orders = store.orders(after=now - timedelta(days=max(days, HISTORY_DAYS)), before=now)
    units = sales.units_by_product(orders, window)
    latest = sales.last_sale(orders)
    products = [p for p in all_products(store) if p.purchasable and p.in_stock]
    rates = sorted(units.get(p.id, 0) / days for p in products)
    median = rates[len(rates) // 2] if rates else 0.0
    candidates = []
    for product in products:
        stock = total_stock(product)
        if not stock:
            continue  # stock not managed (or none): cover can't be worked out
        sold = units.get(product.id, 0)
        rate = sold / days
        cover = stock / rate if rate else math.inf
        if cover <= COVER_TARGET:
            continue
        last = latest.get(product.id)
        evidence = {
            "stock_on_hand": stock,
            "units_sold": sold,
            "units_per_day": round(rate, 3),
            "catalogue_median_units_per_day": round(median, 3),
            "days_of_cover": None if math.isinf(cover) else round(cover),
            "days_since_last_sale": (now - last).days if last else None,
            "rating": price(product.average_rating),
            "rating_count": product.rating_count,
            "on_sale": product.on_sale,
        }
        candidates.append((cover, stock, product, evidence))
    candidates.sort(key=lambda c: (-min(c[0], 10**6), -c[1], c[2].id))
    return {"window_days": days, "currency": store.currency,
            "candidates": [_candidate(p, e, days) for _, _, p, e in candidates[:limit]]}


def _candidate(product, evidence: dict, days: int) -> dict:
    discount, reasons = suggested_discount(evidence, days)
    return {"product_id": product.id, "name": product.name, "price": price(product.price),
            "evidence": evidence, "suggested_discount_percent": discount, "reasons": reasons}


def suggested_discount(evidence: dict, days: int) -> tuple[int, list[str]]:
    """A discount that grows with the months of stock on hand: 10% at two months' cover,
    5 points more each time the cover doubles, capped at 40%; with no sale in the window,
    the cap. Lowered for a product already on sale or rated poorly."""
    cover = evidence["days_of_cover"]
    reasons = []
    if cover is None:
        discount = MAX_DISCOUNT
        last = evidence["days_since_last_sale"]
        reasons.append(f"no sale in the last {days} days" + (
            f" (the last one {last} days ago)" if last is not None else
            f" and none in the {HISTORY_DAYS} days of history read"))
    else:
        discount = 10 + 5 * math.log2(cover / COVER_TARGET)
        reasons.append(f"{evidence['stock_on_hand']} in stock last about {cover} days at "
                       f"{evidence['units_per_day']} a day")
    if evidence["units_per_day"] < evidence["catalogue_median_units_per_day"]:
        reasons.append("sells slower than the catalogue's median product")
    if evidence["on_sale"]:
        discount -= 10
        reasons.append("already on sale: a further cut is smaller")
    rating = evidence["rating"]
    if rating is not None and Decimal(rating) < Decimal("3.5"):
        discount -= 5
        reasons.append(f"rated {rating}: price may not be what holds it back")
    return int(max(MIN_DISCOUNT, min(MAX_DISCOUNT, round(discount / 5) * 5))), reasons


def product_context(store: Store, sessions: sessionmaker, product_id: int,
                    now: datetime | None = None) -> dict | None:
    now = now or datetime.now(timezone.utc)
    product = store.product(product_id)
    if product is None:
        return None
    orders = store.orders(after=now - timedelta(days=HISTORY_DAYS), before=now)
    windows = {}
    for days in (7, 30, 90):
        window = Window.last(days, now)
        units = revenue = 0
        for order in sales.counted(orders):
            if window.holds(order.date_created):
                for line in order.lines:
                    if line.product_id == product.id:
                        units += line.quantity
                        revenue += line.total
        windows[f"last_{days}_days"] = {"units": units, "revenue": price(Decimal(revenue))}
    reviews = store.reviews(product_id=product.id)
    with sessions() as session:
        questions = assistant.questions_about(session, product.id, product.name,
                                              Window.last(HISTORY_DAYS, now))
    return {
        "product_id": product.id, "name": product.name, "type": product.type,
        "currency": store.currency, "price": price(product.price),
        "regular_price": price(min((v.regular_price for v in product.variations),
                                   default=product.regular_price)),
        "on_sale": product.on_sale,
        "stock_on_hand": total_stock(product), "in_stock": product.in_stock,
        "categories": [c.name for c in product.categories], "tags": list(product.tags),
        "attributes": {a.name: list(a.options) for a in product.attributes},
        "variations": [{"id": v.id, "options": dict(v.attributes), "price": price(v.price),
                        "regular_price": price(v.regular_price), "in_stock": v.in_stock,
                        "stock_quantity": v.stock_quantity} for v in product.variations],
        "price_history": None,  # the store keeps no price history: unknown, not invented
        "sales": windows,
        "rating": price(product.average_rating), "rating_count": product.rating_count,
        "recent_reviews": [{"rating": r.rating, "text": r.text, "reviewer": r.reviewer,
                            "verified": r.verified, "date": r.date_created.date().isoformat()}
                           for r in reviews[:5]],
        "shopper_questions": questions,
    }
