"""What a provider taking over a turn is given."""
from bridge.agent.providers.transcript import arguments, carried, conversation
from bridge.agent.tools.registry import ToolResult
from bridge.agent.turn import ToolCall, Turn


def test_the_conversation_opens_with_the_shopper_and_joins_same_role_messages():
    messages = [{"role": "assistant", "content": "Hi!"}, {"role": "user", "content": "a"},
                {"role": "user", "content": "b"}, {"role": "assistant", "content": "c"}]
    assert conversation(messages) == [{"role": "user", "content": "a\n\nb"},
                                      {"role": "assistant", "content": "c"}]
    assert messages[1] == {"role": "user", "content": "a"}  # the input is left alone


def test_carried_calls_get_ids_every_api_accepts():
    turn = Turn(messages=[], tools=None, ctx=None)
    turn.text += ["Looking ", "now. "]
    turn.calls += [ToolCall("view_cart", {}, ToolResult({}), "functions.view_cart:0"),
                   ToolCall("view_cart", {}, ToolResult({}), "")]
    said, calls = carried(turn, "toolu_carried_")
    assert said == "Looking now."
    assert [call_id for call_id, _ in calls] == ["functions_view_cart_0", "toolu_carried_1"]


def test_tool_arguments_must_be_a_json_object():
    assert arguments('{"query": "mug"}') == {"query": "mug"}
    assert arguments("") == {}
    assert arguments('{"query": ') is None and arguments("[1]") is None
