"""Nothing acknowledged is ever lost: SIGKILL a writer at random moments, twenty times."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sovet import actions
from sovet.constitution import DEFAULT_CONSTITUTION
from sovet.ledger.verify import verify_log
from sovet.storage import open_database

WRITER = """
import sys
from sovet import actions
from sovet.storage import open_database

db = open_database(sys.argv[1])
db.state  # caught up: appends start right after "ready"
print("ready", flush=True)
start = int(sys.argv[2])
for i in range(start, start + 100_000):
    actions.register_member(db, actor="operator", name=f"Member {i}", member_id=f"m{i}")
    # acknowledged: the action returned, so the entry must survive anything from here on
    print(i, flush=True)
"""


@pytest.mark.slow
def test_sigkill_during_appends_loses_no_acknowledged_entry(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    db = open_database(url)
    actions.found_federation(db, name="Crash test", constitution=DEFAULT_CONSTITUTION)
    public_key = db.public_key()
    rng = random.Random(20261125)
    acknowledged: list[str] = []
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    next_id = 0
    for _round in range(20):
        proc = subprocess.Popen(
            [sys.executable, str(script), url, str(next_id)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"ready\n"
        time.sleep(rng.random() * 0.4)  # a random stretch of appends
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        lines = out.decode().split()
        acknowledged += [f"m{i}" for i in lines]
        next_id += 100_000
    assert len(acknowledged) > 20, "the writer never got going; the test proves nothing"
    db = open_database(url)
    members = db.state.members
    missing = [m for m in acknowledged if m not in members]
    assert missing == []
    report = verify_log(list(db.raw_entries()), db.heads(), public_key)
    assert report.size == db.size() == len(members) + 1
    assert db.latest_head() is not None and db.latest_head().size == report.size  # type: ignore[union-attr]
