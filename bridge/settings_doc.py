"""docs/settings.md, written from config/default.toml: every setting's variable, default and
comment, in the file's own sections and order. scripts/settings-doc writes it, and
tests/test_settings_doc.py keeps the two equal, so the reference can't fall behind."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from .settings import DEFAULT_TOML, ENV_FILE_VAR, env_name

HEADER = """# Every setting

Generated from [`config/default.toml`](../config/default.toml) by `scripts/settings-doc`
(`tests/test_settings_doc.py` fails when the two differ). Empty means not set.

An environment variable overrides each setting: `FAHAD_` plus the key in capitals (a few
keep their provider's own name, such as `ANTHROPIC_API_KEY`). The same variables can also
live in an env file, one `NAME=value` a line (`#` comments, quotes and `export` allowed, `$`
taken literally): `.env` in the folder the bridge starts from (`scripts/serve` starts from
the project folder), or the file `{env_file}` names. It is read once at start.
Precedence, highest first: the command line's options, the environment, the env file,
`config/default.toml`. A name in the file that the bridge doesn't read is refused, and
every error names the variable you set (`FAHAD_WC_URL`, never `wc_url`).
`bridge/settings.py` is the only reader of all three.

Nothing secret is ever logged or returned; `Settings` leaves secrets out of its `repr`.
Under `fahad-bridge serve` and `config/gunicorn.conf.py` every log line (the access log,
gunicorn's error log and the app's own loggers, tracebacks included) passes through one
filter (`bridge/redact.py`) that masks the values of the secret settings and of passwords in
configured URLs, and the values of query parameters and headers whose names say they are
credentials: the access log shows `hub.verify_token=[redacted]&hub.challenge=[redacted]`
for Meta's handshake, never the token.
"""
_SECTION = re.compile(r"# --- (.+?) -+$")
_KEY = re.compile(r"^(\w+) = ")
_TABLE = re.compile(r"^\[(\w+)\]$")


def render(toml_path: Path = DEFAULT_TOML) -> str:
    text = toml_path.read_text()
    values = tomllib.loads(text)
    out = [HEADER.format(env_file=ENV_FILE_VAR).rstrip("\n")]
    comment: list[str] = []
    rows: list[tuple[list[str], str]] = []  # (keys sharing one comment, the comment)

    def flush_rows() -> None:
        for keys, words in rows:
            names = ", ".join(f"`{env_name(k)}`" for k in keys)
            shown = [_shown(values[k]) for k in keys]
            defaults = "(empty)" if set(shown) == {"(empty)"} else ", ".join(shown)
            out.append(f"| {names} | {defaults} | {_cell(words)} |")
        rows.clear()

    def section(title: str) -> None:
        flush_rows()
        out.extend(["", f"## {title}", "", "| variable | default | meaning |", "|---|---|---|"])

    for line in text.splitlines():
        if match := _SECTION.match(line):
            section(match.group(1))
            comment = []
        elif line.startswith("#"):
            comment.append(line.lstrip("#").strip())
        elif match := _KEY.match(line) or _TABLE.match(line):
            if match.re is _TABLE:
                section(match.group(1))
            if comment:
                rows.append(([match.group(1)], " ".join(comment)))
            elif rows:  # no comment of its own: it shares the one above (rate_limit, rate_window)
                rows[-1][0].append(match.group(1))
            comment = []
        elif not line.strip():
            comment = []  # only the comment right above a key is its own
    flush_rows()
    return "\n".join(out) + "\n"


def _shown(value) -> str:
    if isinstance(value, dict):
        return "see `config/default.toml`"
    if value == "":
        return "(empty)"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def _cell(words: str) -> str:
    return words.replace("|", "\\|")
