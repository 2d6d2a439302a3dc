"""What makes one product fit another: the kinds of spec that must agree for "X that fits
this Y" (memory type, CPU socket, connector), read from Y's text and each candidate X's.

A part that states a kind Y also states fits when they share a value ("DDR5" RAM for a
"4 DDR5" board) and does not when they share none (DDR4 RAM). Connectors count only for
products that connect things (cables, adapters, hubs): a keyboard's "USB-C" says nothing
about fitting a case's. What a product doesn't state neither fits nor misses.
"""
from __future__ import annotations

import re

# Connectors, most specific first: a match is taken out before the next is looked for, so
# "Mini DisplayPort" is not also a "DisplayPort".
CONNECTORS = (
    ("minidp", r"mini[ -]?(?:dp|display ?port)|\bmdp"),
    ("displayport", r"display ?port|\bdp(?![a-z0-9])"),
    ("hdmi", r"hdmi"),
    ("usbc", r"usb[ -]?c(?![a-z0-9])|type[ -]?c(?![a-z0-9])|thunderbolt"),
    ("lightning", r"lightning"),
    ("dvi", r"\bdvi"),
    ("vga", r"\bvga"),
)
_CONNECTORS = [(name, re.compile(pattern)) for name, pattern in CONNECTORS]
# How names write each connector, to find the parts that state it.
NAMED = {"minidp": "mini displayport minidp", "usbc": "usb-c type-c"}
KINDS = {
    "memory": re.compile(r"\b(?:lp)?(ddr[2-5])(?![0-9])"),  # system memory; a GPU's GDDR6 isn't
    "socket": re.compile(r"\b(am[2-5]|lga ?\d{3,4}|tr4|str5|s?trx4)(?![0-9])"),
}
_CONNECTING = re.compile(r"\b(?:cables?|adapters?|converters?|dongles?|hubs?|splitters?|"
                         r"extenders?|docks?|docking|switch(?:es)?|kvm)\b")


def features(text: str) -> dict[str, frozenset[str]]:
    """The values of each kind of fitting spec the (folded) text states."""
    found = {}
    for kind, pattern in KINDS.items():
        values = {m.replace(" ", "") for m in pattern.findall(text)}
        if values:
            found[kind] = frozenset(values)
    connectors, rest = set(), text
    for name, pattern in _CONNECTORS:
        if pattern.search(rest):
            connectors.add(name)
            rest = pattern.sub(" ", rest)
    if connectors:
        found["connector"] = frozenset(connectors)
    return found


def judge(owned: dict[str, frozenset[str]], text: str) -> tuple[int, int]:
    """(kinds that fit, kinds that don't) of a candidate's (folded) text against the owned
    product's features."""
    if not owned:
        return 0, 0
    mine = features(text)
    fit = miss = 0
    for kind, values in owned.items():
        if kind not in mine or kind == "connector" and not _CONNECTING.search(text):
            continue
        if values & mine[kind]:
            fit += 1
        else:
            miss += 1
    return fit, miss


def search_words(needs: dict[str, frozenset[str]]) -> str:
    """Words that find parts stating what the owned product needs ("mini displayport")."""
    return " ".join(NAMED.get(v, v) for values in needs.values() for v in sorted(values))
