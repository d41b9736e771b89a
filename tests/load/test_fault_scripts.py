"""The fault scripts of bench/faults/ that are safe beside other tests, run small.

Each script prints PASS or FAIL as its last line. ``postgres_stop.py`` is not run
here: it stops a database server (see docs/deploying.md and the script's docstring).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import BACKENDS

FAULTS = Path(__file__).resolve().parents[2] / "bench" / "faults"


def _run(script: str, *args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, str(FAULTS / script), *args],
        capture_output=True,
        text=True,
        timeout=900,
        env={k: v for k, v in os.environ.items() if k != "SOVET_DATABASE_URL"},
    )
    lines = done.stdout.strip().splitlines()
    assert lines, done.stderr[-2000:]
    assert lines[-1].startswith("PASS"), done.stdout[-3000:] + done.stderr[-2000:]
    assert done.returncode == 0
    return lines


@pytest.mark.slow
def test_mirror_refuses_rewritten_forked_truncated_and_tampered_logs() -> None:
    lines = _run("mirror_fork.py")
    refused = [line for line in lines if "is refused" in line]
    assert len(refused) == 4
    assert all("refusing to mirror" in line for line in refused)


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_sigkill_of_the_server_loses_and_doubles_no_ballot(backend: str) -> None:
    lines = _run(
        "sigkill_server.py",
        *("--backend", backend, "--members", "300", "--rounds", "2", "--rate", "40"),
    )
    rounds = [line for line in lines if "SIGKILL after" in line]
    assert len(rounds) == 2
    assert any("verifies" in line and " 0 missing, 0 duplicated" in line for line in lines)
