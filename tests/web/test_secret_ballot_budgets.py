"""A budget ballot cast through the app carries nothing that links a member to the
projects they approved: not in the database rows, not in the log, not in the published
instance (ballots under receipts, in receipt order), not in any answer of the API."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from sovet.counting.pabulib import parse_pabulib
from sovet.storage import Database

from .test_secret_ballot_web import every_row, ledger_entries

Clients = Callable[[str | None], TestClient]
API = "/api/v1"
PROJECTS = [
    {"id": "stove", "name": "New stove", "cost": 60},
    {"id": "books", "name": "Library", "cost": 30},
    {"id": "bikes", "name": "Bicycles", "cost": 50},
]
# every ballot different, so that a ballot found anywhere would name its voter
BALLOTS = {
    "a1": ["stove"],
    "a2": ["stove", "books"],
    "a3": ["books", "bikes"],
    "a4": ["bikes"],
    "a5": ["stove", "books", "bikes"],
}


def cast_all(client_for: Clients) -> tuple[str, dict[str, str]]:
    b = client_for("a1").post(
        f"{API}/budgets",
        json={"body": "u1", "title": "Canteen fund", "total": 100, "projects": PROJECTS},
    )
    assert b.status_code == 201, b.text
    bid = b.json()["id"]
    receipts = {}
    for voter, approved in BALLOTS.items():
        r = client_for(voter).post(f"{API}/budgets/{bid}/ballots", json={"approved": approved})
        assert r.status_code == 201, r.text
        receipts[voter] = r.json()["receipt"]
    return bid, receipts


def test_the_box_and_the_log_hold_no_link(client_for: Clients, web_db: Database) -> None:
    bid, receipts = cast_all(client_for)
    with web_db.engine.connect() as conn:
        box = conn.execute(
            sa.text("SELECT receipt, ranking FROM ballot_box WHERE election = :b"), {"b": bid}
        ).all()
    assert sorted(r for r, _ in box) == sorted(receipts.values())
    assert sorted(json.loads(k) for _, k in box) == sorted(BALLOTS.values())
    for table, texts in every_row(web_db).items():
        for text in texts:
            found = [r for r in receipts.values() if r in text]
            if table == "ballot_box":
                assert len(found) <= 1  # its own receipt, beside only the budget and ballot
                continue
            assert found == [], (table, text)  # the receipt appears nowhere else
    cast = [
        e
        for e in ledger_entries(web_db)
        if e["type"] == "budget.ballot" and e["data"]["budget"] == bid
    ]
    assert [e["data"] for e in cast] == [{"budget": bid, "member": v} for v in BALLOTS]


def test_the_published_instance_names_no_member(client_for: Clients, web_db: Database) -> None:
    bid, receipts = cast_all(client_for)
    assert client_for("a1").post(f"{API}/budgets/{bid}/close").status_code == 200
    counted = next(
        e
        for e in ledger_entries(web_db)
        if e["type"] == "budget.counted" and e["data"]["budget"] == bid
    )
    instance = parse_pabulib(counted["data"]["instance"])
    # the ballots are published under their receipts, sorted: not in the order cast,
    # so the n-th ballot entry of the log does not point at the n-th published ballot
    assert list(instance.voter_ids) == sorted(receipts.values())
    assert not set(instance.voter_ids) & set(BALLOTS)
    votes = counted["data"]["instance"].split("\nVOTES\n", 1)[1]
    # no field of any published line is a member's id (a random hex receipt may well
    # contain "a1" as a substring, so whole fields are compared)
    fields = {f for line in votes.splitlines() for f in line.replace(",", ";").split(";")}
    assert not fields & set(BALLOTS)
    # and each voter, alone holding their receipt, finds their own ballot
    start = instance.ballot_start
    by_receipt = {
        v: [instance.project_ids[j] for j in instance.ballot_projects[start[i] : start[i + 1]]]
        for i, v in enumerate(instance.voter_ids)
    }
    assert {m: by_receipt[r] for m, r in receipts.items()} == BALLOTS


def test_no_answer_shows_a_receipt_or_a_ballot_before_the_count(client_for: Clients) -> None:
    bid, receipts = cast_all(client_for)
    answers: list[Any] = [
        client_for(None).get(f"{API}/budgets/{bid}").text,
        client_for("a2").get(f"{API}/budgets/{bid}").text,
        client_for("a2").get(f"/budgets/{bid}").text,
        client_for(None).get(f"{API}/ledger/entries", params={"limit": 1000}).text,
        client_for(None).get(f"{API}/events/stream", params={"since": 0, "timeout": 1}).text,
    ]
    for text in answers:
        assert not any(r in text for r in receipts.values())
    assert '"approvals":null' in answers[0]  # no tally while the box is sealed
    assert client_for("a1").get(f"{API}/budgets/{bid}/instance.pb").status_code == 409
