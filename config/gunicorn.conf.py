# Gunicorn settings for running the bridge as a production service:
#   gunicorn -c config/gunicorn.conf.py
# Several workers need FAHAD_RATELIMIT_STORAGE=redis://... so they share one rate-limit bucket,
# and FAHAD_DATABASE_URL=postgresql+psycopg://... for state every worker sees.
from bridge.server import options as _options
from bridge.settings import load_settings as _load_settings

_settings = _load_settings()

wsgi_app = "bridge:create_app()"
bind = "127.0.0.1:8080"
workers = 2
# The worker kind is FAHAD_WORKER's: gevent (the default, a greenlet per connection, up to
# worker_connections each) or gthread (threads each; an open /stream holds one).
threads = 8
worker_connections = 1000
# The rest as `fahad-bridge serve` has it: that worker with deadlines for slow clients,
# logs with secrets masked, the access log on stdout, the trusted proxies, the control
# socket in the data folder, and each worker starting its core's background work and then
# freezing its heap.
globals().update(_options(_settings))


def on_starting(server):
    """Migrate once in the master, before any worker opens the database."""
    from bridge.db import migrate

    if not _settings.public_url:
        server.log.warning("FAHAD_PUBLIC_URL is not set: links will point at %s",
                           _settings.base_url)
    migrate(_settings)
