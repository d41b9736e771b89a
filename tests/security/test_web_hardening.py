"""The web app against a hostile client: oversized bodies, headers, secrets in addresses
and logs, and proofs that cost the server (issue 13, items 5, 6, 9 and 10).

Runs on the small federation of ``tests/web/conftest.py`` (its fixtures are imported
here), with an app of small limits so that each one is reached in a few requests.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
import os
import re
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sovet import actions
from sovet.ledger import merkle, proofs
from sovet.ledger.merkle import MerkleLevels, leaf_hash, root
from sovet.ledger.proofs import (
    consistency_proof,
    inclusion_proof,
    verify_consistency,
    verify_inclusion,
)
from sovet.model import ElectionStatus
from sovet.settings import Settings, load_settings
from sovet.storage import Database
from sovet.web import create_app
from sovet.web.limits import UPLOADS, HeavyLimiter

from ..web.browser import free_port
from ..web.conftest import (  # noqa: F401  (fixtures)
    client_for,
    password_of,
    sign_in,
    web_db,
    web_postgres,
    web_template,
)

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "sovet" / "web" / "templates"
BODY = 4096
UPLOAD = 65_536
BURST = 3


@pytest.fixture
def app(web_db: Database) -> FastAPI:  # noqa: F811
    """The app on the small federation, with small limits."""
    settings = Settings(
        database_url=web_db.url,
        secret_key="test-secret-key",
        max_body_bytes=BODY,
        max_upload_bytes=UPLOAD,
        heavy_per_minute=6,
        heavy_burst=BURST,
    )
    return create_app(settings, database=web_db, fast_hashing=True)


def _error(r: httpx.Response, status: int, code: str) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["ok"] is False and body["error"]["code"] == code, body
    message: str = body["error"]["message"]
    return message


# ---- 5. request size ---------------------------------------------------------------------


def test_a_declared_oversized_body_is_refused_before_it_is_read(app: FastAPI) -> None:
    c = TestClient(app)
    big = json.dumps({"login": "a1", "password": "x" * (BODY + 1)})
    message = _error(
        c.post("/api/v1/auth/login", content=big, headers={"Content-Type": "application/json"}),
        413,
        "too_large",
    )
    assert f"{BODY:,} bytes" in message
    page = c.post("/login", data={"login": "a1", "password": "x" * (BODY + 1)})
    assert page.status_code == 413 and page.headers["content-type"].startswith("text/html")
    assert "larger than" in page.text
    # a body within the limit still reaches the handler
    ok = c.post("/api/v1/auth/login", json={"login": "a1", "password": password_of("a1")})
    assert ok.status_code == 200, ok.text


def _asgi_post(
    app: FastAPI, path: str, chunks: Iterator[bytes], headers: list[tuple[bytes, bytes]]
) -> tuple[int, bytes, int]:
    """POST a streamed body (no Content-Length) straight to the ASGI app: the status, the
    answer and how many body bytes the app pulled from the client."""
    pulled = 0
    status = 0
    answer = b""

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, answer
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            answer += message.get("body", b"")

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"transfer-encoding", b"chunked"), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
        "state": {},
    }
    asyncio.run(app(scope, receive, send))
    return status, answer, pulled


CHUNK = 1024


def _endless(total: int = 300 * 2**20) -> Iterator[bytes]:
    """A body of ``total`` bytes (300 MB), made a chunk at a time as it is pulled."""
    yield b'{"login": "a1", "password": "'
    for _ in range(total // CHUNK):
        yield b"x" * CHUNK


def test_a_streamed_body_is_cut_off_at_the_limit(app: FastAPI) -> None:
    json_type = [(b"content-type", b"application/json")]
    status, answer, pulled = _asgi_post(app, "/api/v1/auth/login", _endless(), json_type)
    assert status == 413
    assert json.loads(answer)["error"]["code"] == "too_large"
    assert pulled <= BODY + CHUNK + 64  # never read past the limit
    form = [(b"content-type", b"application/x-www-form-urlencoded")]
    status, answer, pulled = _asgi_post(app, "/login", _endless(), form)
    assert status == 413 and b"larger than" in answer and pulled <= BODY + CHUNK + 64


def test_bulk_forms_get_the_larger_upload_limit(app: FastAPI) -> None:
    c = TestClient(app)
    rows = [{"name": f"t{i}", "product": "grain", "labour": "1"} for i in range(150)]
    body = json.dumps({"unit": "v", "techniques": rows})
    assert BODY < len(body) < UPLOAD
    # over the ordinary limit, under the upload limit: it reaches the handler (401: anonymous)
    r = c.post(
        "/api/v1/plans/1918-Q2/production",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 401, r.text
    over = json.dumps({"unit": "v", "techniques": rows * 20})
    assert len(over) > UPLOAD
    _error(
        c.post(
            "/api/v1/plans/1918-Q2/production",
            content=over,
            headers={"Content-Type": "application/json"},
        ),
        413,
        "too_large",
    )


def _post_paths(app: FastAPI) -> list[str]:
    """Every POST route: the API's from its OpenAPI description, the pages' from their
    modules' routers (parameters written as ``x``)."""
    import importlib
    import pkgutil

    import sovet.web

    paths = [p for p, ops in app.openapi()["paths"].items() if "post" in ops]
    for module in pkgutil.iter_modules(sovet.web.__path__):
        if module.name.startswith("pages"):
            router = getattr(importlib.import_module(f"sovet.web.{module.name}"), "router", None)
            for route in getattr(router, "routes", []):
                if "POST" in getattr(route, "methods", set()):
                    paths.append(route.path)
    return [re.sub(r"\{[^}]+\}", "x", p) for p in paths]


