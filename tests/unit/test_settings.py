import dataclasses
import os
import re
import tomllib
from pathlib import Path

import pytest

from bridge.settings import DEFAULT_TOML, Settings, SettingsError, env_name, load_settings

CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "CONTRACT.md"


def test_defaults_come_from_the_toml_file(tmp_path):
    settings = load_settings({"FAHAD_DATA_DIR": str(tmp_path)})
    assert settings.rate_limit == 20 and settings.rate_window == 60
    assert settings.ratelimit_storage == "memory://"
    assert settings.store == "demo" and settings.daily_cap == 0 and settings.paused is False


def test_environment_overrides_are_typed(tmp_path):
    settings = load_settings({
        "FAHAD_DATA_DIR": str(tmp_path), "FAHAD_RATE_LIMIT": "40", "FAHAD_RATE_WINDOW": "30",
        "FAHAD_PAUSED": "yes", "FAHAD_DAILY_CAP": "5", "FAHAD_PROVIDERS": "offline",
    })
    assert (settings.rate_limit, settings.rate_window, settings.paused, settings.daily_cap) \
        == (40, 30, True, 5)
    assert settings.providers == ("offline",)


@pytest.mark.parametrize("name, value", [
    ("FAHAD_RATE_LIMIT", "many"), ("FAHAD_PAUSED", "maybe"), ("FAHAD_DAILY_CAP", "1.5"),
])
def test_a_mistyped_value_is_refused_naming_the_variable_not_the_value(tmp_path, name, value):
    with pytest.raises(SettingsError) as error:
        load_settings({"FAHAD_DATA_DIR": str(tmp_path), name: value})
    assert name in str(error.value) and value not in str(error.value)


@pytest.mark.parametrize("name, value", [
    ("FAHAD_RATE_LIMIT", "0"), ("FAHAD_RATE_WINDOW", "-5"), ("FAHAD_DAILY_CAP", "-1"),
    ("FAHAD_STORE", "magento"), ("FAHAD_NONCE_TTL", "0"),
])
def test_a_value_out_of_range_is_refused(tmp_path, name, value):
    with pytest.raises(SettingsError):
        load_settings({"FAHAD_DATA_DIR": str(tmp_path), name: value})


def test_every_setting_is_documented_in_the_toml_and_nothing_else_is():
    documented = tomllib.loads(DEFAULT_TOML.read_text())
    assert set(documented) == {f.name for f in dataclasses.fields(Settings)}
    text = DEFAULT_TOML.read_text()
    for key in documented:
        # each key is preceded by a comment line
        assert re.search(rf"#[^\n]*\n((#[^\n]*|\w+ = [^\n]*)\n)*({key} =|\[{key}\])", text), key


def test_every_contract_variable_the_code_knows_maps_to_a_setting():
    names = {env_name(f.name) for f in dataclasses.fields(Settings)}
    contract = set(re.findall(r"`((?:FAHAD|ANTHROPIC)_[A-Z_]+)`", CONTRACT.read_text()))
    implemented = {n for n in contract if n in names}
    # Each contract variable is either implemented or belongs to a later feature.
    assert {"FAHAD_DATA_DIR", "FAHAD_DATABASE_URL", "FAHAD_BRIDGE_SECRET", "FAHAD_RATE_LIMIT",
            "FAHAD_RATE_WINDOW", "FAHAD_RATELIMIT_STORAGE", "FAHAD_DAILY_CAP", "FAHAD_PAUSED",
            "FAHAD_STORE", "FAHAD_PROVIDERS"} <= implemented


def test_the_secret_is_generated_once_and_kept(tmp_path):
    first = load_settings({"FAHAD_DATA_DIR": str(tmp_path)}).bridge_secret
    second = load_settings({"FAHAD_DATA_DIR": str(tmp_path)}).bridge_secret
    assert first == second and len(first) >= 32
    assert (tmp_path / "bridge_secret").stat().st_mode & 0o077 == 0


def test_secrets_never_appear_in_the_settings_repr(tmp_path):
    settings = load_settings({"FAHAD_DATA_DIR": str(tmp_path),
                              "FAHAD_BRIDGE_SECRET": "s3cret-value"})
    assert settings.bridge_secret == "s3cret-value"
    assert "s3cret-value" not in repr(settings)


def test_sqlite_in_the_data_folder_is_the_default_database(tmp_path):
    settings = Settings(data_dir=str(tmp_path))
    assert settings.sqlalchemy_url == f"sqlite:///{tmp_path.resolve()}/bridge.sqlite3"
    assert Settings(database_url="postgresql+psycopg://x/y").sqlalchemy_url.startswith("postgresql")


