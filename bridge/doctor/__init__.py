"""`fahad-bridge doctor`: the configuration checked against reality, with what to fix.

Each check is one round trip to the thing configured (the database, Redis, the store, its
webhooks, WordPress and the plugin, the public URL; channels add theirs, WhatsApp's Meta
check) and answers a ``Finding``. Nothing here changes anything anywhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

OK, WARN, FAIL, SKIP = "ok", "warn", "FAIL", "skip"


@dataclass(frozen=True)
class Finding:
    check: str
    status: str  # OK, WARN, FAIL or SKIP
    detail: str  # what was found, or what to change (naming the variable a person sets)


Check = Callable[[], Finding]


def run(checks: Iterable[Check], report: Callable[[Finding], None]) -> list[Finding]:
    """Run every check, reporting each as it ends; a check that raises is a FAIL of its own."""
    found = []
    for check in checks:
        try:
            finding = check()
        except Exception as exc:  # a bug in one check must not hide the others' answers
            name = getattr(check, "__name__", "check").replace("_", " ")
            finding = Finding(name, FAIL, f"the check itself failed ({type(exc).__name__})")
        report(finding)
        found.append(finding)
    return found
