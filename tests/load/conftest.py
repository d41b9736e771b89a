"""Fixtures for the concurrency tests: a real ``sovet serve`` on 127.0.0.1.

``serve(url, workers)`` starts the server in its own process group and returns its
base URL once it answers; every server started is stopped when the test ends.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

LOOPBACK = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[[str, int], str]]:
    started: list[subprocess.Popen[bytes]] = []

    def start(url: str, workers: int) -> str:
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if k != "SOVET_DATABASE_URL"}
        log = (tmp_path / f"serve-{port}.log").open("wb")
        proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "sovet", "serve", "--db", url),
                *("--host", LOOPBACK, "--port", str(port), "--workers", str(workers)),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=tmp_path,
            start_new_session=True,
        )
        log.close()
        started.append(proc)
        base = f"http://{LOOPBACK}:{port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                text = (tmp_path / f"serve-{port}.log").read_text(errors="replace")
                pytest.fail(f"the server exited with {proc.returncode}:\n{text[-2000:]}")
            try:
                if httpx.get(f"{base}/api/v1/ledger/head", timeout=2).status_code == 200:
                    return base
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        pytest.fail("the server did not answer within 90 s")

    yield start
    for proc in started:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=20)
