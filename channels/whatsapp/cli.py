"""`fahad-bridge whatsapp ...`: the store's handoff list and release, and the RQ worker.

Each command is handed the command line's ``Setup`` (bridge/cli.py) as click's context
object: the settings, the database brought up to date, the core.
"""
from __future__ import annotations

from contextlib import contextmanager

import click


@contextmanager
def _sessions(setup):
    """Sessions on the bridge's database, brought up to date first."""
    from sqlalchemy.orm import sessionmaker

    from bridge import db

    engine = db.make_engine(setup.migrated())
    try:
        yield sessionmaker(engine)
    finally:
        engine.dispose()


@click.group()
def whatsapp() -> None:
    """The WhatsApp channel."""


@whatsapp.command()
@click.pass_obj
def handoffs(setup) -> None:
    """List the customers a person from the store is answering (the bot is silent)."""
    from . import ledger

    with _sessions(setup) as sessions:
        rows = ledger.handoffs(sessions)
    if not rows:
        click.echo("no customers are handed off")
    for phone, name, since in rows:
        click.echo(f"{phone}\t{name or ''}\tsince {since:%Y-%m-%d %H:%M} UTC")


@whatsapp.command()
@click.argument("phone")
@click.pass_obj
def release(setup, phone: str) -> None:
    """Give customer PHONE (as WhatsApp sends it: digits with country code) back to the bot."""
    from . import ledger

    with _sessions(setup) as sessions:
        released = ledger.release_handoff(sessions, phone.lstrip("+"))
    if not released:
        raise click.ClickException(f"{phone} is not handed off")
    click.echo(f"{phone} is back with the assistant")


@whatsapp.command()
@click.option("--burst", is_flag=True, help="Answer what is queued, then exit.")
@click.pass_obj
def worker(setup, burst: bool) -> None:
    """Run WhatsApp replies from the Redis queue (whatsapp_runner = "rq")."""
    from rq import SimpleWorker

    from . import build, runner

    core = setup.core()
    channel = build(core)
    if not isinstance(channel.runner, runner.RQRunner):
        raise click.ClickException("set FAHAD_WHATSAPP_RUNNER=rq and FAHAD_WHATSAPP_REDIS_URL "
                                   "(redis://...) first")
    if core.settings.whatsapp_enabled:
        core.jobs.add(channel.runner)  # its sweep queues again what lost its job
    core.start()
    try:
        runner.CURRENT.update(responder=channel.responder, runner=channel.runner,
                              name=runner.worker_name("rq"))
        channel.runner.recover()
        # SimpleWorker runs jobs in this process, where the core is already built.
        SimpleWorker([channel.runner.queue], connection=channel.runner.connection).work(
            burst=burst)
    finally:
        core.stop()


def meta_check(settings):
    """`fahad-bridge doctor`'s WhatsApp check: Meta accepts the access token and knows the
    phone number id (one read of the number; nothing is sent)."""
    import httpx
    from pywa.errors import WhatsAppError

    from bridge.doctor import FAIL, OK, SKIP, WARN, Finding
    from bridge.settings import env_name

    from .graph import make_client

    token, phone = settings.whatsapp_access_token, settings.whatsapp_phone_number_id
    if not token and not phone:
        return Finding("whatsapp", SKIP, "not configured (no access token or phone number id)")
    missing = [env_name(k) for k, v in (("whatsapp_access_token", token),
                                        ("whatsapp_phone_number_id", phone)) if not v]
    if missing:
        return Finding("whatsapp", FAIL, f"set {' and '.join(missing)} as well")
    try:
        number = make_client(settings).api.get_business_phone_number(
            phone_id=phone, fields=("display_phone_number", "verified_name"))
    except WhatsAppError as exc:
        if exc.code == 190:
            return Finding("whatsapp", FAIL, f"Meta refused {env_name('whatsapp_access_token')}"
                           f" ({exc.code}: {exc.message}); make a permanent system-user token")
        return Finding("whatsapp", FAIL, f"Meta has no phone number {phone} for this token "
                       f"({exc.code}: {exc.message}); {env_name('whatsapp_phone_number_id')} "
                       "is the number's id (WhatsApp > API Setup), not the number")
    except httpx.HTTPError as exc:
        return Finding("whatsapp", FAIL, f"the Graph API can't be reached ({type(exc).__name__})")
    shown = f"{number.get('verified_name', '?')} ({number.get('display_phone_number', phone)})"
    if not settings.whatsapp_enabled:
        return Finding("whatsapp", WARN, f"Meta knows {shown}, but the webhook refuses "
                       f"deliveries until {env_name('whatsapp_verify_token')} and "
                       f"{env_name('whatsapp_app_secret')} are set")
    return Finding("whatsapp", OK, f"Meta accepts the token for {shown}")
