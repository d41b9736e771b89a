"""Requests run in a thread pool: concurrent ballots and votes through the API are all
kept, each once, and the log replays to the same state."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from sovet.storage import Database, open_database

from ..elections import open_vote

Clients = Callable[[str | None], TestClient]
API = "/api/v1"
VOTERS = ["a1", "a2", "a3", "a4", "a5"]


def test_concurrent_ballots_are_each_kept_once(client_for: Clients, web_db: Database) -> None:
    clients = {v: client_for(v) for v in VOTERS}
    e = {
        "id": open_vote(
            web_db,
            "u1",
            "u1",
            ["a3", "a4", "a5"],
            convenor="a1",
            purpose="office",
            office="convenor",
        ).id
    }
    size = web_db.size()

    def cast(voter: str) -> list[int]:
        url = f"{API}/elections/{e['id']}/ballots"
        return [
            clients[voter].post(url, json={"ranking": ["a4", "a3"]}).status_code for _ in range(3)
        ]

    with ThreadPoolExecutor(max_workers=5) as pool:
        results = dict(zip(VOTERS, pool.map(cast, VOTERS), strict=True))
    assert all(codes == [201, 409, 409] for codes in results.values()), results
    assert web_db.size() == size + 5
    assert len(web_db.sealed_ballots(e["id"])) == 5
    with open_database(web_db.url, migrate=False) as replayed:
        assert replayed.state.elections[e["id"]].voters == frozenset(VOTERS)
    assert web_db.state.elections[e["id"]].voters == frozenset(VOTERS)


def test_concurrent_reads_while_writing_never_fail(client_for: Clients) -> None:
    reader, writer = client_for(None), client_for("a1")
    session = writer.post(f"{API}/sessions", json={"council": "soviet"}).json()["id"]

    def read(_: int) -> int:
        return reader.get(f"{API}/councils/soviet").status_code

    def write(text: str) -> int:
        return writer.post(f"{API}/sessions/{session}/minutes", json={"text": text}).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        reads = pool.map(read, range(30))
        writes = pool.map(write, [f"item {i}" for i in range(10)])
        assert set(reads) == {200} and set(writes) == {200}
    minutes = reader.get(f"{API}/sessions/{session}").json()["minutes"]
    assert sorted(minutes) == sorted(f"item {i}" for i in range(10))
