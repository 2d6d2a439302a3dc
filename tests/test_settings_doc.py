"""docs/settings.md is config/default.toml, rendered: every setting, its variable and default."""
import dataclasses
import re
from pathlib import Path

from bridge.settings import Settings, env_name
from bridge.settings_doc import render

DOC = Path(__file__).resolve().parents[1] / "docs" / "settings.md"


def test_the_settings_reference_is_the_defaults_file_rendered():
    assert DOC.read_text() == render(), \
        "docs/settings.md differs from config/default.toml: run scripts/settings-doc"


def test_every_setting_has_a_row_with_its_variable():
    rows = [line for line in render().splitlines() if line.startswith("| `")]
    named = {name for row in rows for name in re.findall(r"`([A-Z_]+)`", row.split(" | ")[0])}
    assert named == {env_name(f.name) for f in dataclasses.fields(Settings)}


def test_a_setting_sharing_the_comment_above_it_shares_its_row(tmp_path):
    toml = tmp_path / "default.toml"
    toml.write_text('# head\n\n# --- part ---------\n\n# Two at once | piped.\nrate_limit = 20\n'
                    'rate_window = 60\n\n# Alone.\nstore = ""\n')
    text = render(toml)
    assert "| `FAHAD_RATE_LIMIT`, `FAHAD_RATE_WINDOW` | `20`, `60` | Two at once \\| piped. |" \
        in text
    assert "| `FAHAD_STORE` | (empty) | Alone. |" in text and "## part" in text
    assert "head" not in text.split("## part")[1]
