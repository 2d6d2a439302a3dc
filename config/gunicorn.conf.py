# Gunicorn settings for running the bridge as a production service:
#   gunicorn -c config/gunicorn.conf.py
# Several workers need FAHAD_RATELIMIT_STORAGE=redis://... so they share one rate-limit bucket,
# and FAHAD_DATABASE_URL=postgresql+psycopg://... for state every worker sees.
wsgi_app = "bridge:create_app()"
bind = "127.0.0.1:8080"
workers = 2
worker_class = "gthread"  # a /stream response holds its thread until the turn ends
threads = 8
timeout = 120
accesslog = "-"


def on_starting(server):
    """Migrate once in the master, before any worker opens the database."""
    from bridge.cli import migrate_database
    from bridge.settings import load_settings

    migrate_database(load_settings())
