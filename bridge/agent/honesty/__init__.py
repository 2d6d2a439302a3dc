"""Nothing unverified reaches the shopper: every figure a reply states is checked against
what the store said in the conversation before it is shown.

claims: Claim, read (the claim reader: money, percent, stock, rating, delivery, code, link)
facts: Facts, Subject (what tools returned, the policies, what the shopper said)
check: judge, Verdict, matches (how a claim is judged, rounding included)
wording: language, withheld (how a withheld figure reads)
screen: Screen (the streaming filter); guard: ClaimCheck, verdicts (the check as the agent
and the admin copilot use it)
"""
from .facts import Facts
from .guard import ClaimCheck, verdicts

__all__ = ["ClaimCheck", "Facts", "verdicts"]
