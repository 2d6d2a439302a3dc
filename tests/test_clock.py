"""Nothing depends on the time of day: the tests that read the calendar pass when every one of
them starts at 23:59:59 UTC, and at 00:00:01 UTC (each in a pytest run of its own, with the
wall clock faked by --clock and ticking on, so a test also crosses midnight)."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The tests whose answers follow the calendar: report windows and daily rows, the daily cap
# per UTC day, rate windows, nonce and context ages, WhatsApp's 24 hours and leases, and the
# demo shop's dates. Tests with another process keeping the real clock (WordPress, gunicorn,
# a worker process) can't share a faked one.
DATE_SENSITIVE = ("tests/test_admin_copilot.py", "tests/test_gates.py",
                  "tests/test_whatsapp_replies.py", "tests/test_whatsapp_jobs.py",
                  "tests/unit/test_demo_data.py", "tests/unit/test_demo_store.py",
                  "tests/unit/test_security.py")


@pytest.mark.parametrize("moment", ["23:59:59", "00:00:01"])
def test_the_date_sensitive_tests_pass_either_side_of_midnight_utc(moment):
    today = datetime.now(timezone.utc).date()
    day = today + timedelta(days=1) if moment.startswith("00") else today
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--clock",
         f"{day.isoformat()}T{moment}Z", *DATE_SENSITIVE],
        cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
