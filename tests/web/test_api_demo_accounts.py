"""`make run`'s path: the Petrograd demo, its demo accounts (as README names them), the
accounts commands, and `sovet serve` answering over a real socket."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sovet.cli import main
from sovet.settings import Settings
from sovet.storage import accounts as store_accounts
from sovet.storage import open_database
from sovet.web import create_app

from ..conftest import BACKENDS, fresh_database_url

API = "/api/v1"
PASSWORD = "sovet-demo"  # the password README gives


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    assert info.value.code == 0, err
    return out


@pytest.fixture(scope="module", params=BACKENDS)
def petrograd(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    url = fresh_database_url(request.param, tmp_path_factory.mktemp("demo"))
    for args in (
        ["demo", "--scenario", "petrograd-1917", "--db", url],
        ["accounts", "demo", "--db", url],
    ):
        with pytest.raises(SystemExit) as info:
            main(args)
        assert info.value.code == 0
    return url


def signed_in(client: TestClient, login: str) -> TestClient:
    r = client.post(f"{API}/auth/login", json={"login": login, "password": PASSWORD})
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return client


@pytest.fixture
def demo_app(petrograd: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=petrograd))) as client:  # closes its db
        yield client


def test_demo_accounts_are_the_four_readme_names(
    petrograd: str, capsys: pytest.CaptureFixture[str]
) -> None:
    listed = json.loads(run(capsys, "accounts", "list", "--json", "--db", petrograd))
    assert sorted(a["login"] for a in listed) == ["convenor", "delegate", "member", "operator"]
    assert [a["operator"] for a in listed if a["login"] == "operator"] == [True]
    # running it again changes nothing
    run(capsys, "accounts", "demo", "--db", petrograd)
    again = json.loads(run(capsys, "accounts", "list", "--json", "--db", petrograd))
    assert again == listed
    with open_database(petrograd) as db:
        account = store_accounts.account_by_login(db, "member")
    assert account is not None and account.password_hash.startswith("$argon2id$")


def test_member_votes_in_the_open_election_and_petitions_to_recall(demo_app: TestClient) -> None:
    c = signed_in(demo_app, "member")
    me = c.get(f"{API}/auth/me").json()["account"]
    unit = c.get(f"{API}/units/{me['units'][0]}").json()
    assert "Murino" in unit["name"]  # as README says
    election = next(
        e
        for e in c.get(f"{API}/elections", params={"status": "open"}).json()
        if e["constituency"] == unit["id"]
    )
    detail = c.get(f"{API}/elections/{election['id']}").json()
    ranking = [detail["candidates"][0]["member"]]
    r = c.post(f"{API}/elections/{election['id']}/ballots", json={"ranking": ranking})
    assert r.status_code == 201 and len(r.json()["receipt"]) == 32
    mandate = unit["delegates"][0]["mandate"]
    r = c.post(f"{API}/petitions", json={"mandate": mandate, "reason": "Never reports back"})
    assert r.status_code == 201, r.text


def test_convenor_and_delegate_vote_by_roll_call(demo_app: TestClient, petrograd: str) -> None:
    convenor = signed_in(demo_app, "convenor")
    me = convenor.get(f"{API}/auth/me").json()["account"]
    council = next(c for c in convenor.get(f"{API}/councils").json() if c["id"] in me["convenes"])
    assert council["name"].startswith("Petrograd Soviet")  # as README says
    detail = convenor.get(f"{API}/councils/{council['id']}").json()
    session = detail["open_session"]
    assert session is not None  # the demo leaves the soviet in session
    motion = convenor.post(
        f"{API}/motions", json={"body": council["id"], "title": "All power to the soviets"}
    ).json()
    assert convenor.post(f"{API}/motions/{motion['id']}/voting").status_code == 200
    delegate = signed_in(TestClient(demo_app.app), "delegate")
    login = delegate.get(f"{API}/auth/me").json()["account"]
    assert login["member"] in [d["member"] for d in detail["delegates"]]
    if login["member"] not in delegate.get(f"{API}/sessions/{session}").json()["present"]:
        assert delegate.post(f"{API}/sessions/{session}/attendance").status_code == 200
    r = delegate.post(f"{API}/motions/{motion['id']}/votes", json={"choice": "yes"})
    assert r.status_code == 201, r.text
    roll = delegate.get(f"{API}/motions/{motion['id']}/roll-call").json()
    assert [(v["member"], v["choice"]) for v in roll] == [(login["member"], "yes")]
    operator = signed_in(TestClient(demo_app.app), "operator")
    refused = operator.post(f"{API}/motions/{motion['id']}/votes", json={"choice": "no"})
    assert refused.status_code == 403


def test_accounts_create_and_password_commands(
    petrograd: str, capsys: pytest.CaptureFixture[str], demo_app: TestClient
) -> None:
    member = demo_app.get(f"{API}/members", params={"limit": 1}).json()[0]["id"]
    out = run(
        capsys,
        "accounts",
        "create",
        "--login",
        "first",
        "--member",
        member,
        "--password",
        "first-password",
        "--db",
        petrograd,
    )
    assert "Created the account 'first'" in out
    run(capsys, "accounts", "password", "first", "--password", "second-password", "--db", petrograd)
    r = TestClient(demo_app.app).post(
        f"{API}/auth/login", json={"login": "first", "password": "second-password"}
    )
    assert r.status_code == 200 and r.json()["account"]["member"] == member
    with pytest.raises(SystemExit) as info:
        main(
            [
                "accounts",
                "create",
                "--login",
                "x",
                "--operator",
                "--password",
                "short",
                "--db",
                petrograd,
            ]
        )
    assert info.value.code == 2
    assert "at least 8" in capsys.readouterr().err


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_sovet_serve_answers_over_a_socket(petrograd: str, tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOVET_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "sovet", "serve", "--db", petrograd, "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline, body = time.monotonic() + 90, None
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{API}/federation") as r:
                    body = json.load(r)
            except OSError:
                time.sleep(0.5)
        assert body is not None, "the server did not answer within 90 s"
        assert body["name"].startswith("Soviets of Petrograd") and body["members"] > 100
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{API}/openapi.json") as r:
            assert "/api/v1/elections" in json.load(r)["paths"]
    finally:
        server.terminate()
        server.wait(timeout=30)
