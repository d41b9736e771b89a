"""No capture from within: members force action by petition, found their own factions,
and no lot can be chosen by whoever runs the server.

Each refused attempt checks the specific error and that neither the log nor the state
moved (``refused``); each positive test checks what the members' action brought about.
"""

from __future__ import annotations

import inspect

import pytest

from sovet import actions
from sovet.errors import VerificationError
from sovet.ledger.lots import ballots_digest, check_lots, lot_seed
from sovet.ledger.merkle import leaf_hash, levels, prefix_root
from sovet.model import ElectionPurpose
from sovet.storage import Database

# ---- lots nobody can choose ------------------------------------------------------------


def test_the_same_closing_data_give_the_same_seed_and_another_head_another() -> None:
    digest = ballots_digest([["a1"], ["a2"]])
    seed = lot_seed("e-1", 40, bytes(32), digest)
    assert lot_seed("e-1", 40, bytes(32), ballots_digest([["a2"], ["a1"]])) == seed
    assert lot_seed("e-1", 40, b"\x01" + bytes(31), digest) != seed
    assert lot_seed("e-1", 41, bytes(32), digest) != seed
    assert lot_seed("e-2", 40, bytes(32), digest) != seed
    assert lot_seed("e-1", 40, bytes(32), ballots_digest([["a1"], ["a1"]])) != seed


@pytest.mark.parametrize("action", [actions.close_election, actions.close_budget])
def test_no_closing_action_takes_a_seed(action: object) -> None:
    assert callable(action)
    assert "seed" not in inspect.signature(action).parameters


def _tied_election(db: Database) -> str:
    e = actions.open_election(
        db,
        actor="a1",
        constituency="u1",
        target="u1",
        purpose=ElectionPurpose.COMMITTEE,
        candidates=["a2", "a3"],
        seats=1,
        method="plurality",
    )
    actions.cast_ballot(db, actor="a1", election=e.id, ranking=["a2"])
    actions.cast_ballot(db, actor="a2", election=e.id, ranking=["a3"])
    actions.close_election(db, actor="a1", election=e.id)
    return e.id


def test_an_election_lot_follows_from_the_head_that_seals_its_ballots(small: Database) -> None:
    eid = _tied_election(small)
    entries = list(small.raw_entries())
    closing = len(entries) - 1
    e = small.state.elections[eid]
    tree = levels([leaf_hash(x) for x in entries])
    digest = ballots_digest([["a2"], ["a3"]])
    assert e.seed == lot_seed(eid, closing, prefix_root(tree, closing), digest)
    assert e.result is not None and e.result["seed"] == e.seed  # the tie was broken by it
    assert check_lots(entries) == 1


def test_a_redrawn_lot_does_not_verify(small: Database) -> None:
    eid = _tied_election(small)
    entries = list(small.raw_entries())
    seed = small.state.elections[eid].seed
    forged = entries[-1].replace(f'"seed":{seed}'.encode(), f'"seed":{(seed or 0) + 1}'.encode())
    assert forged != entries[-1]
    with pytest.raises(VerificationError, match=f"entry {len(entries) - 1}: the lot of election"):
        check_lots([*entries[:-1], forged])


def test_a_budget_lot_follows_from_its_head_and_instance(small: Database) -> None:
    b = actions.open_budget(
        small,
        actor="c1",
        body="v",
        title="Fund",
        total=500,
        projects=[("well", "Well", 500), ("road", "Road", 500)],
        rule="greedy",
    )
    actions.cast_budget_ballot(small, actor="c1", budget_id=b.id, approved=["well"])
    actions.cast_budget_ballot(small, actor="c2", budget_id=b.id, approved=["road"])
    counted = actions.close_budget(small, actor="c1", budget_id=b.id)
    assert len(counted.selected) == 1  # one of the two tied projects, by the lot
    entries = list(small.raw_entries())
    assert check_lots(entries) == 1
    before = len(entries) - 1
    tree = levels([leaf_hash(x) for x in entries])
    seed = lot_seed(b.id, before, prefix_root(tree, before), ballots_digest([["well"], ["road"]]))
    assert counted.result is not None and counted.result["seed"] == seed
