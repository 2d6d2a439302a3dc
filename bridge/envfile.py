"""The env file: the bridge's variables as ``NAME=value`` lines (python-dotenv's reading:
comments, quotes and ``export`` allowed), read once at start by bridge/settings.py."""
from __future__ import annotations

from pathlib import Path

from dotenv import dotenv_values


class SettingsFileError(ValueError):
    """The env file is missing or says something the bridge can't take."""


class EnvFile(dict):
    """The variables of an env file, and where it is (for messages)."""

    def __init__(self, values: dict[str, str], path: str):
        super().__init__(values)
        self.path = path


def read_env_file(name: str, known: set[str], required: bool) -> EnvFile:
    """The variables in the file ``name``; none when it is absent and not ``required``.

    A name the bridge doesn't read (``known`` lists those it does) is refused, so a typo
    (FAHAD_WC_UR) can't pass silently. ``$`` is taken literally: secrets often hold one.
    """
    path = Path(name)
    if not path.is_file():
        if required:
            raise SettingsFileError(f"FAHAD_ENV_FILE names {path}, which is not a file")
        return EnvFile({}, str(path))
    values = dotenv_values(path, interpolate=False, encoding="utf-8")
    unknown = sorted(key for key in values if key not in known)
    if unknown:
        raise SettingsFileError(f"{path} sets {', '.join(unknown)}, which the bridge doesn't "
                                "read (config/default.toml lists every setting)")
    empty = [key for key, value in values.items() if value is None]
    if empty:
        raise SettingsFileError(f"{path}: {', '.join(empty)} has no '=' (write NAME=value)")
    return EnvFile(values, str(path))
