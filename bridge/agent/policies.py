"""The merchant's own words about returns, shipping, payment and contact.

``StorePolicies`` holds what the merchant configured (``store_policies``, ``support_contact``)
split into titled sections ("Returns: ..."), so an answer can quote the part asked about,
verbatim: the offline assistant quotes it, the ``get_store_policies`` tool hands it to the
model as data.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

TOPICS = {
    "returns": re.compile(r"return|refund|exchange|money back", re.I),
    "shipping": re.compile(r"ship|postage|countr", re.I),
    "delivery": re.compile(r"deliver|dispatch|warehouse|arriv", re.I),
    "payment": re.compile(r"pay|card|visa|instal", re.I),
}
TITLE = re.compile(r"^\s*([A-Za-z][\w &/-]{1,30}):\s*(.+)$")


@dataclass(frozen=True)
class StorePolicies:
    text: str = ""
    contact: str = ""

    def sections(self) -> list[tuple[str, str]]:
        """(title, text) per line; a line without a title has an empty one."""
        found = []
        for line in self.text.splitlines():
            if not line.strip():
                continue
            match = TITLE.match(line)
            found.append((match.group(1), match.group(2).strip()) if match else ("", line.strip()))
        return found

    def about(self, topic: str) -> list[str]:
        """The merchant's lines on one topic, verbatim: titled ones by their title, else
        the sentences that mention it."""
        pattern = TOPICS[topic]
        titled = [f"{title}: {body}" for title, body in self.sections()
                  if title and pattern.search(title)]
        if titled:
            return titled
        sentences = re.split(r"(?<=[.!?])\s+", " ".join(b for _, b in self.sections()))
        return [s for s in sentences if pattern.search(s)]


