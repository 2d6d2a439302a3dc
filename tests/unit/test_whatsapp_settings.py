"""The WhatsApp settings: read from the environment, checked, and secret."""
from __future__ import annotations

import pytest

from bridge.settings import SettingsError, load_settings


def test_whatsapp_settings_come_from_the_environment(tmp_path):
    settings = load_settings({
        "FAHAD_DATA_DIR": str(tmp_path), "FAHAD_WHATSAPP_VERIFY_TOKEN": "vt",
        "FAHAD_WHATSAPP_APP_SECRET": "app-secret", "FAHAD_WHATSAPP_ACCESS_TOKEN": "EAAtoken",
        "FAHAD_WHATSAPP_PHONE_NUMBER_ID": "1065", "FAHAD_WHATSAPP_API_BASE": "http://127.0.0.1:9",
        "FAHAD_WHATSAPP_RATE_LIMIT": "5", "FAHAD_WHATSAPP_RUNNER": "rq",
        "FAHAD_WHATSAPP_REDIS_URL": "redis://127.0.0.1:6379/3"})
    assert settings.whatsapp_enabled
    assert (settings.whatsapp_phone_number_id, settings.whatsapp_rate_limit,
            settings.whatsapp_runner) == ("1065", 5, "rq")
    for secret in ("vt", "app-secret", "EAAtoken"):
        assert secret not in repr(settings)


def test_whatsapp_is_off_until_both_webhook_secrets_are_set(tmp_path):
    assert not load_settings({"FAHAD_DATA_DIR": str(tmp_path)}).whatsapp_enabled
    assert not load_settings({"FAHAD_DATA_DIR": str(tmp_path),
                              "FAHAD_WHATSAPP_VERIFY_TOKEN": "vt"}).whatsapp_enabled


@pytest.mark.parametrize("name,value", [
    ("FAHAD_WHATSAPP_RUNNER", "celery"),
    ("FAHAD_WHATSAPP_RATE_LIMIT", "0"),
    ("FAHAD_WHATSAPP_WORKERS", "0"),
    ("FAHAD_WHATSAPP_CONVERSATION_WINDOW", "0"),
    ("FAHAD_WHATSAPP_POLL_INTERVAL", "0"),
])
def test_bad_whatsapp_values_are_refused(tmp_path, name, value):
    with pytest.raises(SettingsError):
        load_settings({"FAHAD_DATA_DIR": str(tmp_path), name: value})


def test_the_rq_runner_needs_a_redis_url(tmp_path):
    with pytest.raises(SettingsError, match="FAHAD_WHATSAPP_REDIS_URL"):
        load_settings({"FAHAD_DATA_DIR": str(tmp_path), "FAHAD_WHATSAPP_RUNNER": "rq"})
