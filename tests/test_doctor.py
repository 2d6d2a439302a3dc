"""`fahad-bridge doctor`: each check against the real thing (the loopback WooCommerce and
Graph API, the machine's Redis, a served bridge), when it is right and when it is wrong.
The plugin's round trip through a real WordPress is in tests/wordpress/test_wordpress_doctor.py.
"""
from __future__ import annotations

import threading

import pytest
from click.testing import CliRunner
from werkzeug.serving import make_server

from bridge import cli, db
from bridge.doctor import FAIL, OK, SKIP, WARN
from bridge.doctor.checks import WEBHOOK_PATH, WEBHOOK_TOPICS, Doctor
from bridge.routes import NAMESPACE
from channels.whatsapp.cli import meta_check
from conftest import SECRET, make_app, whatsapp_config

CLOSED = "127.0.0.1:9"  # discard: nothing listens there


@pytest.fixture
def served(settings):
    """The bridge served over HTTP; its public URL is its own address."""
    holder = {}

    def serve(changes=None):
        server = make_server("127.0.0.1", 0, None)
        url = f"http://127.0.0.1:{server.server_port}"
        server.server_close()
        app = make_app(settings.replace(public_url=url, **(changes or {})))
        http = make_server("127.0.0.1", int(url.rsplit(":", 1)[1]), app, threaded=True)
        threading.Thread(target=http.serve_forever, args=(0.05,), daemon=True).start()
        holder["servers"] = holder.get("servers", []) + [(http, app)]
        return url
    yield serve
    for http, app in holder.get("servers", []):
        http.shutdown()
        app.extensions["fahad"].engine.dispose()


@pytest.fixture
def woo(settings, fake):
    from fakes.woocommerce import READ, WEBHOOK_SECRET

    return settings.replace(store="woocommerce", wc_url=fake.url, wc_consumer_key=READ[0],
                            wc_consumer_secret=READ[1], wc_webhook_secret=WEBHOOK_SECRET,
                            wc_background_sync=False)


# -- database --

def test_the_database_answers_with_its_schema_up_to_date(settings):
    db.migrate(settings)
    finding = Doctor(settings).database()
    assert finding.status == OK and "up to date" in finding.detail


def test_a_database_not_created_or_not_migrated_is_named(settings):
    assert Doctor(settings).database().status == WARN  # no file yet: nothing is created
    assert not (settings.data_path / "bridge.sqlite3").exists()
    db.make_engine(settings).connect().close()  # an empty file, no schema
    finding = Doctor(settings).database()
    assert finding.status == WARN and "fahad-bridge migrate" in finding.detail


def test_a_database_that_does_not_answer_fails_without_showing_its_password(settings):
    url = f"postgresql+psycopg://bridge:hunter2@{CLOSED}/bridge?connect_timeout=2"
    finding = Doctor(settings.replace(database_url=url)).database()
    assert finding.status == FAIL and "FAHAD_DATABASE_URL" in finding.detail
    assert "hunter2" not in finding.detail and "127.0.0.1:9" in finding.detail


# -- Redis --

def test_redis_is_skipped_when_nothing_uses_it(settings):
    assert Doctor(settings).redis().status == SKIP


def test_redis_answers(settings, redis_url):
    finding = Doctor(settings.replace(ratelimit_storage=redis_url, whatsapp_runner="rq",
                                      whatsapp_redis_url=redis_url)).redis()
    assert finding.status == OK and "FAHAD_WHATSAPP_REDIS_URL" in finding.detail


def test_a_redis_that_does_not_answer_is_named_by_its_variable(settings):
    finding = Doctor(settings.replace(ratelimit_storage=f"redis://:pw123@{CLOSED}/0")).redis()
    assert finding.status == FAIL and "FAHAD_RATELIMIT_STORAGE" in finding.detail
    assert "pw123" not in finding.detail


# -- the store's keys --

def test_the_demo_store_has_nothing_to_connect(settings):
    doctor = Doctor(settings)
    assert doctor.store_keys().status == SKIP and doctor.store_webhooks().status == SKIP


