"""Background work (the catalogue worker, WhatsApp's runner) starts from the server's
workers or an explicit ``core.start()``, never from building the core or the app."""
from __future__ import annotations

import threading

import pytest

from conftest import (SECRET, WA_ACCESS_TOKEN, WA_APP_SECRET, WA_VERIFY_TOKEN, make_app,
                      wait_for, whatsapp_config)
from fakes import meta as m
from fakes.meta import PHONE_ID, Meta
from served import ServedBridge

BACKGROUND = ("catalog-worker", "whatsapp-worker-", "whatsapp-rq-sweep")


def background_threads() -> list[str]:
    return sorted(t.name for t in threading.enumerate() if t.name.startswith(BACKGROUND))


def test_building_an_app_starts_nothing_and_core_start_starts_every_job(settings, fake,
                                                                        fake_graph):
    from fakes.woocommerce.auth import READ

    before = background_threads()
    app = make_app(whatsapp_config(settings, fake_graph.url, whatsapp_workers=2).replace(
        store="woocommerce", wc_url=fake.url, wc_consumer_key=READ[0],
        wc_consumer_secret=READ[1], wc_background_sync=True, wc_poll_interval=0.05))
    core = app.extensions["fahad"]
    try:
        assert background_threads() == before
        core.start()
        core.start()  # once only
        started = [n for n in background_threads() if n not in before]
        assert started == ["catalog-worker", "whatsapp-worker-0", "whatsapp-worker-1"]
        assert wait_for(lambda: core.index.count() > 0)  # the worker synced the catalogue
    finally:
        core.stop()
        core.engine.dispose()
    assert not any(n.startswith("whatsapp-worker-") for n in background_threads()
                   if n not in before)


@pytest.mark.parametrize("how", ["serve", "conf"])
def test_a_served_bridge_answers_what_waited_for_it(tmp_path, settings, fake_graph, how):
    """A message stored while no worker ran is answered once the server's worker starts."""
    data = tmp_path / "served"
    stored = make_app(whatsapp_config(settings.replace(data_dir=str(data)), fake_graph.url))
    assert Meta(stored.test_client(), WA_APP_SECRET).post(
        m.text("15551234567", "hoodies under $50")).status_code == 200
    stored.extensions["fahad"].engine.dispose()
    assert fake_graph.sent == []
    env = {"FAHAD_BRIDGE_SECRET": SECRET, "FAHAD_PUBLIC_URL": "http://shop.test",
           "FAHAD_WHATSAPP_VERIFY_TOKEN": WA_VERIFY_TOKEN,
           "FAHAD_WHATSAPP_APP_SECRET": WA_APP_SECRET,
           "FAHAD_WHATSAPP_ACCESS_TOKEN": WA_ACCESS_TOKEN,
           "FAHAD_WHATSAPP_PHONE_NUMBER_ID": PHONE_ID,
           "FAHAD_WHATSAPP_API_BASE": fake_graph.url, "FAHAD_WHATSAPP_POLL_INTERVAL": "0.2"}
    with ServedBridge(data, env, how=how):
        wait_for(lambda: len(fake_graph.sent) >= 2, timeout=60)
    assert [body["to"] for body in fake_graph.sent] == ["15551234567"] * 2
