"""The import rules of ARCHITECTURE.md, kept by import-linter's contracts in pyproject.toml:
channels and the admin copilot above bridge; inside bridge only the composition root
(app.py, cli.py) imports them; no package's modules import one another in a circle;
channels independent of each other."""
from __future__ import annotations

import subprocess
import sys
from copy import deepcopy
from pathlib import Path

import grimp
import importlinter.cli  # noqa: F401  (configures the linter: its readers and contract types)
import pytest
from importlinter.application import use_cases

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
LINT = "from importlinter.cli import lint_imports_command; lint_imports_command()"


def test_the_code_keeps_every_import_contract():
    # In a process of its own: the linter configures logging, which would silence the
    # loggers later tests read with caplog.
    result = subprocess.run([sys.executable, "-c", LINT, "--config", str(PYPROJECT),
                             "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


@pytest.fixture(scope="module")
def contracts():
    """Each contract of pyproject.toml, by id, ready to check a graph."""
    options = use_cases.read_user_options(str(PYPROJECT))
    use_cases._register_built_in_contract_types()
    found = {}
    for contract_options in options.contracts_options:
        kind = use_cases.registry.get_contract_class(contract_options["type"])
        found[contract_options["id"]] = kind(name=contract_options["name"],
                                             session_options=options.session_options,
                                             contract_options=contract_options)
    return found


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("bridge", "channels", "admin_copilot", cache_dir=None)


@pytest.mark.parametrize("contract, importer, imported", [
    ("layers", "bridge.store.base", "channels.whatsapp.models"),
    ("layers", "bridge.usage", "admin_copilot.drafts"),
    ("composition-root", "bridge.gates", "channels.storefront.views"),
    ("composition-root", "bridge.core", "admin_copilot"),
    ("no-cycles", "bridge.db", "bridge.core"),  # the core opens the database
    ("no-cycles", "bridge.visual.rankers", "bridge.visual.service"),
    ("no-cycles", "channels.whatsapp.ledger", "channels.whatsapp.job"),
    ("channels", "channels.webhooks", "channels.storefront.views"),
], ids=lambda value: value)
def test_each_contract_breaks_on_the_import_it_forbids(contracts, graph, contract, importer,
                                                       imported):
    rule = contracts[contract]
    assert rule.check(deepcopy(graph), verbose=False).kept
    broken = deepcopy(graph)
    broken.add_import(importer=importer, imported=imported, line_number=1,
                      line_contents=f"import {imported}")
    assert not rule.check(broken, verbose=False).kept