# -- the env file --

def env_file(tmp_path, text: str) -> str:
    path = tmp_path / "bridge.env"
    path.write_text(text)
    return str(path)


def test_an_env_file_sets_variables_and_the_environment_wins_over_it(tmp_path):
    path = env_file(tmp_path, "# the shop\nFAHAD_STORE_NAME='Corner Shop'\nFAHAD_RATE_LIMIT=7\n"
                              "export FAHAD_RATE_WINDOW=9\nFAHAD_ADMIN_TOKEN=a$b\n")
    settings = load_settings({"FAHAD_ENV_FILE": path, "FAHAD_DATA_DIR": str(tmp_path),
                              "FAHAD_RATE_LIMIT": "40"})
    assert settings.store_name == "Corner Shop" and settings.rate_window == 9
    assert settings.rate_limit == 40  # the environment over the file
    assert settings.admin_token == "a$b"  # no interpolation: secrets keep their dollars
    # Neither of them: the toml's default.
    assert settings.nonce_ttl == 43200


def test_the_default_env_file_is_dot_env_in_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text(f"FAHAD_DATA_DIR={tmp_path}\nFAHAD_DAILY_CAP=3\n")
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("FAHAD_")]:
        monkeypatch.delenv(name)
    assert load_settings().daily_cap == 3
    # A mapping given by the caller (tests) reads no file unless it names one.
    assert load_settings({"FAHAD_DATA_DIR": str(tmp_path)}).daily_cap == 0


def test_a_name_the_bridge_does_not_read_is_refused_from_the_file(tmp_path):
    path = env_file(tmp_path, "FAHAD_WC_UR=https://shop.example\n")
    with pytest.raises(SettingsError, match="FAHAD_WC_UR, which the bridge doesn't read"):
        load_settings({"FAHAD_ENV_FILE": path, "FAHAD_DATA_DIR": str(tmp_path)})


def test_a_bad_value_in_the_file_names_the_variable_and_the_file(tmp_path):
    path = env_file(tmp_path, "FAHAD_RATE_LIMIT=many\n")
    with pytest.raises(SettingsError) as error:
        load_settings({"FAHAD_ENV_FILE": path, "FAHAD_DATA_DIR": str(tmp_path)})
    assert str(error.value) == f"FAHAD_RATE_LIMIT (in {path}) must be a whole number"


def test_a_named_env_file_that_is_missing_is_an_error(tmp_path):
    with pytest.raises(SettingsError, match="FAHAD_ENV_FILE names"):
        load_settings({"FAHAD_ENV_FILE": str(tmp_path / "nope.env")})


def test_a_line_without_an_equals_sign_is_refused(tmp_path):
    path = env_file(tmp_path, "FAHAD_PAUSED\n")
    with pytest.raises(SettingsError, match="FAHAD_PAUSED has no '='"):
        load_settings({"FAHAD_ENV_FILE": path, "FAHAD_DATA_DIR": str(tmp_path)})


@pytest.mark.parametrize("environ, named", [
    ({"FAHAD_STORE": "woocommerce"}, "FAHAD_WC_URL, FAHAD_WC_CONSUMER_KEY, FAHAD_WC_CONSUMER_SECRET"),
    ({"FAHAD_STORE": "woocommerce", "FAHAD_WC_URL": "shop.example", "FAHAD_WC_CONSUMER_KEY": "ck",
      "FAHAD_WC_CONSUMER_SECRET": "cs"}, "FAHAD_WC_URL must start with"),
    ({"FAHAD_RATE_WINDOW": "0"}, "FAHAD_RATE_WINDOW must be 1 or more"),
    ({"FAHAD_WHATSAPP_RUNNER": "rq"}, "FAHAD_WHATSAPP_REDIS_URL"),
    ({"FAHAD_PROVIDERS": "gpt"}, None),
])
def test_every_error_names_the_variable_a_person_sets(tmp_path, environ, named):
    if named is None:  # checked later, when the providers are built
        from bridge.core import build_core

        with pytest.raises(SettingsError, match="FAHAD_PROVIDERS"):
            build_core(load_settings({"FAHAD_DATA_DIR": str(tmp_path), **environ}))
        return
    with pytest.raises(SettingsError) as error:
        load_settings({"FAHAD_DATA_DIR": str(tmp_path), **environ})
    assert named in str(error.value)
    assert not re.search(r"\b(wc_url|rate_window|whatsapp_redis_url)\b", str(error.value))
