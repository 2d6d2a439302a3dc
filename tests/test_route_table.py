"""The route table and the app's URL map must agree: no route without its gate."""
import pytest
from flask import Flask

from bridge.routes import NAMESPACE, ROUTES, Gate


def test_every_namespaced_rule_is_in_the_table_with_its_method(app):
    rules = {(rule.rule, method) for rule in app.url_map.iter_rules()
             if rule.rule.startswith(NAMESPACE)
             for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert rules == {(route.url, route.method) for route in ROUTES}


def test_every_table_row_is_served_by_its_gated_endpoint(app):
    for route in ROUTES:
        # The WebSocket's rule matches only an upgrade (werkzeug reads it as ws://).
        scheme = "ws" if route.gate is Gate.WEBSOCKET else "http"
        adapter = app.url_map.bind("shop.test", url_scheme=scheme)
        endpoint, _ = adapter.match(route.url, method=route.method)
        assert endpoint == route.endpoint
        view = app.view_functions[endpoint]
        assert view.__wrapped__ is not None  # wrapped by bridge.gates.guard


def test_health_answers_without_any_gate(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json()["ok"] is True


def test_an_unknown_route_answers_like_wordpress(client):
    for response in (client.get(NAMESPACE + "/nope"), client.get(NAMESPACE + "/message"),
                     client.delete(NAMESPACE + "/cart")):
        assert response.status_code == 404
        assert response.get_json()["code"] == "rest_no_route"
        assert response.get_json()["data"] == {"status": 404}


def test_a_route_whose_gate_no_one_provides_can_not_be_registered(app):
    from bridge.gates import GATES, register

    core = app.extensions["fahad"]
    bare = Flask(__name__)
    assert Gate.WHATSAPP not in GATES  # the WhatsApp channel brings its own
    with pytest.raises(KeyError):
        register(bare, core, {"whatsapp.webhook": lambda: "unchecked"})
    assert not [rule for rule in bare.url_map.iter_rules() if rule.rule.startswith(NAMESPACE)]
