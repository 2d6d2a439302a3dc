"""The project's API reference says what the route table serves."""
from pathlib import Path

import yaml

from bridge.routes import ROUTES
from bridge.agent.events import EVENT_TYPES

SPEC = yaml.safe_load((Path(__file__).resolve().parents[1] / "docs" / "openapi.yaml").read_text())


def test_the_spec_documents_exactly_the_routes_served_with_their_gates():
    documented = {(path, method.upper(), op["x-gate"])
                  for path, item in SPEC["paths"].items() for method, op in item.items()}
    assert documented == {(r.path, r.method, r.gate.value) for r in ROUTES}


def test_the_stream_description_names_every_event_type():
    description = SPEC["paths"]["/stream"]["post"]["responses"]["200"]["description"]
    for event in EVENT_TYPES:
        assert f"`{event.type}`" in description


def test_every_reference_resolves():
    def refs(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)
    for ref in refs(SPEC):
        target = SPEC
        for part in ref.lstrip("#/").split("/"):
            target = target[part]
