"""Conversations as the store team sees them: who owns each one (scope), the handoff to a
person and back (handoff), and how long they are kept (retention).

intent: intent and sentiment of a shopper message; scope: client keys, conversation refs
and the bridge-issued client id; handoff: the states open, escalated, person, resolved and
their transitions, ``Handoffs`` (the core's part that channels register their reply delivery
and erasure with); retention: deleting the idle ones.
"""
