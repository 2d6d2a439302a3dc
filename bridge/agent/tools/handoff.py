"""The tool that hands the conversation to a person from the store.

The handler only notes the request on the turn (with the ref the shopper is told); the
agent saves the escalation with the turn itself (bridge.inbox.handoff.escalate), so the
conversation is escalated exactly when its turn is stored. It changes nothing in the store.
"""
from __future__ import annotations

from ...inbox.handoff import asked_sentence, new_ref
from .registry import Tool, ToolContext, ToolResult


def ask_for_person(ctx: ToolContext, args: dict) -> ToolResult:
    """Escalate this turn's conversation to a person; the same ref however often it is asked."""
    if ctx.handoff is None:
        ctx.handoff = {"ref": new_ref(), "reason": (args.get("reason") or "")[:500] or None}
    ref = ctx.handoff["ref"]
    return ToolResult(content={"handoff": True, "ref": ref, "status": "escalated",
                               "say": asked_sentence(ref)})


HANDOFF_TO_PERSON = Tool(
    name="handoff_to_person",
    description="Hand the conversation to a person from the store. Use it when the shopper "
                "asks for a person, is upset, or needs what only the store can do (refunds, "
                "returns, complaints, payment problems). Then tell the shopper the reference "
                "it returns; you will stay silent until the person hands the conversation back.",
    schema={"type": "object", "properties": {
        "reason": {"type": "string", "maxLength": 500,
                   "description": "Why, in a few words, for the person taking over."}}},
    handler=ask_for_person,
)