def test_keys_that_can_read_the_store(woo, quick_retries):
    finding = Doctor(woo).store_keys()
    assert finding.status == OK and "published products" in finding.detail


def test_keys_the_store_refuses(woo, quick_retries):
    finding = Doctor(woo.replace(wc_consumer_secret="cs_wrong")).store_keys()
    assert finding.status == FAIL and "FAHAD_WC_CONSUMER_SECRET" in finding.detail


def test_a_store_that_can_not_be_reached(woo, fake, quick_retries):
    fake.stop()
    finding = Doctor(woo).store_keys()
    assert finding.status == FAIL and "FAHAD_WC_URL" in finding.detail


# -- the store's webhooks --

def test_webhooks_for_every_product_topic_to_this_bridge(woo, fake, quick_retries):
    for topic in WEBHOOK_TOPICS:
        fake.add_webhook(topic, "http://shop.test" + WEBHOOK_PATH)
    finding = Doctor(woo).store_webhooks()
    assert finding.status == OK, finding.detail


def test_missing_misdirected_and_disabled_webhooks_are_each_named(woo, fake, quick_retries):
    fake.add_webhook("product.created", "http://shop.test" + WEBHOOK_PATH)
    fake.add_webhook("product.updated", "https://old-bridge.example" + WEBHOOK_PATH)
    disabled = fake.add_webhook("product.deleted", "http://shop.test" + WEBHOOK_PATH)
    fake.webhooks.hooks[disabled["id"]]["status"] = "disabled"
    finding = Doctor(woo).store_webhooks()
    assert finding.status == FAIL
    assert "product.created" not in finding.detail.split(". In")[0]
    assert "product.updated is missing (one delivers to https://old-bridge.example" \
        in finding.detail
    assert "product.deleted is disabled" in finding.detail
    assert "product.restored is missing" in finding.detail
    assert "http://shop.test" + WEBHOOK_PATH in finding.detail


def test_webhooks_without_the_bridges_webhook_secret(woo, fake, quick_retries):
    for topic in WEBHOOK_TOPICS:
        fake.add_webhook(topic, "http://shop.test" + WEBHOOK_PATH)
    finding = Doctor(woo.replace(wc_webhook_secret="")).store_webhooks()
    assert finding.status == FAIL and "FAHAD_WC_WEBHOOK_SECRET is empty" in finding.detail


# -- the public URL --

def test_the_public_url_reaches_this_bridge(served, settings):
    url = served()
    finding = Doctor(settings.replace(public_url=url)).public_url()
    assert finding.status == OK and url in finding.detail


def test_nothing_at_the_public_url(settings):
    finding = Doctor(settings.replace(public_url=f"http://{CLOSED}")).public_url()
    assert finding.status == FAIL and "FAHAD_PUBLIC_URL" in finding.detail


def test_a_bridge_with_another_secret_at_the_public_url(served, settings):
    url = served({"bridge_secret": "another-bridges-secret"})
    finding = Doctor(settings.replace(public_url=url)).public_url()
    assert finding.status == FAIL and "fahad_ai_invalid_signature" in finding.detail


def test_a_site_that_is_no_bridge_at_the_public_url(settings, fake):
    finding = Doctor(settings.replace(public_url=fake.url)).public_url()
    assert finding.status == FAIL and "rest_no_route" in finding.detail


def test_plain_http_for_a_woocommerce_store_is_a_warning(served, woo):
    url = served()
    finding = Doctor(woo.replace(public_url=url)).public_url()
    assert finding.status == WARN and "https://" in finding.detail


# -- the probe route itself --

