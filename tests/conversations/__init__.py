"""The conversation eval of issue 18: multi-turn cases scored by properties, never by text.

cases: the case format, loading, validation against the store; selectors: what a case
points at; view: one turn as the checks see it; checks: the global checks and the registry
of properties, which live in cards, cart and answers (their phrases in lexicon); figures:
claimed and backed figures; language: the eval's own detector; runner: plays the cases
(offline, scripted Claude, plain-search baseline); report: the tables; split: the draw.
"""
