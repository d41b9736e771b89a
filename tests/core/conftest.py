"""A small federation to test the core on: two factories, a village, a soviet, a congress."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sovet import actions
from sovet.constitution import DEFAULT_CONSTITUTION
from sovet.model import ElectionPurpose
from sovet.storage import Database, open_database

OP = "operator"


def _urls(tmp_path: Path) -> list[str]:
    return [f"sqlite:///{tmp_path / 'sovet.db'}"]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """An empty, initialised federation on SQLite (and on PostgreSQL when configured)."""
    url = os.environ.get("SOVET_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'sovet.db'}"
    database = open_database(url)
    ticks = iter(range(10**6))
    database.clock = lambda: (
        f"2026-01-01T{next(ticks) // 3600 % 24:02d}:{next(ticks) // 60 % 60:02d}:00Z"
    )
    actions.found_federation(
        database,
        name="Test federation",
        constitution=DEFAULT_CONSTITUTION,
        at="2026-01-01T00:00:00Z",
    )
    yield database
    database.engine.dispose()


@dataclass
class Small:
    db: Database
    # units u1 (5 members a1..a5), u2 (4 members b1..b4), village v (3 members c1..c3)
    # soviet: u1, u2, v; congress: soviet


@pytest.fixture
def small(db: Database) -> Small:
    for uid, name, kind in (
        ("u1", "Putilov Works", "workplace"),
        ("u2", "Obukhov Works", "workplace"),
        ("v", "Village", "village"),
    ):
        actions.found_unit(db, actor=OP, unit_id=uid, name=name, kind=kind)
    rows = [(f"a{i}", f"Worker A{i}", ["u1"]) for i in range(1, 6)]
    rows += [(f"b{i}", f"Worker B{i}", ["u2"]) for i in range(1, 5)]
    rows += [(f"c{i}", f"Peasant C{i}", ["v"]) for i in range(1, 4)]
    actions.register_members(db, actor=OP, rows=rows)
    actions.found_council(
        db,
        actor=OP,
        council_id="soviet",
        name="District Soviet",
        level="territorial",
        constituents=["u1", "u2", "v"],
    )
    return Small(db)


def elect(
    db: Database,
    constituency: str,
    target: str,
    candidates: list[str],
    ballots: list[list[str]],
    voters: list[str],
    *,
    convenor: str,
    purpose: ElectionPurpose = ElectionPurpose.DELEGATION,
    seats: int | None = None,
    method: str | None = None,
) -> str:
    """Open, vote and count an election; returns its id."""
    e = actions.open_election(
        db,
        actor=convenor,
        constituency=constituency,
        target=target,
        purpose=purpose,
        candidates=candidates,
        seats=seats,
        method=method,
    )
    for voter, ranking in zip(voters, ballots, strict=True):
        actions.cast_ballot(db, actor=voter, election=e.id, ranking=ranking)
    actions.close_election(db, actor=convenor, election=e.id, seed=1)
    return e.id
