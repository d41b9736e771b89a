"""A secret ballot cast through the app carries nothing that links it to its voter:
not in the database rows, not in the log, not in any answer of the API."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from sovet.storage import Database

from ..elections import open_vote

Clients = Callable[[str | None], TestClient]
API = "/api/v1"
BALLOTS = {
    "a1": ["a3", "a4"],
    "a2": ["a4"],
    "a3": ["a3"],
    "a4": ["a5", "a3", "a4"],
    "a5": ["a4", "a5"],
}


def every_row(db: Database) -> dict[str, list[str]]:
    """Every row of every table, as text (bytes decoded where they are text)."""
    out: dict[str, list[str]] = {}
    with db.engine.connect() as conn:
        for table in sa.inspect(conn).get_table_names():
            rows = conn.exec_driver_sql(f'SELECT * FROM "{table}"').all()
            out[table] = [
                " ".join(
                    v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in row
                )
                for row in rows
            ]
    return out


def cast_all(client_for: Clients, db: Database) -> tuple[str, dict[str, str]]:
    """An election of u1's convenor (one seat, ranked; a3, a4, a5 stood): every member
    votes."""
    e = {
        "id": open_vote(
            db, "u1", "u1", ["a3", "a4", "a5"], convenor="a1", purpose="office", office="convenor"
        ).id
    }
    receipts = {}
    for voter, ranking in BALLOTS.items():
        r = client_for(voter).post(f"{API}/elections/{e['id']}/ballots", json={"ranking": ranking})
        assert r.status_code == 201, r.text
        receipts[voter] = r.json()["receipt"]
    return e["id"], receipts


def ledger_entries(db: Database) -> list[dict[str, Any]]:
    return [json.loads(raw) for raw in db.raw_entries()]


def test_the_sealed_box_holds_no_voter(client_for: Clients, web_db: Database) -> None:
    eid, receipts = cast_all(client_for, web_db)
    with web_db.engine.connect() as conn:
        columns = [c["name"] for c in sa.inspect(conn).get_columns("ballot_box")]
        box = conn.execute(
            sa.text("SELECT receipt, election, ranking FROM ballot_box WHERE election = :e"),
            {"e": eid},
        ).all()
        if conn.dialect.name == "sqlite":
            ddl = conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'ballot_box'"
            ).scalar_one()
            assert "WITHOUT ROWID" in ddl.upper()  # no insertion order to match against the log
    assert sorted(columns) == ["election", "ranking", "receipt"]  # no voter, no time
    assert sorted(r for r, _, _ in box) == sorted(receipts.values())
    assert sorted(json.loads(k) for _, _, k in box) == sorted(BALLOTS.values())


def test_no_row_anywhere_links_a_receipt_to_a_voter(client_for: Clients, web_db: Database) -> None:
    eid, receipts = cast_all(client_for, web_db)
    rows = every_row(web_db)
    for table, texts in rows.items():
        for text in texts:
            found = [r for r in receipts.values() if r in text]
            if table == "ballot_box":
                assert len(found) <= 1  # its own receipt, beside only election and ranking
                continue
            assert found == [], (table, text)  # the receipt appears nowhere else
    cast = [e for e in ledger_entries(web_db) if e["type"] == "ballot.cast"]
    assert [e["data"] for e in cast[-5:]] == [{"election": eid, "member": v} for v in BALLOTS]


def test_published_ballots_carry_receipts_and_rankings_only(
    client_for: Clients, web_db: Database
) -> None:
    eid, receipts = cast_all(client_for, web_db)
    assert client_for("a1").post(f"{API}/elections/{eid}/close").status_code == 200
    counted = next(
        e
        for e in ledger_entries(web_db)
        if e["type"] == "election.counted" and e["data"]["election"] == eid
    )
    ballots = counted["data"]["ballots"]
    assert all(set(b) == {"receipt", "ranking"} for b in ballots)
    # published in receipt order, not in the order cast
    assert [b["receipt"] for b in ballots] == sorted(receipts.values())
    mine = {b["receipt"]: b["ranking"] for b in ballots}
    assert {v: mine[r] for v, r in receipts.items()} == BALLOTS  # each voter finds theirs
    # the entry that publishes them names no voter
    text = json.dumps(counted["data"]["ballots"])
    assert '"a1"' not in text and '"a2"' not in text  # voters who are not candidates


def test_the_api_never_answers_with_another_voters_receipt(
    client_for: Clients, web_db: Database
) -> None:
    eid, receipts = cast_all(client_for, web_db)
    answers = [
        client_for(None).get(f"{API}/elections/{eid}").text,
        client_for("a2").get(f"{API}/elections/{eid}").text,
        client_for("a2").get(f"{API}/auth/me").text,
        client_for(None).get(f"{API}/ledger/entries", params={"limit": 1000}).text,
        client_for(None).get(f"{API}/events/stream", params={"since": 0, "timeout": 1}).text,
    ]
    for text in answers:
        assert not any(r in text for r in receipts.values())
    sealed = client_for("a1").get(f"{API}/elections/{eid}/ballots")
    assert sealed.status_code == 409  # nothing is shown before the count


def test_secret_assembly_vote_logs_only_that_a_member_voted(
    client_for: Clients, web_db: Database
) -> None:
    motion = client_for("a2").post(f"{API}/motions", json={"body": "u1", "title": "Strike"}).json()
    client_for("a1").post(f"{API}/motions/{motion['id']}/voting")
    receipts = {}
    for member, choice in (("a3", "yes"), ("a4", "no"), ("a5", "yes")):
        r = client_for(member).post(f"{API}/motions/{motion['id']}/votes", json={"choice": choice})
        receipts[member] = r.json()["receipt"]
    votes = [
        e
        for e in ledger_entries(web_db)
        if e["type"] == "vote.cast" and e["data"]["motion"] == motion["id"]
    ]
    assert [e["data"] for e in votes] == [
        {"motion": motion["id"], "member": m} for m in ("a3", "a4", "a5")
    ]
    for table, texts in every_row(web_db).items():
        if table != "ballot_box":
            assert not any(r in t for t in texts for r in receipts.values()), table
