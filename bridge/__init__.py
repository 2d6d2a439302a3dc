"""The fahad-ai bridge: one agent core answering a WooCommerce store's AI traffic.

app: create_app, Bridge (what app.extensions["fahad"] holds)
settings: Settings, load_settings, current_settings
routes: ROUTES, Route, Gate, NAMESPACE, register; gates: guard, Identity, the gate checks
security: nonces, the signed context, cart ids; errors: BridgeError, codes, handlers,
  from_store; health: GET /healthz and its dependency checks (Health)
db: Base, make_engine, get_session, upgrade; models: the tables; usage: the daily cap
inputs: body and field readers; sync: make_store, all_products, sync_demo_index
proxies: TrustedProxies, client_address; bodies: BodyBuffer (bodies read whole, 413/408)
redact: Redactor, RedactingFilter (no secret in a log line)
server/: gunicorn for `serve` and config/gunicorn.conf.py (options, BridgeWorker, BridgeLogger)
agent/: core (Agent, TurnRequest), events, turn, tools, providers, offline
store/: base (Store, its capabilities, its records), rules, demo, woocommerce;
  catalog/: index, cards, money, text
cli: the fahad-bridge command
"""


def create_app(settings=None):
    """Build the bridge app (see bridge.app.create_app).

    Imported on first call, so that using one module of the bridge (the CLI, a store, the
    index) doesn't load Flask and every model SDK.
    """
    from .app import create_app as build

    return build(settings)


__all__ = ["create_app"]