def test_the_probe_answers_only_the_plugins_signature(client, wordpress):
    challenge = "c" * 24
    assert client.get(f"{NAMESPACE}/doctor?challenge={challenge}").status_code == 403
    signed = wordpress.request("GET", "/doctor", query=f"challenge={challenge}")
    assert signed.status_code == 200 and len(signed.get_json()["proof"]) == 64
    forged = wordpress.request("GET", "/doctor", query=f"challenge={challenge}",
                               secret="not-the-secret")
    assert forged.status_code == 403
    assert forged.get_json()["code"] == "fahad_ai_invalid_signature"
    bad = wordpress.request("GET", "/doctor", query="challenge=short")
    assert bad.status_code == 400 and bad.get_json()["code"] == "rest_invalid_param"


# -- WhatsApp (Meta's Graph API) --

@pytest.fixture
def graph(fake_graph):
    from conftest import WA_ACCESS_TOKEN
    from fakes.meta import PHONE_ID

    fake_graph.tokens = {WA_ACCESS_TOKEN}
    fake_graph.phones[PHONE_ID] = {"display_phone_number": "+1 555-010-0000",
                                   "verified_name": "Fahad Demo Outfitters"}
    return fake_graph


def test_whatsapp_is_skipped_when_not_configured(settings):
    assert meta_check(settings).status == SKIP


def test_meta_accepts_the_token_and_knows_the_number(settings, graph):
    finding = meta_check(whatsapp_config(settings, graph.url))
    assert finding.status == OK and "+1 555-010-0000" in finding.detail
    assert graph.sent == []  # nothing was sent to anyone


def test_half_a_whatsapp_configuration_names_the_missing_variable(settings, graph):
    finding = meta_check(whatsapp_config(settings, graph.url, whatsapp_phone_number_id=""))
    assert finding.status == FAIL and "FAHAD_WHATSAPP_PHONE_NUMBER_ID" in finding.detail


def test_a_token_meta_refuses(settings, graph):
    finding = meta_check(whatsapp_config(settings, graph.url, whatsapp_access_token="EAAold"))
    assert finding.status == FAIL and "FAHAD_WHATSAPP_ACCESS_TOKEN" in finding.detail
    assert "EAAold" not in finding.detail


def test_a_phone_number_id_meta_does_not_know(settings, graph):
    finding = meta_check(whatsapp_config(settings, graph.url,
                                         whatsapp_phone_number_id="15550100000"))
    assert finding.status == FAIL and "not the number" in finding.detail


def test_a_graph_api_that_can_not_be_reached(settings):
    finding = meta_check(whatsapp_config(settings, f"http://{CLOSED}"))
    assert finding.status == FAIL and "can't be reached" in finding.detail


def test_sending_without_the_webhook_secrets_is_a_warning(settings, graph):
    finding = meta_check(whatsapp_config(settings, graph.url, whatsapp_app_secret=""))
    assert finding.status == WARN and "FAHAD_WHATSAPP_APP_SECRET" in finding.detail


# -- the command --

@pytest.fixture
def no_env_file(tmp_path, monkeypatch):
    (tmp_path / "empty.env").write_text("")
    monkeypatch.setenv("FAHAD_ENV_FILE", str(tmp_path / "empty.env"))


def test_the_command_lists_every_check_and_fails_when_one_does(tmp_path, monkeypatch,
                                                               no_env_file):
    monkeypatch.setenv("FAHAD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("FAHAD_BRIDGE_SECRET", SECRET)
    monkeypatch.setenv("FAHAD_PUBLIC_URL", f"http://{CLOSED}")
    result = CliRunner().invoke(cli.main, ["doctor"])
    assert result.exit_code == 1
    names = [line.split()[1] for line in result.output.splitlines()[:7]]
    assert names == ["database", "redis", "store", "store", "plugin", "public", "whatsapp"]
    assert "1 of 7 checks failed" in result.output


def test_the_command_passes_on_a_served_bridge(served, settings, tmp_path, monkeypatch,
                                               no_env_file):
    url = served()
    monkeypatch.setenv("FAHAD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("FAHAD_BRIDGE_SECRET", SECRET)
    monkeypatch.setenv("FAHAD_PUBLIC_URL", url)
    result = CliRunner().invoke(cli.main, ["doctor"])
    assert result.exit_code == 0, result.output
    assert "no check failed: 2 ok" in result.output