def test_every_upload_pattern_names_a_route(app: FastAPI) -> None:
    paths = _post_paths(app)
    assert "/api/v1/auth/login" in paths and "/login" in paths
    for pattern in UPLOADS:
        assert any(pattern.fullmatch(p) for p in paths), pattern.pattern


def test_the_limits_are_settings() -> None:
    s = load_settings(
        environ={"SOVET_MAX_BODY_BYTES": "2048", "SOVET_BEHIND_TLS": "yes"},
        config=Path("/nonexistent/sovet.toml"),
    )
    assert s.max_body_bytes == 2048 and s.behind_tls is True
    assert Settings().max_upload_bytes > Settings().max_body_bytes


SERVER = textwrap.dedent(
    """
    import sys, uvicorn
    from sovet.settings import Settings
    from sovet.web import create_app
    app = create_app(Settings(database_url=sys.argv[1], secret_key="k"), fast_hashing=True)
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
    """
)


def _peak_rss(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    assert found
    return int(found.group(1)) * 1024


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_the_server_memory_does_not_grow_with_a_huge_chunked_body(tmp_path: Path) -> None:
    """A real uvicorn process: 256 MiB sent chunked to the sign-in; the answer is 413 and
    the process's peak memory grows by far less than the body."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, f"sqlite:///{tmp_path / 's.db'}", str(port)], env=env
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                ok = httpx.get(f"http://127.0.0.1:{port}/api/v1/ledger/head", timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
        assert ok.status_code == 200
        before = _peak_rss(proc.pid)
        total = 256 * 2**20
        sent = 0
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(
                b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n"
                b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            )
            chunk = b"100000\r\n" + b"x" * 2**20 + b"\r\n"
            try:
                while sent < total:
                    sock.sendall(chunk)
                    sent += 2**20
                sock.sendall(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server answered and closed: what we want
            answer = b""
            try:
                while part := sock.recv(65536):
                    answer += part
            except (ConnectionResetError, TimeoutError):
                pass
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert b'"too_large"' in answer
        grown = _peak_rss(proc.pid) - before
        assert grown < 32 * 2**20, f"peak memory grew by {grown:,} bytes"
        assert sent < total  # cut off long before the end
    finally:
        proc.terminate()
        proc.wait(timeout=30)


# ---- 6. headers ----------------------------------------------------------------------------


def _check_headers(r: httpx.Response) -> None:
    h = r.headers
    csp = h["content-security-policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split("; ")}
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"] and directives["base-uri"] == ["'none'"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "camera=()" in h["permissions-policy"] and "geolocation=()" in h["permissions-policy"]
    assert h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "same-origin"
    assert h["x-frame-options"] == "DENY"


@pytest.mark.parametrize(
    "path",
    ["/", "/ledger", "/api/v1/ledger/head", "/static/sovet.css", "/static/live.js", "/nowhere"],
)
def test_every_answer_carries_the_security_headers(app: FastAPI, path: str) -> None:
    r = TestClient(app).get(path)
    assert r.status_code in (200, 404)
    _check_headers(r)
    assert "strict-transport-security" not in r.headers  # plain HTTP: no HSTS


def test_refusals_carry_them_too(app: FastAPI) -> None:
    r = TestClient(app).post("/api/v1/auth/login", content=b"x" * (BODY + 1))
    assert r.status_code == 413
    _check_headers(r)


def test_hsts_over_tls_or_behind_it(app: FastAPI, web_db: Database) -> None:  # noqa: F811
    https = TestClient(app, base_url="https://testserver").get("/")
    assert https.headers["strict-transport-security"].startswith("max-age=31536000")
    behind = create_app(
        Settings(database_url=web_db.url, secret_key="k", behind_tls=True),
        database=web_db,
        fast_hashing=True,
    )
    r = TestClient(behind).get("/api/v1/ledger/head")
    assert "includeSubDomains" in r.headers["strict-transport-security"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)


def _inline(html: str) -> list[str]:
    found = []
    for name, pattern in (
        ("inline script", INLINE_SCRIPT),
        ("event handler attribute", HANDLER),
        ("style attribute", STYLE_ATTRIBUTE),
        ("style element", STYLE_ELEMENT),
    ):
        found += [f"{name}: {m.group(0)}" for m in pattern.finditer(html)]
    if "javascript:" in html.lower():
        found.append("javascript: URL")
    return found


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_no_template_has_inline_script_or_style(template: str) -> None:
    """The CSP allows no inline script (none is hashed: there are none), no handler
    attribute and no style attribute; a template that had one would break under it."""
    assert _inline((TEMPLATES / template).read_text(encoding="utf-8")) == []


def test_rendered_pages_have_none_either(app: FastAPI, web_db: Database) -> None:  # noqa: F811
    """Charts are drawn in Python, so the pages themselves are checked too."""
    s = web_db.state
    election = next(e for e in s.elections.values() if e.status is ElectionStatus.COUNTED)
    pages = [
        "/",
        "/councils/soviet",
        "/units/u1",
        "/factions",
        "/apportionment",
        f"/elections/{election.id}",
        f"/elections/{election.id}/recount",
        "/budgets/vb",
        "/plans/1918-Q1",
        "/ledger",
        "/ledger/1",
        "/constitution",
        "/login",
    ]
    c = TestClient(app)
    for path in pages:
        r = c.get(path)
        assert r.status_code == 200, (path, r.status_code)
        assert _inline(r.text) == [], path
        # every script is the site's own file
        for src in re.findall(r'<script[^>]*\bsrc="([^"]+)"', r.text):
            assert src.startswith("/static/"), (path, src)


def test_the_api_docs_load_nothing_from_elsewhere(app: FastAPI) -> None:
    c = TestClient(app)
    r = c.get("/api/v1/docs", follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == "/api/v1/openapi.json"
    described = c.get("/api/v1/docs")
    assert described.status_code == 200 and described.json()["openapi"].startswith("3.")
    assert "cdn" not in r.text.lower()


# ---- 9. receipts stay out of addresses and logs -------------------------------------------


def _receipt(web_db: Database) -> tuple[str, str]:  # noqa: F811
    s = web_db.state
    election = next(e for e in s.elections.values() if e.status is ElectionStatus.COUNTED)
    return election.id, election.ballots_published[0][1]


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_a_receipt_is_looked_up_by_post_not_in_the_address(
    app: FastAPI,
    web_db: Database,  # noqa: F811
) -> None:
    eid, receipt = _receipt(web_db)
    c = TestClient(app)
    page = c.get(f"/elections/{eid}")
    form = re.search(r'<form method="(\w+)" action="([^"]+)"[^>]*>\s*[^<]*<[^>]*csrf', page.text)
    assert 'id="find-receipt"' in page.text
    assert f'action="/elections/{eid}/receipt#ballots"' in page.text
    assert form is None or form.group(1) == "post"
    found = c.post(
        f"/elections/{eid}/receipt", data={"csrf_token": _csrf(page.text), "receipt": receipt}
    )
    assert found.status_code == 200
    assert "Found: your ballot was counted as" in found.text and 'class="mine"' in found.text
    # the address no longer looks anything up, so a link with a receipt finds nothing
    ignored = c.get(f"/elections/{eid}", params={"receipt": receipt})
    assert "Found: your ballot" not in ignored.text and 'class="mine"' not in ignored.text
    # budgets alike
    budget = c.get("/budgets/vb")
    assert 'action="/budgets/vb/receipt#ballots"' in budget.text
    instance = c.get("/api/v1/budgets/vb/instance.pb").text
    votes = instance.split("VOTES", 1)[1].splitlines()[2:]
    budget_receipt = votes[0].split(";")[0]
    found = c.post(
        "/budgets/vb/receipt", data={"csrf_token": _csrf(budget.text), "receipt": budget_receipt}
    )
    assert "Found: your ballot approved" in found.text
    ignored = c.get("/budgets/vb", params={"receipt": budget_receipt})
    assert "Found: your ballot" not in ignored.text


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def served(app: FastAPI) -> Iterator[tuple[str, _Records]]:
    """uvicorn serving the app on a loopback port, its access log caught."""
    records = _Records()
    access = logging.getLogger("uvicorn.access")
    level = access.level
    access.setLevel(logging.INFO)
    access.addHandler(records)
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, access_log=True, lifespan="off", log_config=None
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", records
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        access.removeHandler(records)
        access.setLevel(level)


def test_the_access_log_never_holds_a_receipt(
    served: tuple[str, _Records],
    web_db: Database,  # noqa: F811
) -> None:
    base, records = served
    eid, receipt = _receipt(web_db)
    with httpx.Client(base_url=base) as c:
        page = c.get(f"/elections/{eid}")
        found = c.post(
            f"/elections/{eid}/receipt", data={"csrf_token": _csrf(page.text), "receipt": receipt}
        )
        assert "Found: your ballot was counted as" in found.text
    posted = [line for line in records.lines if f"/elections/{eid}/receipt" in line]
    assert posted, records.lines  # the access log was caught, and has the lookup
    assert not any(receipt in line for line in records.lines)


# ---- 10. proofs cost O(log n) --------------------------------------------------------------


def test_proofs_from_the_levels_equal_proofs_from_the_leaves() -> None:
    leaves = [leaf_hash(bytes([i % 256, i // 256])) for i in range(70)]
    tree = MerkleLevels.from_leaf_hashes(leaves[:1])
    for n in range(1, 71):
        if n > 1:
            tree.append(leaves[n - 1])
        assert tree.root() == root(leaves[:n]) and tree.size == n
        for size in (1, n // 2 or 1, n):
            assert tree.root(size) == root(leaves[:size])
            for index in range(size):
                proof = inclusion_proof(tree, index, size)
                assert proof == inclusion_proof(leaves, index, size)
                verify_inclusion(leaves[index], index, size, proof, root(leaves[:size]))
        for old in range(1, n + 1):
            proof = consistency_proof(tree, old, n)
            assert proof == consistency_proof(leaves, old, n)
            verify_consistency(old, n, root(leaves[:old]), root(leaves[:n]), proof)


class _Counter:
    """Counts every SHA-256 the ledger modules compute (leaf, node and root hashes)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = hashlib.sha256
        prefix = hashlib.sha256(b"\x01")
        counter = self

        def counted(data: bytes = b"") -> Any:
            counter.calls += 1
            return real(data)

        class Prefix:
            def copy(self) -> Any:
                counter.calls += 1
                return prefix.copy()

        monkeypatch.setattr(merkle, "_sha256", counted)
        monkeypatch.setattr(merkle, "_NODE_PREFIX", Prefix())
        monkeypatch.setattr(proofs, "_sha256", counted)


N = 2**17 + 12_345


@pytest.fixture(scope="module")
def big() -> tuple[list[bytes], MerkleLevels]:
    leaves = [hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(N)]
    return leaves, MerkleLevels.from_leaf_hashes(leaves)


def test_a_proof_in_a_large_tree_does_not_hash_the_tree(
    big: tuple[list[bytes], MerkleLevels], monkeypatch: pytest.MonkeyPatch
) -> None:
    leaves, tree = big
    counter = _Counter(monkeypatch)
    bound = 2 * math.ceil(math.log2(N)) + 2
    for index, size in ((0, N), (N - 1, N), (77_777, N), (5, 100_001), (N - 2, N - 1)):
        counter.calls = 0
        proof = inclusion_proof(tree, index, size)
        tree.root(size)
        assert counter.calls <= bound, (index, size, counter.calls)
        assert len(proof) <= math.ceil(math.log2(size))
    for old, new in ((1, N), (N // 3, N), (2**17, N), (99_999, 100_001)):
        counter.calls = 0
        consistency_proof(tree, old, new)
        tree.root(old)
        tree.root(new)
        assert counter.calls <= 3 * bound, (old, new, counter.calls)
    # the counter sees a whole-tree computation: the proof from bare leaves hashes them all
    counter.calls = 0
    inclusion_proof(leaves, 0, N)
    assert counter.calls > N // 2


def test_the_proof_endpoints_keep_the_tree(
    app: FastAPI,
    web_db: Database,  # noqa: F811
    client_for: Callable[[str | None], TestClient],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    c = client_for("a1")  # signed in: not rate-limited
    size = web_db.size()
    first = c.get("/api/v1/ledger/proof/inclusion", params={"index": 3})
    assert first.status_code == 200
    counter = _Counter(monkeypatch)
    bound = 2 * math.ceil(math.log2(size + 1)) + 2
    for params in ({"index": 3}, {"index": size - 1, "size": size}, {"index": 0, "size": 7}):
        counter.calls = 0
        r = c.get("/api/v1/ledger/proof/inclusion", params=params)
        assert r.status_code == 200, r.text
        assert counter.calls <= bound, (params, counter.calls, size)
    counter.calls = 0
    r = c.get("/api/v1/ledger/proof/consistency", params={"old": 5})
    assert r.status_code == 200 and counter.calls <= 3 * bound
    # an append extends the kept tree by its own entries only
    actions.found_faction(web_db, actor="a3", faction_id="sr", name="SR", short="S")
    counter.calls = 0
    r = c.get("/api/v1/ledger/proof/inclusion", params={"index": size})
    assert r.status_code == 200 and r.json()["size"] == size + 1
    assert counter.calls <= bound + 3
    proof = [bytes.fromhex(p) for p in r.json()["proof"]]
    head = c.get("/api/v1/ledger/head").json()
    assert head["size"] == size + 1 and head["root"] == r.json()["root"]
    verify_inclusion(
        bytes.fromhex(r.json()["leaf_hash"]), size, size + 1, proof, bytes.fromhex(head["root"])
    )


def test_anonymous_heavy_requests_are_rate_limited(
    app: FastAPI,
    client_for: Callable[[str | None], TestClient],  # noqa: F811
) -> None:
    anonymous = TestClient(app)
    for _ in range(BURST):
        assert (
            anonymous.get("/api/v1/ledger/proof/inclusion", params={"index": 1}).status_code == 200
        )
    refused = anonymous.get("/api/v1/ledger/proof/consistency", params={"old": 1})
    _error(refused, 429, "rate_limited")
    assert int(refused.headers["retry-after"]) >= 1
    page = anonymous.get("/ledger/1")  # the page that computes a proof shares the bucket
    assert page.status_code == 429 and "text/html" in page.headers["content-type"]
    assert "Too many requests from your address" in page.text and page.headers["retry-after"]
    assert anonymous.get("/ledger").status_code == 200  # reading is not limited
    # another address, and a signed-in member, are not held back by it
    other = TestClient(app, client=("192.0.2.7", 4000))
    assert other.get("/api/v1/ledger/proof/inclusion", params={"index": 1}).status_code == 200
    bogus = TestClient(app, client=("192.0.2.8", 4000), headers={"Authorization": "Bearer no"})
    answers = [bogus.get("/api/v1/ledger/proof/inclusion", params={"index": 1}) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]  # a bad token: anonymous
    member = client_for("a3")
    for _ in range(BURST + 2):
        assert member.get("/api/v1/ledger/proof/inclusion", params={"index": 1}).status_code == 200


def test_the_bucket_refills_and_forgets_idle_clients() -> None:
    now = [0.0]
    limiter = HeavyLimiter(per_minute=60, burst=2, clock=lambda: now[0], clients=4)
    assert [limiter.take("a") for _ in range(3)] == [0, 0, 1]
    now[0] += 1.0
    assert limiter.take("a") == 0 and limiter.take("a") == 1
    for i in range(10):  # many addresses: the table stays bounded
        limiter.take(f"c{i}")
    assert len(limiter._buckets) <= 4
    assert HeavyLimiter(per_minute=0, burst=1).take("a") == 0  # 0 turns it off
