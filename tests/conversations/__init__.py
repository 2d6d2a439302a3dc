"""The conversation eval of issue 18: multi-turn cases scored by properties, never by text.

cases: the case format, loading and checking it against the store; selectors: what a case
points at (a shown card, the cheapest hoodie); language: a small stopword detector;
figures: money, percent, stock and duration claims in an answer; checks: the properties;
runner: drives the real app (offline, a scripted Claude, or the plain-search baseline);
report: the pass-rate table. dev.yaml holds the dev cases; held_out.yaml is for scoring only.
"""
