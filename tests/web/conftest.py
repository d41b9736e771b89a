"""Shared fixtures for the web tests: an app on a small federation, and clients per role.

The federation (built once per test session, copied for each test; every test that uses
it runs on SQLite and, when SOVET_TEST_POSTGRES_URL is set, on PostgreSQL too):

* units ``u1`` (a1..a5, convenor a1), ``u2`` (b1..b4, convenor b1), ``v`` (c1..c3,
  convenor c1), each founded by its members, who elect its convenor; the council
  ``soviet`` (founded by a1 for u1, joined by u2's and v's convenors) with delegates a1,
  a2 (u1), b1, b2 (u2), c1 (v), elected by STV from secret ballots, who elect a1 its
  convenor;
* production and needs declared for the plan period ``1918-Q1`` (see
  :func:`declare_plan_period`).
* a counted participatory budget ``vb`` of the village (convenor c1; c1..c3 voted), so
  that the public budget pages have a result, an instance and a recount to show.

Accounts (password ``pw-<login>``), one per role of the authorization matrix:

* ``operator`` — the instance operator;
* ``a1`` — convenor of u1 and of the soviet (and a delegate);
* ``a2`` — delegate of u1 in the soviet (no convenor);
* ``a3`` — a plain member of u1;
* ``b3`` — a plain member of u2 (another unit);
* every other member has an account named by their id too.

``client_for(login)`` gives a TestClient signed in by the login endpoint (session
cookie, with the session's CSRF token preset as ``X-CSRF-Token``);
``client_for(None)`` is anonymous; ``token_for(login)`` gives an API token.

For the browser journeys (``test_browser_*.py``, helpers in ``browser.py``): ``server`` is
uvicorn serving the federation on a free loopback port, ``chromium`` Debian's Chromium
driven by Playwright.
"""

from __future__ import annotations

import contextlib
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from itertools import count
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sovet import actions
from sovet.constitution import DEFAULT_CONSTITUTION
from sovet.model import ElectionPurpose
from sovet.settings import Settings
from sovet.storage import Database, open_database
from sovet.storage import accounts as store_accounts
from sovet.web import create_app
from sovet.web.auth import make_hasher

from ..conftest import BACKENDS, PostgresCopy, fresh_database_url
from ..elections import open_vote, run_election
from .browser import CHROMIUM, Server, free_port

OP = "operator"
# one delegate per two members; ordinary council motions by open roll call
# u2 elects a one-seat committee by approval, v by plurality (to show those ballots);
# every body has one convenor
TEST_CONSTITUTION = (
    DEFAULT_CONSTITUTION.replace(
        "[kinds.council]\nmembers_per_delegate = 1000", "[kinds.council]\nmembers_per_delegate = 2"
    )
    .replace(
        "\n[recall]\n",
        '\n[bodies.u2]\nkind = "unit"\ncommittee_seats = 1\nelection_method = "approval"\n'
        '\n[bodies.v]\nkind = "unit"\ncommittee_seats = 1\nelection_method = "plurality"\n'
        "\n[recall]\n",
    )
    .replace("[offices.convenor]\nseats = 2", "[offices.convenor]\nseats = 1")
)
MEMBERS = [f"a{i}" for i in range(1, 6)] + [f"b{i}" for i in range(1, 5)] + ["c1", "c2", "c3"]
ROLES = {
    "anonymous": None,
    "member": "a3",
    "other-unit": "b3",
    "delegate": "a2",
    "convenor": "a1",
    "operator": "operator",
}


def password_of(login: str) -> str:
    return f"pw-{login}"


def _clock() -> Callable[[], str]:
    ticks = count()

    def now() -> str:
        i = next(ticks)
        return f"2026-01-{1 + i // 1440:02d}T{i // 60 % 24:02d}:{i % 60:02d}:00Z"

    return now


def _elect(
    db: Database, unit: str, candidates: list[str], ballots: dict[str, list[str]], convenor: str
) -> None:
    e = open_vote(
        db, unit, "soviet", candidates, convenor=convenor, purpose=ElectionPurpose.DELEGATION
    )
    run_election(db, e, ballots, closer=convenor)


def _elect_office(
    db: Database, body: str, candidates: list[str], ballots: dict[str, list[str]], opener: str
) -> None:
    """An election of ``body``'s convenor by its own voters: ``candidates`` stand, the
    vote runs, ``opener`` (a convenor, or any voter while there is none) moves it on."""
    e = open_vote(db, body, body, candidates, convenor=opener, purpose="office", office="convenor")
    run_election(db, e, ballots, closer=opener)


