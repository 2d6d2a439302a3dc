"""``fahad-bridge api-keys``: a store manager's keys from the command line (create shows the
key once; list never shows it)."""
from __future__ import annotations

import click

from ..errors import BridgeError
from . import keys


@click.group("api-keys")
def api_keys() -> None:
    """Server-side API keys for apps and headless shops."""


def _sessions(setup):
    return setup.core().sessions


@api_keys.command()
@click.option("--name", required=True, help="What the key is for (shown in lists).")
@click.option("--mode", type=click.Choice(keys.MODES), default="live", show_default=True,
              help="test keys never change a live store's cart.")
@click.option("--scope", "scopes", multiple=True, required=True, type=click.Choice(keys.SCOPES),
              help="A scope the key carries; repeat for more.")
@click.option("--rate-limit", type=int, help="Requests per window (default: the settings').")
@click.option("--rate-window", type=int, help="The window in seconds.")
@click.pass_obj
def create(setup, name: str, mode: str, scopes: tuple[str, ...], rate_limit: int | None,
           rate_window: int | None) -> None:
    """Make a key and print it, once."""
    settings = setup.settings()
    try:
        raw, view = keys.create_key(_sessions(setup), name, mode, list(scopes),
                                    rate_limit or settings.api_key_rate_limit,
                                    rate_window or settings.api_key_rate_window)
    except BridgeError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"{view['id']} {view['mode']} {' '.join(view['scopes'])}")
    click.echo(raw)
    click.echo("Copy the key now: it is not stored and can't be shown again.", err=True)


@api_keys.command("list")
@click.pass_obj
def list_(setup) -> None:
    """The keys: id, mode, state, prefix, scopes, limit, last used (never the key)."""
    for view in keys.list_keys(_sessions(setup)):
        state = "active" if view["active"] else "revoked"
        click.echo(f"{view['id']}  {view['mode']:<4}  {state:<7}  {view['prefix']}…  "
                   f"{','.join(view['scopes'])}  {view['rate_limit']}/{view['rate_window']}s  "
                   f"last used {view['last_used_at'] or 'never'}  {view['name']}")


@api_keys.command()
@click.argument("key_id")
@click.pass_obj
def revoke(setup, key_id: str) -> None:
    """Revoke a key by its id: it is refused from now on."""
    try:
        keys.revoke_key(_sessions(setup), key_id)
    except BridgeError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"revoked {key_id}")


@api_keys.command()
@click.argument("key_id")
@click.argument("app_user")
@click.argument("customer_id", type=int)
@click.pass_obj
def link(setup, key_id: str, app_user: str, customer_id: int) -> None:
    """Link an app's user to a store customer (0 unlinks): their orders and addresses."""
    try:
        keys.link_customer(_sessions(setup), key_id, app_user, customer_id)
    except BridgeError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"{app_user} of {key_id} -> customer {customer_id or 'none'}")
