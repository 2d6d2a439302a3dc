"""The fahad-bridge command: serve, nonce, sync, migrate, api-keys, and each channel's own
commands.

The composition root of the command line, as bridge/app.py is of the web app: with it the
only module of ``bridge`` that imports a channel. Every command, a channel's too, is handed
a ``Setup`` as click's context object.
"""
from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import click

from channels.whatsapp.cli import meta_check, whatsapp

from . import db
from .apikeys.cli import api_keys
from .security import issue_nonce
from .settings import WORKERS, Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from .core import Core


class Setup:
    """What a command starts from: the settings, the database brought up to date, the core."""

    def settings(self, **overrides) -> Settings:
        try:
            return load_settings(**overrides)
        except SettingsError as exc:
            raise click.ClickException(f"settings: {exc}") from None

    def migrated(self) -> Settings:
        settings = self.settings()
        db.migrate(settings)
        return settings

    def core(self) -> "Core":
        """The core on the migrated database; nothing started."""
        from .core import build_core

        return build_core(self.migrated())


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """The fahad-ai bridge: an AI shopping assistant for a WooCommerce store."""
    ctx.obj = Setup()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes; more than one needs Redis for shared rate limits.")
@click.option("--worker", "worker_kind", type=click.Choice(WORKERS),
              help="gevent: a greenlet per connection, hundreds of open /stream turns per "
                   "worker; gthread: a thread per request, each open /stream holds one. "
                   "[default: the worker setting, gevent]")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256),
              help="Threads per gthread worker.")
@click.option("--connections", default=1000, show_default=True,
              type=click.IntRange(1, 100_000), help="Connections per gevent worker.")
@click.pass_obj
def serve(setup: Setup, host: str, port: int, workers: int, worker_kind: str | None,
          threads: int, connections: int) -> None:
    """Start the bridge (standalone on the embedded demo store unless configured)."""
    from gunicorn.app.base import BaseApplication

    from .server import logs, options

    url_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    settings = setup.settings(**({"worker": worker_kind} if worker_kind else {}))
    if not settings.public_url:
        settings = settings.replace(public_url=f"http://{url_host}:{port}")
        if url_host != host:
            click.echo(f"warning: links will point at {settings.public_url}; set "
                       "FAHAD_PUBLIC_URL to the address people reach this bridge at", err=True)
    logs.configure(settings)
    if workers > 1 and settings.ratelimit_storage.startswith("memory://"):
        click.echo("warning: with several workers, memory:// rate limits are per worker; "
                   "set FAHAD_RATELIMIT_STORAGE to a redis:// URL", err=True)
    db.migrate(settings)

    class Server(BaseApplication):
        def load_config(self):
            chosen = {"bind": f"{host}:{port}", "workers": workers, "threads": threads,
                      "worker_connections": connections, **options(settings)}
            for key, value in chosen.items():
                if key in self.cfg.settings:  # the control socket is new in gunicorn 25.1
                    self.cfg.set(key, value)

        def load(self):
            # In the worker, after the gevent worker patched the standard library.
            from .app import create_app

            return create_app(settings)

    click.echo(f"fahad-ai bridge on http://{url_host}:{port}/ (store: {settings.store}, "
               f"{settings.worker} worker)")
    Server().run()


@main.command()
@click.pass_obj
def nonce(setup: Setup) -> None:
    """Print a valid storefront nonce for standalone mode (send it as X-WP-Nonce)."""
    click.echo(issue_nonce(setup.settings().bridge_secret))


@main.command()
@click.option("--reconcile", is_flag=True,
              help="Only refresh what changed since the last sync, and drop what was unpublished.")
@click.pass_obj
def sync(setup: Setup, reconcile: bool) -> None:
    """Sync this host's catalogue index from the store (all products, with a progress bar)."""
    import time

    from sqlalchemy.orm import sessionmaker

    from .catalog import sync as catalog
    from .catalog.index import CatalogIndex
    from .store import make_store
    from .store.base import StoreUnavailable
    from .visual import VisualSearch
    from .visual.sync import sync_images

    settings = setup.settings()
    engine = db.make_engine(settings)
    try:
        store = make_store(settings, sessionmaker(engine))
        index = CatalogIndex(settings.data_path / f"catalog-{settings.store}.sqlite3")
        started = time.monotonic()
        if reconcile:
            refreshed, removed = catalog.reconcile(store, index)
            click.echo(f"reconciled: {refreshed} products refreshed, {removed} removed")
        else:
            with click.progressbar(length=0, label="syncing products", show_pos=True) as bar:
                def progress(done: int, total: int) -> None:
                    bar.length = total
                    bar.update(done - bar.pos)
                count = catalog.full_sync(store, index, progress)
            click.echo(f"synced {count} products in {time.monotonic() - started:.1f} s")
        visual = VisualSearch.build(settings, store, index, sessionmaker(engine))
        for name, images in sync_images(visual, store, settings).items():
            click.echo(f"product images ({name}): {images['computed']} described, "
                       f"{images['failed']} unusable, {images['removed']} removed")
    except StoreUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        engine.dispose()


@main.command()
@click.pass_obj
def migrate(setup: Setup) -> None:
    """Bring the database schema up to date."""
    setup.migrated()
    click.echo("database is up to date")


@main.command()
@click.option("--wordpress", metavar="URL",
              help="The WordPress site whose plugin forwards to this bridge "
                   "(default: FAHAD_WC_URL with a WooCommerce store).")
@click.pass_obj
def doctor(setup: Setup, wordpress: str | None) -> None:
    """Check the configuration against reality and say what to fix; changes nothing."""
    from . import doctor as checkup
    from .doctor.checks import Doctor

    settings = setup.settings()
    doctor = Doctor(settings, wordpress)
    checks = [*doctor.checks(), partial(meta_check, settings)]

    def report(finding: checkup.Finding) -> None:
        # Whatever a store or Meta said in a message, no configured secret is printed.
        click.echo(f"{finding.status:<5} {finding.check:<15} {doctor.redact(finding.detail)}")

    found = checkup.run(checks, report)
    failed = [f for f in found if f.status == checkup.FAIL]
    if failed:
        raise click.ClickException(f"{len(failed)} of {len(found)} checks failed")
    counts = {status: sum(f.status == status for f in found)
              for status in (checkup.OK, checkup.WARN, checkup.SKIP)}
    click.echo("no check failed: {ok} ok, {warn} to look at, {skip} skipped".format(**counts))


# Channels' own command groups, and the API keys'.
main.add_command(whatsapp)
main.add_command(api_keys)
