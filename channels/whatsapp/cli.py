"""`fahad-bridge whatsapp ...`: the store's handoff list and release, and the RQ worker."""
from __future__ import annotations

from contextlib import contextmanager

import click


def _bridge_app():
    from bridge.app import create_app
    from bridge.cli import _settings, migrate_database

    settings = _settings()
    migrate_database(settings)
    return create_app(settings)


@contextmanager
def _sessions():
    """Sessions on the bridge's database, brought up to date first."""
    from sqlalchemy.orm import sessionmaker

    from bridge import db
    from bridge.cli import _settings, migrate_database

    settings = _settings()
    migrate_database(settings)
    engine = db.make_engine(settings)
    try:
        yield sessionmaker(engine)
    finally:
        engine.dispose()


@click.group()
def whatsapp() -> None:
    """The WhatsApp channel."""


@whatsapp.command()
def handoffs() -> None:
    """List the customers a person from the store is answering (the bot is silent)."""
    from . import ledger

    with _sessions() as sessions:
        rows = ledger.handoffs(sessions)
    if not rows:
        click.echo("no customers are handed off")
    for phone, name, since in rows:
        click.echo(f"{phone}\t{name or ''}\tsince {since:%Y-%m-%d %H:%M} UTC")


@whatsapp.command()
@click.argument("phone")
def release(phone: str) -> None:
    """Give customer PHONE (as WhatsApp sends it: digits with country code) back to the bot."""
    from . import ledger

    with _sessions() as sessions:
        released = ledger.release_handoff(sessions, phone.lstrip("+"))
    if not released:
        raise click.ClickException(f"{phone} is not handed off")
    click.echo(f"{phone} is back with the assistant")


@whatsapp.command()
@click.option("--burst", is_flag=True, help="Answer what is queued, then exit.")
def worker(burst: bool) -> None:
    """Run WhatsApp replies from the Redis queue (whatsapp_runner = "rq")."""
    from rq import SimpleWorker

    from . import runner

    app = _bridge_app()
    channel = app.extensions["whatsapp"]
    if not isinstance(channel.runner, runner.RQRunner):
        raise click.ClickException('set whatsapp_runner = "rq" (FAHAD_WHATSAPP_RUNNER=rq) '
                                   "and whatsapp_redis_url first")
    runner.CURRENT.update(responder=channel.responder, runner=channel.runner,
                          name=runner.worker_name("rq"))
    channel.runner.recover()
    # SimpleWorker runs jobs in this process, where the app is already built.
    SimpleWorker([channel.runner.queue], connection=channel.runner.connection).work(burst=burst)
