"""One ordered log under concurrency, on every backend.

* Several writer processes append at once: the ledger has no gap, no fork and no
  duplicate index, every acknowledged action is in it exactly once, and it verifies
  with its signed heads.
* One member tries to vote on one ballot a hundred times at once through a real
  ``sovet serve`` with two workers: exactly one ballot counts; the others get 409
  ``already_voted`` and change nothing.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from sovet import actions
from sovet.constitution import DEFAULT_CONSTITUTION
from sovet.ledger.events import decode_entry
from sovet.ledger.verify import verify_log
from sovet.model import ElectionPurpose
from sovet.storage import accounts as store_accounts
from sovet.storage import open_database, schema
from sovet.web.auth import hash_token, make_hasher

from ..conftest import BACKENDS, elect_convenor, fresh_database_url
from ..elections import open_vote

# one committee seat, so that two candidates make a contested election
ONE_SEAT = DEFAULT_CONSTITUTION.replace(
    "[kinds.unit]\ncommittee_seats = 7", "[kinds.unit]\ncommittee_seats = 1"
)

PROCESSES = 4
ACTIONS = 50

WRITER = """
import sys
from sovet import actions
from sovet.storage import open_database

url, tag, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
db = open_database(url, migrate=False)
db.state
print("ready", flush=True)
sys.stdin.readline()  # wait until every writer is ready
for i in range(count):
    actions.register_member(db, actor="operator", name=f"Member {tag}-{i}", member_id=f"{tag}-{i}")
    print(f"{tag}-{i}", flush=True)
"""


def _ledger(url: str) -> tuple[list[int], list[bytes]]:
    db = open_database(url, migrate=False)
    try:
        with db.engine.connect() as conn:
            rows = conn.execute(
                sa.select(schema.ledger.c.idx, schema.ledger.c.raw).order_by(schema.ledger.c.idx)
            ).all()
        return [int(i) for i, _ in rows], [bytes(r) for _, r in rows]
    finally:
        db.close()


def _writers_append_at_once(url: str, tmp_path: Path) -> int:
    """Found a federation at ``url``, let the writers append at once, check the log they
    leave (no gap, no fork, no duplicate, each acknowledged action exactly once, heads
    and signatures verify); returns how often consecutive entries change writer."""
    db = open_database(url)
    actions.found_federation(db, name="Concurrency", constitution=DEFAULT_CONSTITUTION)
    public_key = db.public_key()
    db.close()
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), url, f"p{k}", str(ACTIONS)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        for k in range(PROCESSES)
    ]
    for p in procs:
        assert p.stdout is not None
        assert p.stdout.readline() == b"ready\n", p.stderr.read() if p.stderr else ""
    for p in procs:  # all at once
        assert p.stdin is not None
        p.stdin.write(b"go\n")
        p.stdin.flush()
    acknowledged: list[str] = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()
        acknowledged += out.decode().split()
    assert len(acknowledged) == PROCESSES * ACTIONS

    indexes, raws = _ledger(url)
    assert indexes == list(range(1 + PROCESSES * ACTIONS))  # no gap, no duplicate
    registered = [
        decode_entry(raw, expected_index=i).data["id"]
        for i, raw in enumerate(raws)
        if decode_entry(raw).type == "member.registered"
    ]
    assert Counter(registered) == Counter(acknowledged)  # each exactly once

    db = open_database(url, migrate=False)
    try:
        heads = db.heads()
        report = verify_log(raws, heads, public_key)  # hash chain, Merkle roots, signatures
        assert report.size == len(raws)
        sizes = [h.size for h in heads]
        assert sizes == sorted(set(sizes))  # one head per size: no two versions of a prefix
        assert sizes[-1] == len(raws)
    finally:
        db.close()
    owners = [m.split("-")[0] for m in registered]
    return sum(1 for a, b in pairwise(owners) if a != b)


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_concurrent_writers_append_one_ordered_log(backend: str, tmp_path: Path) -> None:
    # The writers must really have run at the same time (their entries interleave) for
    # the run to test anything; on a busy machine the scheduler may still run them one
    # after another, so up to three runs are made, each checked in full.
    switches = 0
    for attempt in range(3):
        where = tmp_path / f"run{attempt}"
        where.mkdir()
        switches = _writers_append_at_once(fresh_database_url(backend, where), where)
        if switches > PROCESSES - 1:
            break
    assert switches > PROCESSES - 1, "the writers ran one after another in every run"


def _one_voter_federation(url: str) -> tuple[str, str, bytes]:
    """A unit of five members with an open election; member v1 has an API token."""
    db = open_database(url)
    try:
        actions.found_federation(db, name="Double votes", constitution=ONE_SEAT)
        members = [f"v{i}" for i in range(1, 6)]
        actions.register_members(
            db, actor="operator", rows=[(m, f"Voter {m}", []) for m in members]
        )
        actions.found_unit(
            db, actor="v1", unit_id="u", name="Works", kind="workplace", founders=members
        )
        elect_convenor(db, "u", "v1")
        e = open_vote(
            db, "u", "u", ["v1", "v2", "v3"], convenor="v1", purpose=ElectionPurpose.COMMITTEE
        )
        account = store_accounts.create_account(
            db,
            login="v1",
            password_hash=make_hasher(fast=True).hash("pw-v1-long"),
            member="v1",
            at="2026-11-25T00:00:00Z",
        )
        token = "sovet_double_vote_test_token"
        store_accounts.create_api_token(
            db,
            token_hash=hash_token(token),
            account=account.id,
            name="test",
            at="2026-11-25T00:00:00Z",
        )
        public_key = db.public_key()
        assert public_key is not None
        return e.id, token, public_key
    finally:
        db.close()


async def _hundred_votes(base: str, election: str, token: str) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=100)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        start = asyncio.Event()

        async def attempt(i: int) -> httpx.Response:
            await start.wait()
            ranking = [["v1", "v2"], ["v2"], ["v3", "v1", "v2"]][i % 3]
            return await client.post(
                f"/api/v1/elections/{election}/ballots",
                json={"ranking": ranking},
                headers={"Authorization": f"Bearer {token}"},
            )

        tasks = [asyncio.create_task(attempt(i)) for i in range(100)]
        await asyncio.sleep(0.2)
        start.set()
        return list(await asyncio.gather(*tasks))


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_hundred_concurrent_votes_by_one_member_count_once(
    backend: str, tmp_path: Path, serve: Callable[[str, int], str]
) -> None:
    url = fresh_database_url(backend, tmp_path)
    election, token, public_key = _one_voter_federation(url)
    before_indexes, before = _ledger(url)
    base = serve(url, 2)

    responses = asyncio.run(_hundred_votes(base, election, token))

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: 99}, statuses
    for r in responses:
        if r.status_code == 409:
            error = r.json()["error"]
            assert error["code"] == "already_voted"
            assert "already voted" in error["message"]
    receipt = next(r.json()["receipt"] for r in responses if r.status_code == 201)

    indexes, raws = _ledger(url)
    assert raws[: len(before)] == before  # nothing before was touched
    assert indexes == list(range(len(before) + 1))  # exactly one new entry
    last = decode_entry(raws[-1])
    assert (last.type, last.actor, last.data["member"]) == ("ballot.cast", "v1", "v1")
    db = open_database(url, migrate=False)
    try:
        assert [r for r, _ in db.sealed_ballots(election)] == [receipt]
        assert verify_log(raws, db.heads(), public_key).size == len(raws)
    finally:
        db.close()
    detail = httpx.get(f"{base}/api/v1/elections/{election}", timeout=30).json()
    assert detail["voted"] == 1
    assert before_indexes == list(range(len(before)))
