"""How well the offline classifier (bridge/inbox/intent.py) labels real customer messages.

Data: Bitext's public customer-support training set (customer messages labelled with 27
intents), the CSV `data/train/Bitext_Sample_Customer_Support_Training_Dataset.csv` of the
GitHub repository bitext/customer-support-llm-chatbot-training-dataset (commit 337b968;
columns instruction, intent). Get it with git and pass its path as --data; it is not shipped.

The Bitext intents that have a counterpart in the inbox's are scored (person, order_status,
returns, shipping, complaint); the rest (accounts, invoices, payments...) fall outside the
inbox's list and are only used to count false escalations: how often `wants_person` would
hand a message that did not ask for a person to the store. A fifth of the messages, chosen
by a hash of their text, is held out (the rules were written before the data was read and
are not tuned on it); the baseline, in the same run, always answers the most frequent class.
    .venv/bin/python bench/intent.py --data PATH/Bitext_Sample_Customer_Support_Training_Dataset.csv
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bridge.inbox.intent import classify, wants_person  # noqa: E402

MAPPED = {
    "contact_human_agent": "person", "contact_customer_service": "person",
    "track_order": "order_status",
    "get_refund": "returns", "track_refund": "returns", "check_refund_policy": "returns",
    "delivery_options": "shipping", "delivery_period": "shipping",
    "complaint": "complaint",
}


def held_out(text: str) -> bool:
    return int(hashlib.sha1(text.encode()).hexdigest(), 16) % 5 == 0


def report(name: str, rows: list[tuple[str, str]]) -> None:
    scored = [(text, MAPPED[intent]) for text, intent in rows if intent in MAPPED]
    others = [text for text, intent in rows if intent not in MAPPED]
    majority, _ = Counter(label for _, label in scored).most_common(1)[0]
    right = Counter()
    total = Counter(label for _, label in scored)
    for text, label in scored:
        if classify(text)[0] == label:
            right[label] += 1
    accuracy = sum(right.values()) / len(scored)
    baseline = total[majority] / len(scored)
    person = [text for text, label in scored if label == "person"]
    not_person = [text for text, label in scored if label != "person"] + others
    caught = sum(wants_person(t) for t in person) / len(person)
    false = sum(wants_person(t) for t in not_person) / len(not_person)
    print(f"{name}: {len(scored):,} scored messages, {len(others):,} outside the inbox's intents")
    print(f"  accuracy {accuracy:6.1%}   baseline (always {majority}) {baseline:6.1%}")
    for label in sorted(total):
        print(f"    {label:<14} {right[label] / total[label]:6.1%} of {total[label]:,}")
    print(f"  asking for a person caught: {caught:6.1%} of {len(person):,}; "
          f"false escalations: {false:6.2%} of {len(not_person):,} other messages")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True, type=Path)
    args = parser.parse_args()
    with args.data.open(newline="", encoding="utf-8") as fh:
        seen, rows = set(), []
        for row in csv.DictReader(fh):
            text = row["instruction"].strip()
            if text and text not in seen:
                seen.add(text)
                rows.append((text, row["intent"]))
    report("development (4/5)", [r for r in rows if not held_out(r[0])])
    report("held out (1/5)", [r for r in rows if held_out(r[0])])


if __name__ == "__main__":
    main()
