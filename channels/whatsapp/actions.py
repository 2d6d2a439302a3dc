"""What a tapped button does: add to the cart, show it, check out. The server acts on the
store itself; no model is involved and nothing a model wrote becomes a link."""
from __future__ import annotations

from sqlalchemy.orm import sessionmaker

from bridge.catalog.money import display
from bridge.errors import from_store
from bridge.security import issue_cart_id
from bridge.settings import Settings
from bridge.store.base import CartIds, Store, StoreError

from . import ledger
from .graph import Outgoing
from .models import WhatsAppContact
from .render import cut_body, text_reply

GONE = "Sorry, that product isn't available any more."


def cart_ref(settings: Settings, store: Store, contact: WhatsAppContact) -> str | None:
    """The customer's cart when the store keeps carts the bridge names (the demo), given one
    on first use; a WooCommerce cart needs the shopper's own browser session, so there the
    buttons hand over checkout links instead."""
    if store.cart_ids is not CartIds.ISSUED:
        return None
    if not contact.cart_ref:
        contact.cart_ref = issue_cart_id(settings.bridge_secret)
    return contact.cart_ref


class Actions:
    def __init__(self, settings: Settings, sessions: sessionmaker, store: Store):
        self.settings = settings
        self.sessions = sessions
        self.store = store

    def add(self, phone: str, product_id: int) -> list[Outgoing]:
        product = self.store.product(product_id)
        if product is None:
            return [text_reply(GONE)]
        cart = self._cart_ref(phone)
        if cart is None:
            link = self.store.checkout_link([(product_id, 1)])
            return [text_reply(f"You can buy *{product.name}* here:\n{link}")]
        try:
            added = self.store.add_to_cart(cart, product_id, 1)
        except StoreError as exc:
            return [text_reply(from_store(exc).message)]
        summary = f"Added *{product.name}* to your cart.\n" + _cart_lines(added)
        return [Outgoing(kind="buttons", text=cut_body(summary),
                         buttons=[["checkout", "Checkout"], ["cart", "View cart"]])]

    def cart(self, phone: str) -> list[Outgoing]:
        ref = self._cart_ref(phone)
        if ref is None:
            return [text_reply("Your cart lives on the store's website; tap a product's link "
                               "to buy it there.")]
        cart = self.store.cart(ref)
        if not cart.items:
            return [text_reply("Your cart is empty. Tell me what you're looking for!")]
        return [Outgoing(kind="buttons", text=cut_body("*Your cart*\n" + _cart_lines(cart)),
                         buttons=[["checkout", "Checkout"]])]

    def checkout(self, phone: str) -> list[Outgoing]:
        ref = self._cart_ref(phone)
        cart = self.store.cart(ref) if ref else None
        if cart is None or not cart.items:
            return [text_reply("Your cart is empty. Add something first, then tap Checkout.")]
        return [text_reply(f"Ready when you are! Check out here:\n{cart.checkout_url}")]

    def _cart_ref(self, phone: str) -> str | None:
        with self.sessions.begin() as session:
            return cart_ref(self.settings, self.store, ledger.contact(session, phone))


def _cart_lines(cart) -> str:
    lines = [f"• {item.quantity} × {item.name} — {display(item.line_total, cart.currency)}"
             for item in cart.items]
    lines.append(f"Total: {display(cart.total, cart.currency)}")
    return "\n".join(lines)
