"""Logs to verify, built with the ledger's own encoder from realistic events."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sovet.ledger.events import Entry, next_entry
from sovet.ledger.heads import TreeHead, sign_head
from sovet.ledger.merkle import root

SIGNING_KEY = bytes(range(32))
"""A fixed test key (never a real one), so runs are reproducible."""

TYPES = ("member.joined", "election.opened", "ballot.cast", "motion.tabled", "recall.petitioned")


def build_entries(n: int) -> list[Entry]:
    """``n`` chained entries with varied types, actors and data (incl. non-ASCII text)."""
    entries: list[Entry] = []
    previous = None
    for i in range(n):
        data = {
            "unit": f"u-{i % 5}",
            "name": ["Путиловский завод", 'Co-op "Bread & Roses"', "Ζάχαρη", "نقابة"][i % 4],
            "seq": i,
            "nested": {"index": i + 1, "prev": "f" * 64, "list": [1, None, True]},
        }
        entry = next_entry(
            previous,
            f"2026-11-25T23:{i // 60 % 60:02d}:{i % 60:02d}Z",
            TYPES[i % len(TYPES)],
            None if i % 7 == 0 else f"m-{i:04d}",
            data,
        )
        entries.append(entry)
        previous = entry
    return entries


def heads_for(entries: list[Entry], sizes: list[int]) -> list[TreeHead]:
    """Heads signed with :data:`SIGNING_KEY` at the given sizes."""
    leaves = [e.leaf_hash for e in entries]
    return [
        sign_head(SIGNING_KEY, size, root(leaves[:size]), "2026-11-26T00:00:00Z") for size in sizes
    ]


@pytest.fixture(scope="session")
def entries_of() -> Callable[[int], list[Entry]]:
    """:func:`build_entries`, for tests."""
    return build_entries


@pytest.fixture(scope="session")
def heads_of() -> Callable[[list[Entry], list[int]], list[TreeHead]]:
    """:func:`heads_for`, for tests."""
    return heads_for


@pytest.fixture(scope="session")
def signing_key() -> bytes:
    return SIGNING_KEY
