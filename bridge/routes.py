"""The route table: every fahad-ai/v1 route, declared once with its method, gate and body cap.

Channels register their views from this table (``bridge.gates.register``), so a route
cannot exist without its gate; a test compares the app's URL map with ``ROUTES``.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

NAMESPACE = "/wp-json/fahad-ai/v1"

KIB = 1024
DEFAULT_BODY = 16 * KIB  # a route's body cap unless it names one; also any other path's


class Gate(StrEnum):
    STOREFRONT = "storefront"  # nonce or signed context, soft pause, rate limit
    STOREFRONT_BILLABLE = "storefront+cap"  # the same, then the daily cap
    STOREFRONT_POLL = "storefront-poll"  # nonce or signed context, a rate bucket of its own
    SHOPPER = "shopper"  # a signed-in shopper's signed context, soft pause, the storefront limit
    ADMIN = "admin"  # signed context with manage_woocommerce
    WHATSAPP = "whatsapp"  # verify token / X-Hub-Signature-256
    STORE_WEBHOOK = "store-webhook"  # X-WC-Webhook-Signature
    AGENT = "agent"  # public and read only, with its own per-IP rate limit
    WEBSOCKET = "websocket"  # the upgrade; its first frame proves who (storefront/socket_chat.py)
    SIGNED = "signed"  # a signed context and nothing else (fahad-bridge doctor's round trip)
    API_KEY = "api-key"  # a server's API key (no browser Origin), its scope, its rate limit
    API_KEY_BILLABLE = "api-key+cap"  # the same, then soft pause and the daily cap
    PUBLIC = "public"


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    endpoint: str
    gate: Gate
    max_body: int = DEFAULT_BODY
    scope: str | None = None  # the API key scope the route needs (API_KEY gates)

    @property
    def url(self) -> str:
        return NAMESPACE + self.path


ROUTES = (
    Route("POST", "/message", "storefront.message", Gate.STOREFRONT_BILLABLE, 256 * KIB),
    Route("POST", "/stream", "storefront.stream", Gate.STOREFRONT_BILLABLE, 256 * KIB),
    Route("POST", "/cart", "storefront.cart", Gate.STOREFRONT),
    Route("POST", "/feedback", "storefront.feedback", Gate.STOREFRONT),
    # A 5 MiB image plus the multipart envelope and the filter fields. Not billable: the
    # contract's daily cap counts chat turns only.
    Route("POST", "/visual-search", "storefront.visual_search", Gate.STOREFRONT,
          5 * 1024 * KIB + 64 * KIB),
    Route("POST", "/handoff", "storefront.handoff", Gate.STOREFRONT),
    Route("GET", "/conversation", "storefront.conversation", Gate.STOREFRONT_POLL),
    # The chat over a WebSocket; its frames are capped by websocket_max_message.
    Route("GET", "/ws", "storefront.websocket", Gate.WEBSOCKET),
    Route("POST", "/conversation/erase", "storefront.erase", Gate.STOREFRONT),
    Route("GET", "/whatsapp", "whatsapp.handshake", Gate.WHATSAPP),
    # Meta batches at most a few hundred small updates per delivery.
    Route("POST", "/whatsapp", "whatsapp.webhook", Gate.WHATSAPP, 1024 * KIB),
    Route("POST", "/webhooks/woocommerce", "webhooks.woocommerce", Gate.STORE_WEBHOOK, 1024 * KIB),
    Route("GET", "/admin/insights", "admin_copilot.insights", Gate.ADMIN),
    Route("GET", "/admin/sale-candidates", "admin_copilot.sale_candidates", Gate.ADMIN),
    Route("GET", "/admin/product-context", "admin_copilot.product_context", Gate.ADMIN),
    Route("GET", "/admin/review-drafts", "admin_copilot.review_drafts", Gate.ADMIN),
    Route("GET", "/admin/conversations", "admin_copilot.conversations", Gate.ADMIN),
    Route("GET", "/admin/conversation", "admin_copilot.conversation", Gate.ADMIN),
    Route("POST", "/admin/conversation/reply", "admin_copilot.reply", Gate.ADMIN),
    Route("POST", "/admin/conversation/take-over", "admin_copilot.take_over", Gate.ADMIN),
    Route("POST", "/admin/conversation/hand-back", "admin_copilot.hand_back", Gate.ADMIN),
    Route("POST", "/admin/conversation/resolve", "admin_copilot.resolve", Gate.ADMIN),
    Route("POST", "/admin/conversation/erase", "admin_copilot.erase", Gate.ADMIN),
    Route("GET", "/admin/webhook-deliveries", "admin_copilot.webhook_deliveries", Gate.ADMIN),
    Route("GET", "/admin/inbox-insights", "admin_copilot.inbox_insights", Gate.ADMIN),
    Route("GET", "/agent/llms", "agent_gateway.llms", Gate.AGENT),
    Route("GET", "/agent/catalog", "agent_gateway.catalog", Gate.AGENT),
    Route("GET", "/agent/search", "agent_gateway.search", Gate.AGENT),
    Route("GET", "/agent/product", "agent_gateway.product", Gate.AGENT),
    Route("GET", "/agent/checkout-handoff", "agent_gateway.checkout_handoff", Gate.AGENT),
    Route("GET", "/agent/feed", "agent_gateway.feed", Gate.AGENT),
    # JSON-RPC messages are small; 64 KiB leaves room for a client's capabilities.
    Route("POST", "/agent/mcp", "agent_gateway.mcp", Gate.AGENT, 64 * KIB),
    Route("GET", "/doctor", "doctor.probe", Gate.SIGNED),
    # A signed-in shopper's own orders and saved addresses (read only).
    Route("GET", "/orders", "storefront.orders", Gate.SHOPPER),
    Route("GET", "/order", "storefront.order", Gate.SHOPPER),
    Route("GET", "/addresses", "storefront.addresses", Gate.SHOPPER),
    # Apps and headless shops, with a server-side API key and their own user id.
    Route("POST", "/app/message", "app_api.message", Gate.API_KEY_BILLABLE, 256 * KIB,
          scope="chat"),
    Route("POST", "/app/stream", "app_api.stream", Gate.API_KEY_BILLABLE, 256 * KIB,
          scope="chat"),
    # The chat over a WebSocket with the key in its auth frame or upgrade (never the URL).
    Route("GET", "/app/ws", "app_api.websocket", Gate.WEBSOCKET),
    Route("GET", "/app/conversations", "app_api.conversations", Gate.API_KEY,
          scope="conversations:read"),
    Route("GET", "/app/conversation", "app_api.conversation", Gate.API_KEY,
          scope="conversations:read"),
    Route("GET", "/app/personas", "app_api.personas", Gate.API_KEY, scope="chat"),
    Route("POST", "/app/handoff", "app_api.handoff", Gate.API_KEY, scope="chat"),
    Route("POST", "/app/feedback", "app_api.feedback", Gate.API_KEY, scope="chat"),
    Route("POST", "/app/conversation/erase", "app_api.erase", Gate.API_KEY, scope="chat"),
    Route("GET", "/app/orders", "app_api.orders", Gate.API_KEY, scope="orders:read"),
    Route("GET", "/app/order", "app_api.order", Gate.API_KEY, scope="orders:read"),
    Route("GET", "/app/addresses", "app_api.addresses", Gate.API_KEY, scope="orders:read"),
    Route("GET", "/app/analytics", "app_api.analytics", Gate.API_KEY, scope="analytics:read"),
    # The agent gateway's catalogue answers, for a key (search adds facets and page tokens).
    Route("GET", "/app/catalog", "app_api.catalog", Gate.API_KEY, scope="catalog:read"),
    Route("GET", "/app/search", "app_api.search", Gate.API_KEY, scope="catalog:read"),
    Route("GET", "/app/product", "app_api.product", Gate.API_KEY, scope="catalog:read"),
    Route("GET", "/admin/api-keys", "app_api.keys", Gate.ADMIN),
    Route("POST", "/admin/api-keys", "app_api.create_key", Gate.ADMIN),
    Route("POST", "/admin/api-keys/revoke", "app_api.revoke_key", Gate.ADMIN),
    Route("POST", "/admin/api-keys/customer", "app_api.link_customer", Gate.ADMIN),
)

STOREFRONT_GATES = (Gate.STOREFRONT, Gate.STOREFRONT_BILLABLE)
API_KEY_GATES = (Gate.API_KEY, Gate.API_KEY_BILLABLE)
BILLABLE_GATES = (Gate.STOREFRONT_BILLABLE, Gate.API_KEY_BILLABLE)

