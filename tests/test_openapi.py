"""The project's API reference is valid OpenAPI and says what the route table serves."""
from pathlib import Path

import yaml
from openapi_spec_validator import validate

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


def test_the_stream_frame_schema_has_one_shape_per_event_type():
    schemas = SPEC["components"]["schemas"]
    shapes = [variant["properties"]["type"]["const"] for variant in schemas["StreamEvent"]["oneOf"]]
    assert shapes == schemas["StreamFrame"]["properties"]["event"]["enum"]
    assert sorted(shapes) == sorted(event.type for event in EVENT_TYPES)


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


def test_the_spec_is_valid_openapi():
    validate(SPEC)  # raises with the first error's path


def test_no_flow_mapping_lost_a_description_to_a_comma():
    """`{description: a, b}` in YAML is a description "a" plus a key "b" with no value, which
    the validator accepts inside a schema: no key in the spec has an empty value."""
    def empty_keys(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                if value is None:
                    yield "/".join(map(str, path + [key]))
                yield from empty_keys(value, path + [key])
        elif isinstance(node, list):
            for n, value in enumerate(node):
                yield from empty_keys(value, path + [n])
    assert list(empty_keys(SPEC, [])) == []
