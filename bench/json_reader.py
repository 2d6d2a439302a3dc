"""The one JSON reader's cost: bridge.inputs.parse_json (strict UTF-8, depth and surrogate
checks) against plain json.loads of the same bytes, measured in the same run.

Bodies: a full chat turn (100 messages of 2,000 characters, near the 256 KiB cap), the same
turn written with ASCII escapes and an emoji in each message (escaped surrogate pairs: the
worst case, where every string is checked), a WhatsApp delivery batching 500 text messages,
and a WooCommerce product webhook with 40 meta_data entries. Prints median and p99 of each
and the ratio to json.loads of the same bytes.
    .venv/bin/python bench/json_reader.py [--repeat 200]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _stats import measure, summary  # noqa: E402

from bridge.inputs import parse_json  # noqa: E402
from fakes import meta  # noqa: E402


def bodies() -> dict[str, bytes]:
    turn = {"messages": [{"role": "user" if i % 2 == 0 else "assistant",
                          "content": ("hoodies under $50, warm and soft ☕ " * 60)[:2000]}
                         for i in range(99)] + [{"role": "user", "content": "and socks?"}],
            "conversation_ref": "cv_" + "x" * 20}
    delivery = meta.text("15551234567", "first")
    value = delivery["entry"][0]["changes"][0]["value"]
    for i in range(499):
        value["messages"].append({"from": "15551234567", "id": meta.wamid(),
                                  "timestamp": "1763900000", "type": "text",
                                  "text": {"body": f"message {i}: do you have this in navy?"}})
    product = {"id": 14, "name": "Canvas Tote Bag", "type": "simple", "status": "publish",
               "description": "<p>" + "A sturdy tote. " * 80 + "</p>",
               "categories": [{"id": 9, "name": "Bags", "slug": "bags"}],
               "meta_data": [{"id": i, "key": f"_plugin_{i}",
                              "value": {"a": [1, 2, {"b": "c"}], "d": "e" * 40}}
                             for i in range(40)]}
    escaped = {**turn, "messages": [{**m, "content": m["content"][:1990] + " \U0001F600"}
                                    for m in turn["messages"]]}
    return {"chat turn (256 KiB)": json.dumps(turn, ensure_ascii=False).encode(),
            "chat turn, escaped emoji": json.dumps(escaped).encode(),
            "WhatsApp batch of 500": json.dumps(delivery).encode(),
            "WooCommerce product": json.dumps(product).encode()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    for label, raw in bodies().items():
        base = summary(measure(lambda: json.loads(raw), args.repeat))
        ours = summary(measure(lambda: parse_json(raw), args.repeat))
        print(f"{label:<24} {len(raw) / 1024:7.1f} KiB   json.loads median "
              f"{base['median']:7.3f} ms   parse_json median {ours['median']:7.3f} ms "
              f"(p99 {ours['p99']:7.3f})   x{ours['median'] / base['median']:5.2f} of json.loads")


if __name__ == "__main__":
    main()