PLAN_PERIOD = "1918-Q1"


def declare_plan_period(db: Database, period: str = PLAN_PERIOD) -> None:
    """A small economy for ``period``: the village grows grain (with a few tools), Obukhov
    makes steel (feeding its workers grain), Putilov makes tools from steel by a forge of
    limited capacity or by hand; the soviet needs grain, steel and tools. All needs can
    be met (so no plan motion exists yet)."""
    for convenor, unit, techniques in (
        ("c1", "v", [{"name": "field", "product": "grain", "labour": "2", "capacity": "1000",
                      "inputs": {"tools": "0.01"}}]),
        ("b1", "u2", [{"name": "furnace", "product": "steel", "labour": "5", "capacity": "100",
                       "inputs": {"grain": "0.5"}}]),
        ("a1", "u1", [
            {"name": "forge", "product": "tools", "labour": "3", "capacity": "50",
             "inputs": {"steel": "0.8"}},
            {"name": "hand", "product": "tools", "labour": "8", "inputs": {"steel": "1"}},
        ]),
    ):  # fmt: skip
        actions.declare_production(
            db, actor=convenor, unit=unit, period=period, techniques=techniques
        )
    actions.declare_needs(
        db,
        actor="a1",
        council="soviet",
        period=period,
        needs={"grain": "500", "steel": "10", "tools": "60"},
    )


VILLAGE_PROJECTS = [
    ("well", "New well", 500),
    ("school", "School roof", 400),
    ("road", "Road", 300),
]
VILLAGE_BALLOTS = {"c1": ["well"], "c2": ["well", "road"], "c3": ["school", "road"]}


def _village_budget(db: Database) -> None:
    """The village divides 800 by Equal Shares: the well (two approvals) and the road."""
    b = actions.open_budget(
        db,
        actor="c1",
        body="v",
        title="Village fund",
        total=800,
        projects=VILLAGE_PROJECTS,
        budget_id="vb",
    )
    for member, approved in VILLAGE_BALLOTS.items():
        actions.cast_budget_ballot(db, actor=member, budget_id=b.id, approved=approved)
    actions.close_budget(db, actor="c1", budget_id=b.id)


def build_federation(db: Database) -> None:
    """The small federation of this module's docstring, with its accounts."""
    actions.found_federation(db, name="Test federation", constitution=TEST_CONSTITUTION)
    actions.register_members(db, actor=OP, rows=[(m, f"Member {m.upper()}", []) for m in MEMBERS])
    # each unit is founded by its members and elects its convenor
    for uid, name, kind, prefix in (
        ("u1", "Putilov Works", "workplace", "a"),
        ("u2", "Obukhov Works", "workplace", "b"),
        ("v", "Village", "village", "c"),
    ):
        founders = [m for m in MEMBERS if m[0] == prefix]
        first = founders[0]
        actions.found_unit(db, actor=first, unit_id=uid, name=name, kind=kind, founders=founders)
        _elect_office(db, uid, founders[:2], {m: [first] for m in founders[:3]}, first)
    # members found the factions (three founders each, by the constitution): a1, a2 and b2
    # found the Bolsheviks; b1 the Mensheviks with b3 and b4, who then leave it
    actions.found_faction(db, actor="a1", faction_id="bol", name="Bolsheviks", short="B")
    for member in ("a2", "b2"):
        actions.cosign_faction(db, actor=member, faction="bol")
    actions.found_faction(db, actor="b1", faction_id="men", name="Mensheviks", short="M")
    for member in ("b3", "b4"):
        actions.cosign_faction(db, actor=member, faction="men")
    for member in ("b3", "b4"):
        actions.set_faction(db, actor=member, faction=None)
    # a1 founds the soviet for u1; u2's and v's convenors take them in
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
    _elect(
        db,
        "u1",
        ["a1", "a2", "a3"],
        {"a1": ["a1", "a2"], "a2": ["a2", "a1"], "a3": ["a1", "a3"], "a4": ["a2"], "a5": ["a1"]},
        "a1",
    )
    _elect(
        db,
        "u2",
        ["b1", "b2", "b3"],
        {"b1": ["b1"], "b2": ["b2"], "b3": ["b1", "b3"], "b4": ["b2", "b3"]},
        "b1",
    )
    _elect(db, "v", ["c1", "c2"], {"c1": ["c1"], "c2": ["c1"], "c3": ["c2"]}, "c1")
    # the seated delegates elect the soviet's convenor
    _elect_office(
        db,
        "soviet",
        ["a1", "b1"],
        {"a1": ["a1"], "a2": ["a1"], "b1": ["b1"], "b2": ["a1"], "c1": ["a1"]},
        "a1",
    )
    declare_plan_period(db)
    _village_budget(db)
    hasher = make_hasher(fast=True)
    at = "2026-01-01T00:00:00Z"
    store_accounts.create_account(
        db,
        login="operator",
        password_hash=hasher.hash(password_of("operator")),
        member=None,
        operator=True,
        at=at,
    )
    for member in MEMBERS:
        store_accounts.create_account(
            db, login=member, password_hash=hasher.hash(password_of(member)), member=member, at=at
        )


