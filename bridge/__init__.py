"""The fahad-ai bridge: one agent core answering a WooCommerce store's AI traffic.

core: Core (the frozen parts), build_core, current_core, core_of, Jobs
app: create_app, the web app's composition root (adds each channel: init_app(app, core))
cli: the fahad-bridge command, the command line's composition root (Setup)
settings: Settings, load_settings; errors: BridgeError, every error code, the handlers,
  from_store
routes: ROUTES, Route, Gate, NAMESPACE; gates: GATES (one function per gate), guard,
  register, Identity; ratelimit: make_limiter and the limits' keys
security: nonces, the signed context, webhook signatures, cart ids
health: GET /healthz and its dependency checks (Health)
db: Base, make_engine, upgrade, migrate; models: the bridge's tables; usage: tokens, cost,
  the daily cap and the monthly budget
inputs: body and field readers; proxies: TrustedProxies, client_address; bodies: BodyBuffer
  (bodies read whole, 413/408); redact: Redactor, RedactingFilter (no secret in a log line)
server/: gunicorn for `serve` and config/gunicorn.conf.py (options and worker hooks,
  BridgeWorker, BridgeLogger)
agent/: core (Agent, TurnRequest), history, events, turn, prompt, tools/, providers/, offline/
store/: base (Store, its capabilities, its records), rules (cart rules every store and
  caller shares), readonly, visibility, demo/, woocommerce/
catalog/: index, cards, money, text, sync, worker; visual/: visual search (VisualSearch)
"""


def create_app(settings=None, core=None):
    """Build the bridge app (see bridge.app.create_app).

    Imported on first call, so that using one module of the bridge (the CLI, a store, the
    index) doesn't load Flask and every model SDK.
    """
    from .app import create_app as build

    return build(settings, core)


__all__ = ["create_app"]
