"""A small federation to test the core on: two factories and a village send delegates
to a district soviet."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest

from sovet import actions
from sovet.constitution import DEFAULT_CONSTITUTION
from sovet.model import ElectionPurpose
from sovet.storage import Database, open_database

from ..conftest import BACKENDS, fresh_database_url
from ..elections import open_vote, run_election

OP = "operator"

# Councils send one delegate per 2 members here, so u1 (5) sends 2, u2 (4) 2, v (3) 1;
# ordinary motions are decided by a show of hands (open) so roll calls can be checked;
# every body elects one convenor.
TEST_CONSTITUTION = DEFAULT_CONSTITUTION.replace(
    "[kinds.council]\nmembers_per_delegate = 1000", "[kinds.council]\nmembers_per_delegate = 2"
).replace("[offices.convenor]\nseats = 2", "[offices.convenor]\nseats = 1")


def clock() -> Iterator[str]:
    for i in count():
        yield f"2026-01-{1 + i // 1440:02d}T{i // 60 % 24:02d}:{i % 60:02d}:00Z"


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty, founded federation on SQLite, and on PostgreSQL when
    SOVET_TEST_POSTGRES_URL is set."""
    database = open_database(fresh_database_url(request.param, tmp_path))
    ticks = clock()
    database.clock = lambda: next(ticks)
    actions.found_federation(database, name="Test federation", constitution=TEST_CONSTITUTION)
    yield database
    database.engine.dispose()


@pytest.fixture
def small(db: Database) -> Database:
    """u1: a1..a5 (convenor a1); u2: b1..b4 (convenor b1); v: c1..c3 (convenor c1);
    the soviet (convenor a1 once seated) has them as constituents.

    Each unit is founded by its members (the first of them acting) and elects its
    convenor; a1 founds the soviet for u1, and u2's and v's convenors take them in."""
    rows = [(f"a{i}", f"Worker A{i}", []) for i in range(1, 6)]
    rows += [(f"b{i}", f"Worker B{i}", []) for i in range(1, 5)]
    rows += [(f"c{i}", f"Peasant C{i}", []) for i in range(1, 4)]
    actions.register_members(db, actor=OP, rows=rows)
    for uid, name, kind, prefix, size in (
        ("u1", "Putilov Works", "workplace", "a", 5),
        ("u2", "Obukhov Works", "workplace", "b", 4),
        ("v", "Village", "village", "c", 3),
    ):
        founders = [f"{prefix}{i}" for i in range(1, size + 1)]
        first = founders[0]
        actions.found_unit(db, actor=first, unit_id=uid, name=name, kind=kind, founders=founders)
        elect_office(db, uid, founders[:2], {m: [first] for m in founders[:3]}, opener=first)
    actions.found_council(
        db,
        actor="a1",
        council_id="soviet",
        name="District Soviet",
        level="territorial",
        constituents=["u1", "u2", "v"],
    )
    actions.join_council(db, actor="b1", council="soviet", constituent="u2")
    actions.join_council(db, actor="c1", council="soviet", constituent="v")
    return db


def elect_office(
    db: Database,
    body: str,
    candidates: list[str],
    ballots: dict[str, list[str]],
    *,
    opener: str,
    office: str = "convenor",
) -> str:
    """Open, vote and count an election of ``body``'s ``office`` by its own voters
    (``candidates`` stand); returns its id."""
    e = open_vote(db, body, body, candidates, convenor=opener, purpose="office", office=office)
    return run_election(db, e, ballots, closer=opener).id


def elect(
    db: Database,
    constituency: str,
    target: str,
    candidates: list[str],
    ballots: dict[str, list[str]],
    *,
    convenor: str,
    purpose: ElectionPurpose = ElectionPurpose.DELEGATION,
    method: str | None = None,
    seats: int | None = None,
) -> str:
    """Open an election, have ``candidates`` stand, open the vote when nominations
    close, cast ``ballots`` and count; returns its id."""
    e = open_vote(
        db,
        constituency,
        target,
        candidates,
        convenor=convenor,
        purpose=purpose,
        method=method,
        seats=seats,
    )
    return run_election(db, e, ballots, closer=convenor).id


@pytest.fixture
def seated(small: Database) -> Database:
    """The soviet with its five delegates elected: a1, a2 (u1), b1, b2 (u2), c1 (v);
    they elect a1 its convenor."""
    db = small
    elect(
        db,
        "u1",
        "soviet",
        ["a1", "a2", "a3"],
        {"a1": ["a1", "a2"], "a2": ["a2", "a1"], "a3": ["a1", "a3"], "a4": ["a2"], "a5": ["a1"]},
        convenor="a1",
    )
    elect(
        db,
        "u2",
        "soviet",
        ["b1", "b2", "b3"],
        {"b1": ["b1"], "b2": ["b2"], "b3": ["b1", "b3"], "b4": ["b2", "b3"]},
        convenor="b1",
    )
    elect(
        db, "v", "soviet", ["c1", "c2"], {"c1": ["c1"], "c2": ["c1"], "c3": ["c2"]}, convenor="c1"
    )
    # the seated delegates elect the soviet's convenor
    elect_office(
        db,
        "soviet",
        ["a1", "b1"],
        {"a1": ["a1"], "a2": ["a1"], "b1": ["b1"], "b2": ["a1"], "c1": ["a1"]},
        opener="a1",
    )
    return db