@pytest.fixture(scope="session")
def web_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small federation, built once; each test works on its own copy."""
    path = tmp_path_factory.mktemp("web") / "template.db"
    db = open_database(f"sqlite:///{path}")
    db.clock = _clock()
    build_federation(db)
    db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def web_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresCopy]:
    """The small federation, built once in a PostgreSQL schema, and a working schema that
    each test gets refilled from it."""
    where = tmp_path_factory.mktemp("web-postgres")
    url = fresh_database_url("postgres", where)
    db = open_database(url)
    db.clock = _clock()
    build_federation(db)
    db.close()
    copies = PostgresCopy(url, where)
    yield copies
    copies.close()


SHM = Path("/dev/shm")


@pytest.fixture(params=BACKENDS)
def web_db(
    request: pytest.FixtureRequest, web_template: Path, tmp_path: Path
) -> Iterator[Database]:
    """A fresh copy of the small federation for one test, on SQLite and, when
    SOVET_TEST_POSTGRES_URL is set, on PostgreSQL. SQLite copies live in memory-backed
    files when the system has them: every commit syncs, and the matrix makes hundreds."""
    if request.param == "postgres":
        copies: PostgresCopy = request.getfixturevalue("web_postgres")
        with open_database(copies.fresh(), migrate=False) as db:
            yield db
        return
    with tempfile.TemporaryDirectory(dir=SHM if SHM.is_dir() else tmp_path) as where:
        target = Path(where) / "sovet.db"
        with sqlite3.connect(web_template) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        src.close()
        dst.close()
        with open_database(f"sqlite:///{target}", migrate=False) as db:
            yield db


@pytest.fixture
def app(web_db: Database) -> FastAPI:
    settings = Settings(database_url=web_db.url, secret_key="test-secret-key")
    application = create_app(settings, database=web_db, fast_hashing=True)
    application.state.poll_seconds = 0.02
    return application


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    """An anonymous client (no session yet)."""
    return TestClient(app)


def sign_in(app: FastAPI, login: str) -> TestClient:
    c = TestClient(app)
    r = c.post("/api/v1/auth/login", json={"login": login, "password": password_of(login)})
    assert r.status_code == 200, r.text
    c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c


@pytest.fixture
def client_for(app: FastAPI) -> Callable[[str | None], TestClient]:
    """A client signed in as ``login`` by session cookie (None: anonymous)."""
    made: dict[str | None, TestClient] = {}

    def make(login: str | None) -> TestClient:
        if login not in made:
            made[login] = TestClient(app) if login is None else sign_in(app, login)
        return made[login]

    return make


@pytest.fixture
def token_for(app: FastAPI) -> Callable[[str], str]:
    """An API token for ``login``, got by name and password as a script would."""

    def make(login: str) -> str:
        r = TestClient(app).post(
            "/api/v1/auth/tokens",
            json={"login": login, "password": password_of(login), "name": "test"},
        )
        assert r.status_code == 201, r.text
        token: str = r.json()["token"]
        return token

    return make


# ---- the browser journeys ----------------------------------------------------------------


@pytest.fixture
def server(web_db: Database) -> Iterator[Server]:
    """uvicorn serving a copy of the small federation on a free loopback port.

    The server has its own connection to the database file; the test writes through
    ``web_db`` as another process would, and the server catches up from the log.
    """
    port = free_port()
    served = open_database(web_db.url, migrate=False)
    app = create_app(
        Settings(database_url=web_db.url, secret_key="browser-test-secret"),
        database=served,
        fast_hashing=True,
    )
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        timeout_graceful_shutdown=1,
    )
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, name="uvicorn", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not uv.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    server_ = Server(base, web_db)
    try:
        yield server_
    finally:
        for context in server_.contexts:  # a failed test leaves its pages open
            with contextlib.suppress(Exception):  # already closed
                context.close()
        uv.should_exit = True
        thread.join(timeout=10)
        served.engine.dispose()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian's chromium (make test does)"
    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    try:
        yield browser
    finally:
        browser.close()
        pw.stop()
