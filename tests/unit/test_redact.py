import logging
import sys

import pytest

from bridge.redact import MASK, Redactor, RedactingFilter, secrets_of
from bridge.settings import Settings


@pytest.fixture
def settings(tmp_path):
    return Settings(data_dir=str(tmp_path), bridge_secret="bridge-secret-1",
                    whatsapp_verify_token="verify me/+now", admin_token="adm",
                    database_url="postgresql+psycopg://bridge:db-pass-9@db.internal/bridge",
                    whatsapp_redis_url="redis://:redis-pass-7@127.0.0.1:6379/0",
                    whatsapp_runner="rq")


def test_the_secrets_are_the_hidden_settings_and_url_passwords(settings):
    found = secrets_of(settings)
    assert {"bridge-secret-1", "verify me/+now", "db-pass-9", "redis-pass-7"} <= set(found)
    assert "adm" not in found  # too short to mask without masking words


def test_a_secret_is_masked_as_written_and_url_encoded(settings):
    redact = Redactor(secrets_of(settings)).text
    assert redact("secret bridge-secret-1 here") == f"secret {MASK} here"
    assert "verify" not in redact("GET /x?t=verify%20me%2F%2Bnow and verify+me%2F%2Bnow")
    assert redact("postgresql://bridge:db-pass-9@db") == f"postgresql://bridge:{MASK}@db"


@pytest.mark.parametrize("line, kept", [
    ("GET /whatsapp?hub.mode=subscribe&hub.verify_token=abc&hub.challenge=123 HTTP/1.1",
     "hub.mode=subscribe"),
    ("GET /cb?oauth_consumer_key=ck_1&oauth_signature=zz%3D&page=2", "page=2"),
    ("url=https://x.test/?Access_Token=abc;q=hoodie", "q=hoodie"),
    ("GET /p?hub%2Everify%5Ftoken=abc&id=5", "id=5"),
])
def test_sensitive_query_parameters_are_masked_and_the_rest_kept(line, kept):
    redacted = Redactor().text(line)
    assert "abc" not in redacted and "123" not in redacted and "zz" not in redacted
    assert "ck_1" not in redacted and kept in redacted and MASK in redacted


def test_a_bare_query_string_is_masked_from_its_first_parameter():
    assert Redactor().query("hub.verify_token=abc&hub.mode=subscribe") == \
        f"hub.verify_token={MASK}&hub.mode=subscribe"


def test_sensitive_headers_are_masked_whole():
    redactor = Redactor()
    assert redactor.header("authorization", "Bearer abc") == MASK
    assert redactor.header("x-wp-nonce", "n0nce") == MASK
    assert redactor.header("http_x_hub_signature_256", "sha256=ff") == MASK
    assert redactor.header("user-agent", "curl/8") == "curl/8"


def test_the_filter_masks_messages_arguments_and_tracebacks(settings):
    record_filter = RedactingFilter(Redactor(secrets_of(settings)))
    try:
        raise RuntimeError("could not reach redis://:redis-pass-7@cache")
    except RuntimeError:
        record = logging.LogRecord("bridge", logging.ERROR, __file__, 1,
                                   "call to %s failed", ("/x?token=bridge-secret-1",), None)
        record.exc_info = sys.exc_info()
    assert record_filter.filter(record) is True
    text = logging.Formatter().format(record)
    assert "redis-pass-7" not in text and "bridge-secret-1" not in text
    assert "call to /x?token=" in text and "RuntimeError" in text
