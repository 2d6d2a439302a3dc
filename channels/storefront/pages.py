"""Pages of the standalone demo shop: the storefront with the widget, the checkout-link
summary and the widget's files, and for a shop living in this process (Store.local) its
product pages and images."""
from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, Response, abort, render_template, request, send_from_directory

from bridge.catalog.cards import card
from bridge.catalog.money import display
from bridge.core import current_core
from bridge.models import AnalyticsEvent
from bridge.routes import NAMESPACE
from bridge.security import issue_nonce
from bridge.store import rules

bp = Blueprint("pages", __name__, template_folder="templates")
bp.add_app_template_global(display, "money")

ASSETS = Path(__file__).resolve().parents[2] / "wp-plugin" / "fahad-ai-bridge" / "assets"
FEATURED = 8


WIDGET = {"widget_css": "/assets/chat-widget.css", "widget_js": "/assets/chat-widget.js"}


def widget_config(core, **extra) -> dict:
    """window.fahadAiChatbot for a demo page, as the plugin writes it on a WordPress one."""
    return {"restUrl": core.settings.base_url + NAMESPACE + "/",
            "nonce": issue_nonce(core.settings.bridge_secret),
            "name": f"{core.settings.store_name} assistant", **extra}


@bp.get("/")
def home():
    core = current_core()
    featured = core.index.search("", in_stock=True, limit=FEATURED).cards
    return render_template("demo.html", store_name=core.settings.store_name,
                           featured=featured, widget_config=widget_config(core),
                           assistant=answering(core.providers), **WIDGET)


def answering(providers) -> dict:
    """Who answers the chat (the first provider of the chain), in plain words, and how to
    switch: the demo must not pass the built-in assistant off as a model, or the reverse."""
    first = providers[0]
    if first.name == "offline":
        return {"model": False, "who": "the built-in assistant",
                "what": "No AI model and no API key: it reads what you type by rules (searches "
                        "with a budget, details, comparisons, the cart, the store's policies, "
                        "in seven languages) and answers from the store. Nothing leaves this "
                        "machine.",
                "switch": "To let Claude answer, put ANTHROPIC_API_KEY=sk-ant-... in the .env "
                          "file of the project folder (or the environment) and restart "
                          "scripts/serve."}
    who = f"Claude ({first.model})" if first.name == "anthropic" else \
        f"{first.model} (an OpenAI-compatible model)"
    return {"model": True, "who": who,
            "what": "A language model writes the answers; every price, stock level and product "
                    "comes from the store through its tools. Should it fail, the built-in "
                    "assistant answers instead.",
            "switch": "To use only the built-in assistant (no model, no API key), set "
                      "FAHAD_PROVIDERS=offline and restart."}


@bp.get("/assets/<path:name>")
def assets(name: str):
    return send_from_directory(ASSETS, name, max_age=300)


@bp.get("/demo-media/<int:product_id>.png")
def image(product_id: int):
    shop = current_core().store.local
    png = shop.image_png(product_id) if shop is not None else None
    if png is None:
        abort(404)
    return Response(png, mimetype="image/png", headers={"Cache-Control": "public, max-age=86400"})


@bp.get("/product/<slug>/")
def product(slug: str):
    core = current_core()
    shop = core.store.local
    found = shop.product_by_slug(slug) if shop is not None else None
    if found is None:
        abort(404)
    # The widget knows the page's product: "is it in stock?" means this one.
    config = widget_config(core, product={"id": found.id, "name": found.name})
    return render_template("product.html", store_name=core.settings.store_name,
                           product=found, card=card(found, core.store.currency),
                           widget_config=config, **WIDGET)


@bp.get("/checkout-link/")
def checkout_link():
    """The demo store's stand-in for WooCommerce's shareable checkout link."""
    core = current_core()
    items = []
    for part in request.args.get("products", "").split(",")[:20]:
        match = re.fullmatch(r"\s*(\d{1,10}):(\d{1,3})\s*", part)
        found = rules.find(core.store, int(match.group(1))) if match else None
        if found is not None:
            product, variation = found
            quantity = int(match.group(2))
            price = (variation or product).price
            items.append({"name": product.label(variation), "quantity": quantity,
                          "price": price, "total": price * quantity})
    if items:  # the funnel's last step in the inbox insights (chat -> cart -> checkout)
        with core.sessions.begin() as session:
            session.add(AnalyticsEvent(kind="checkout_click", channel="storefront",
                                       detail={"items": len(items)}))
    return render_template("checkout.html", store_name=core.settings.store_name, items=items,
                           currency=core.store.currency,
                           total=sum((i["total"] for i in items), 0))
