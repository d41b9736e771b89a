"""A database that cannot be reached answers 503 with a clear message, at once, and the
app serves again as soon as it is back (bench/faults/postgres_stop.py does this with a
real PostgreSQL server stopped and started; here the database goes away in process)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient

from sovet import actions
from sovet.constitution import DEFAULT_CONSTITUTION
from sovet.model import ElectionPurpose
from sovet.settings import Settings
from sovet.storage import accounts as store_accounts
from sovet.storage import open_database
from sovet.web import create_app
from sovet.web.auth import hash_token, make_hasher

from ..conftest import elect_convenor
from ..elections import open_vote

# one committee seat, so that two candidates make a contested election
ONE_SEAT = DEFAULT_CONSTITUTION.replace(
    "[kinds.unit]\ncommittee_seats = 7", "[kinds.unit]\ncommittee_seats = 1"
)

TOKEN = "sovet_unavailable_test_token"


def test_unreachable_database_answers_503_then_recovers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sovet.db'}"
    db = open_database(url)
    actions.found_federation(db, name="Outage", constitution=ONE_SEAT)
    voters = ["v1", "v2", "v3"]
    actions.register_members(db, actor="operator", rows=[(m, f"Voter {m}", []) for m in voters])
    actions.found_unit(db, actor="v1", unit_id="u", name="Works", kind="workplace", founders=voters)
    elect_convenor(db, "u", "v1")
    election = open_vote(
        db, "u", "u", ["v1", "v2"], convenor="v1", purpose=ElectionPurpose.COMMITTEE
    ).id
    account = store_accounts.create_account(
        db,
        login="v2",
        password_hash=make_hasher(fast=True).hash("pw-v2-long"),
        member="v2",
        at="2026-11-26T00:00:00Z",
    )
    store_accounts.create_api_token(
        db, token_hash=hash_token(TOKEN), account=account.id, name="t", at="2026-11-26T00:00:00Z"
    )
    size = db.size()
    app = create_app(Settings(database_url=url), database=db, fast_hashing=True)
    client = TestClient(app)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert client.get(f"/api/v1/elections/{election}").status_code == 200

    working = db.engine
    db.engine = sa.create_engine(f"sqlite:///{tmp_path / 'gone' / 'sovet.db'}")  # unreachable
    try:
        for response in (
            client.get(f"/api/v1/elections/{election}"),
            client.post(
                f"/api/v1/elections/{election}/ballots", json={"ranking": ["v1"]}, headers=auth
            ),
        ):
            assert response.status_code == 503
            error = response.json()["error"]
            assert error["code"] == "storage_error"
            assert "database is unavailable" in error["message"]
            assert response.headers["retry-after"] == "5"
    finally:
        db.engine.dispose()
        db.engine = working

    assert db.size() == size  # the refused vote changed nothing
    vote = client.post(
        f"/api/v1/elections/{election}/ballots", json={"ranking": ["v1"]}, headers=auth
    )
    assert vote.status_code == 201  # back by itself: the member's vote now counts
    assert db.size() == size + 1
