"""Group commit: actions submitted at the same moment share one transaction, each still
checked and logged on its own; a refused one fails alone."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from sovet import actions
from sovet.constitution import DEFAULT_CONSTITUTION
from sovet.errors import AlreadyVoted
from sovet.ledger.verify import verify_log
from sovet.storage import Database, open_database

from ..conftest import elect_convenor
from ..elections import open_vote


@pytest.fixture
def election(tmp_path: Path) -> tuple[Database, str]:
    db = open_database(f"sqlite:///{tmp_path / 'g.db'}")
    actions.found_federation(db, name="G", constitution=DEFAULT_CONSTITUTION)
    actions.register_members(db, actor="operator", rows=[(f"m{i}", f"M{i}", []) for i in range(60)])
    founders = [f"m{i}" for i in range(60)]
    actions.found_unit(db, actor="m0", unit_id="u", name="U", kind="coop", founders=founders)
    elect_convenor(db, "u", "m0")
    candidates = [f"m{i}" for i in range(1, 10)]  # more than the committee's seven seats
    e = open_vote(db, "u", "u", candidates, convenor="m0", purpose="committee")
    return db, e.id


def test_concurrent_ballots_share_transactions_and_all_count(
    election: tuple[Database, str],
) -> None:
    db, eid = election
    heads_before = len(db.heads())
    lock = threading.RLock()
    results: list[object] = []
    start = threading.Barrier(40)

    def voter(member: str) -> None:
        start.wait()
        try:
            receipt = db.grouped(
                actions.cast_ballot,
                {"actor": member, "election": eid, "ranking": ["m2"]},
                lock=lock,
            )
        except AlreadyVoted as exc:
            results.append(exc)
            return
        results.append(receipt)

    # m5 votes twice at once: exactly one of the two is counted
    members = [f"m{i}" for i in range(5, 44)] + ["m5"]
    threads = [threading.Thread(target=voter, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    receipts = [r for r in results if isinstance(r, str)]
    assert sum(isinstance(r, AlreadyVoted) for r in results) == 1
    assert len(db.sealed_ballots(eid)) == 39 == len(receipts)
    db.forget()
    assert len(db.state.elections[eid].voters) == 39
    new_heads = len(db.heads()) - heads_before
    assert 1 <= new_heads < 39, "concurrent ballots should have shared commits"
    report = verify_log(list(db.raw_entries()), db.heads(), db.public_key())
    assert report.size == db.size()
    db.close()


def test_a_refused_action_in_a_group_fails_alone(election: tuple[Database, str]) -> None:
    db, eid = election
    actions.cast_ballot(db, actor="m9", election=eid, ranking=["m1"])
    size = db.size()
    with pytest.raises(AlreadyVoted):
        db.grouped(actions.cast_ballot, {"actor": "m9", "election": eid, "ranking": ["m2"]})
    assert db.size() == size
    receipt = db.grouped(actions.cast_ballot, {"actor": "m10", "election": eid, "ranking": ["m2"]})
    assert isinstance(receipt, str) and db.size() == size + 1
    db.close()
