"""Shared fixtures: an isolated environment and the path to the shared real data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _isolated_environ(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test sees or leaks SOVET_* settings from the machine."""
    for key in list(os.environ):
        if key.startswith("SOVET_") and key != "SOVET_TEST_POSTGRES_URL":
            monkeypatch.delenv(key)
    yield


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real elections, budgets and vectors beside the project (never edited)."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"real data missing: {SHARED_DATA} (clone with ../shared beside it)")
    return SHARED_DATA
