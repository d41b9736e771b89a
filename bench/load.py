"""Load benchmark: thousands of members vote in the same minute through the HTTP API.

Prepares a federation with one big unit of N members and an open election, starts
``sovet serve --workers W`` on it (SQLite, PostgreSQL or both), and drives the members
through the JSON API with asynchronous httpx clients:

* **sign-in**, measured on its own on a sample of members (argon2id at the library's
  recommended cost is deliberately slow, so ten thousand sign-ins do not fit in one
  minute on two cores; members sign in before the voting window opens);
* **the voting window**: every member casts a ballot (``POST
  /api/v1/elections/{id}/ballots`` with an API token made before the window) and then
  reads the results (``GET /api/v1/elections/{id}``), arrivals paced at ``--rate``
  (by default N members within 60 seconds, and at least 170 ballots/s);
* **the ramp**: further members arrive at rising rates, a few seconds per step, until
  p99 passes 300 ms: the saturation point.

Latency is measured from the moment a request was *due*, not from when the client
got round to sending it, so a server that falls behind is not flattered (no
coordinated omission). At the end the database is opened directly: the stored ballots
must equal the acknowledged ones (every receipt exactly once, in the ballot box and as
a ``ballot.cast`` entry in the log) and the whole log must verify with its signed heads.

Bounded: every phase has a fixed number of requests, every request a timeout, the
whole run ``--max-seconds``; requests go only to 127.0.0.1.

    python bench/load.py --quick                       # 1,000 members, both backends
    python bench/load.py --members 10000 --backend both --workers 2
    python bench/load.py --backend sqlite --workers 1,2,4

PostgreSQL: ``--postgres-url`` (default ``$SOVET_TEST_POSTGRES_URL`` or
``postgresql://postgres@127.0.0.1:5432/test``); the run uses a fresh schema and
drops it afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from sovet import actions
from sovet.constitution import DEFAULT_CONSTITUTION
from sovet.ledger.events import decode_entry
from sovet.ledger.verify import verify_log
from sovet.model import ElectionPurpose
from sovet.storage import accounts as store_accounts
from sovet.storage import open_database, schema, utc_now
from sovet.web.auth import hash_token, make_hasher

LOOPBACK = "127.0.0.1"  # the only address this benchmark ever sends to
API = "/api/v1"
PASSWORD = "load-test-password"
UNIT = "big"
TARGET_P99 = 0.300
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
ROOT = Path(__file__).resolve().parent.parent


# ---- preparing the federation ------------------------------------------------------------


@dataclass
class Prepared:
    url: str
    election: str
    members: list[str]
    tokens: list[str]
    candidates: list[str]
    public_key: bytes
    cleanup_schema: str | None = None


def member_id(i: int) -> str:
    return f"m{i:06d}"


def fresh_url(backend: str, workdir: Path, postgres_url: str) -> tuple[str, str | None]:
    """A new SQLite file, or a new schema in the PostgreSQL database (and its name)."""
    if backend == "sqlite":
        return f"sqlite:///{workdir / f'load-{uuid.uuid4().hex[:8]}.db'}", None
    name = f"load_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {name}")
    engine.dispose()
    joiner = "&" if "?" in postgres_url else "?"
    return f"{postgres_url}{joiner}options=-csearch_path%3D{name}", name


def drop_schema(postgres_url: str, name: str) -> None:
    engine = sa.create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {name} CASCADE")
    engine.dispose()


def prepare(url: str, members: int, *, candidates: int = 10, batch: int = 2000) -> Prepared:
    """A federation with one unit of ``members`` members, each with an account and an
    API token, and an open committee election in that unit.

    Members are registered in batches (one transaction each); accounts share one argon2id
    hash of :data:`PASSWORD` (hashing ten thousand passwords one by one takes minutes)
    and are written in one transaction, with their tokens, through the accounts tables.
    """
    db = open_database(url)
    ids = [member_id(i) for i in range(members)]
    actions.found_federation(db, name="Load test", constitution=DEFAULT_CONSTITUTION)
    op = "operator"
    for start in range(0, members, batch):
        rows = [(m, f"Member {m}", []) for m in ids[start : start + batch]]
        actions.register_members(db, actor=op, rows=rows)
    # the members found their unit; its founding assembly elects the first as convenor
    actions.found_unit(
        db, actor=ids[0], unit_id=UNIT, name="Big Works", kind="workplace", founders=ids
    )
    first = actions.open_election(
        db, actor=ids[0], constituency=UNIT, target=UNIT, purpose="office", office="convenor"
    )
    actions.stand(db, actor=ids[0], election=first.id)
    # fewer candidates than seats: elected unopposed when nominations close
    actions.begin_voting(db, actor=ids[0], election=first.id, at=first.nominations_close)
    assert db.state.units[UNIT].convenors == {ids[0]}
    chosen = ids[: min(candidates, members)]
    election = actions.open_election(
        db, actor=ids[0], constituency=UNIT, target=UNIT, purpose=ElectionPurpose.COMMITTEE
    )
    for member in chosen:  # the candidates stand; voting opens when nominations close
        actions.stand(db, actor=member, election=election.id)
    actions.begin_voting(db, actor=ids[0], election=election.id, at=election.nominations_close)
    password_hash = make_hasher().hash(PASSWORD)
    now = utc_now()
    tokens = [f"sovet_load_{secrets.token_urlsafe(24)}" for _ in ids]
    with db.engine.begin() as conn:
        conn.execute(
            sa.insert(store_accounts.accounts),
            [
                {
                    "id": f"acc-{m}",
                    "login": m,
                    "password_hash": password_hash,
                    "member": m,
                    "operator": False,
                    "created_at": now,
                }
                for m in ids
            ],
        )
        conn.execute(
            sa.insert(store_accounts.api_tokens),
            [
                {
                    "token_hash": hash_token(t),
                    "account": f"acc-{m}",
                    "name": "load",
                    "created_at": now,
                    "revoked": False,
                }
                for m, t in zip(ids, tokens, strict=True)
            ],
        )
    public_key = db.public_key()
    assert public_key is not None
    db.close()
    return Prepared(url, election.id, ids, tokens, chosen, public_key)


# ---- the server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def worker_pids(self) -> list[int]:
        """The uvicorn worker processes (children of the server's main process)."""
        try:
            out = subprocess.run(
                ["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True, check=False
            ).stdout
        except FileNotFoundError:
            return []
        return [int(p) for p in out.split()]


def cpu_seconds(pids: Sequence[int]) -> float:
    """User and system CPU time used so far by these processes (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def start_server(url: str, workers: int, log: Path, *, port: int | None = None) -> Server:
    """``sovet serve`` on 127.0.0.1 in its own process group; returns once it answers."""
    port = port or free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("SOVET_DATABASE_URL", None)
    out = log.open("ab")
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "sovet", "serve", "--db", url),
            *("--host", LOOPBACK, "--port", str(port), "--workers", str(workers)),
        ],
        stdout=out,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=log.parent,
        start_new_session=True,
    )
    out.close()
    server = Server(proc, port, log)
    wait_ready(server, timeout=120)
    return server


def wait_ready(server: Server, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"the server exited ({server.proc.returncode}); see {server.log}")
        try:
            r = httpx.get(f"{server.base}{API}/ledger/head", timeout=2)
            if r.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s; see {server.log}")


def stop_server(server: Server, *, kill: bool = False) -> None:
    """SIGTERM (or SIGKILL) to the server's own process group, then wait for it."""
    sig = signal.SIGKILL if kill else signal.SIGTERM
    try:
        os.killpg(server.proc.pid, sig)
    except ProcessLookupError:
        return
    try:
        server.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.proc.pid, signal.SIGKILL)
        server.proc.wait(timeout=20)
    if kill:  # workers are in the same group; make sure none is left behind
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.proc.pid, signal.SIGKILL)


# ---- driving the members -----------------------------------------------------------------


@dataclass
class Phase:
    """What one paced batch of members saw."""

    name: str
    rate: float
    offered: int
    vote_latency: list[float] = field(default_factory=list)
    read_latency: list[float] = field(default_factory=list)
    acknowledged: dict[str, str] = field(default_factory=dict)  # member -> receipt
    uncertain: set[str] = field(default_factory=set)  # sent, no answer: stored or not
    skipped: int = 0  # never sent: the phase ran out of time
    statuses: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ballots_per_second(self) -> float:
        return len(self.acknowledged) / self.seconds if self.seconds else 0.0

    def p(self, q: float, which: str = "vote") -> float:
        data = sorted(self.vote_latency if which == "vote" else self.read_latency)
        if not data:
            return float("nan")
        return data[min(len(data) - 1, int(q * len(data)))]

    def summary(self) -> dict[str, Any]:
        return {
            "phase": self.name,
            "offered_rate": round(self.rate, 1),
            "offered": self.offered,
            "acknowledged": len(self.acknowledged),
            "ballots_per_s": round(self.ballots_per_second, 1),
            "vote_p50_ms": round(self.p(0.50) * 1000, 1),
            "vote_p95_ms": round(self.p(0.95) * 1000, 1),
            "vote_p99_ms": round(self.p(0.99) * 1000, 1),
            "read_p50_ms": round(self.p(0.50, "read") * 1000, 1),
            "read_p99_ms": round(self.p(0.99, "read") * 1000, 1),
            "statuses": dict(sorted(self.statuses.items())),
            "errors": len(self.errors),
            "uncertain": len(self.uncertain),
            "not_sent": self.skipped,
            "seconds": round(self.seconds, 1),
        }


def ranking_for(rng: random.Random, candidates: Sequence[str]) -> list[str]:
    picked = list(candidates)
    rng.shuffle(picked)
    return picked[: rng.randint(1, len(picked))]


async def vote_phase(
    client: Client,
    election: str,
    members: Sequence[tuple[str, str]],
    candidates: Sequence[str],
    rate: float,
    name: str,
    *,
    read: bool = True,
    seed: int = 1917,
    grace: float = 60.0,
) -> Phase:
    """Members (id, token) arrive at ``rate`` per second; each votes, then reads results.

    A member still waiting for a connection ``grace`` seconds after the last one was
    due is not sent at all (the phase is bounded); a request sent without an answer
    leaves its member *uncertain* (the ballot may or may not have been stored).
    """
    phase = Phase(name, rate, len(members))
    rng = random.Random(seed)
    rankings = [ranking_for(rng, candidates) for _ in members]
    start = time.perf_counter()
    cutoff = start + len(members) / rate + grace
    gate = asyncio.Semaphore(CONNECTIONS)

    async def one(i: int, member: str, token: str) -> None:
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        async with gate:
            if time.perf_counter() > cutoff:
                phase.skipped += 1
                return
            await send(i, due, member, token)

    async def send(i: int, due: float, member: str, token: str) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        try:
            status, content = await client.request(
                "POST",
                f"{API}/elections/{election}/ballots",
                {"ranking": rankings[i]},
                headers,
                max(1.0, cutoff - time.perf_counter()),
            )
        except Unanswered as exc:
            phase.errors.append(f"{member}: {exc}")
            phase.statuses["unanswered"] = phase.statuses.get("unanswered", 0) + 1
            phase.uncertain.add(member)
            return
        phase.vote_latency.append(time.perf_counter() - due)
        phase.statuses[str(status)] = phase.statuses.get(str(status), 0) + 1
        if status != 201:
            phase.errors.append(f"{member}: {status} {content[:200]!r}")
            return
        phase.acknowledged[member] = json.loads(content)["receipt"]
        if read:
            t = time.perf_counter()
            try:
                status, _ = await client.request(
                    "GET", f"{API}/elections/{election}", None, {}, 30.0
                )
                if status == 200:
                    phase.read_latency.append(time.perf_counter() - t)
            except Unanswered:
                pass

    await asyncio.gather(*(one(i, m, t) for i, (m, t) in enumerate(members)))
    phase.seconds = time.perf_counter() - start
    return phase


async def sign_in_phase(base: str, logins: Sequence[str], concurrency: int) -> Phase:
    """Members sign in with their passwords (closed loop, ``concurrency`` at a time)."""
    phase = Phase("sign-in", 0.0, len(logins))
    gate = asyncio.Semaphore(concurrency)
    start = time.perf_counter()

    async def one(login: str) -> None:
        async with gate, httpx.AsyncClient(base_url=base, timeout=60) as c:
            t = time.perf_counter()
            try:
                r = await c.post(f"{API}/auth/login", json={"login": login, "password": PASSWORD})
            except httpx.HTTPError as exc:
                phase.errors.append(f"{login}: {type(exc).__name__}")
                return
            phase.vote_latency.append(time.perf_counter() - t)
            phase.statuses[str(r.status_code)] = phase.statuses.get(str(r.status_code), 0) + 1
            if r.status_code == 200:
                phase.acknowledged[login] = "signed-in"

    await asyncio.gather(*(one(m) for m in logins))
    phase.seconds = time.perf_counter() - start
    return phase


CONNECTIONS = 256  # requests in flight at most; the rest wait their turn in the client


class Unanswered(Exception):
    """A request was sent (or half sent) and no whole answer came back."""


class HttpxClient:
    """Requests through an ``httpx.AsyncClient`` (about 5 ms of client CPU each)."""

    def __init__(self, base: str) -> None:
        limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
        self.client = httpx.AsyncClient(base_url=base, timeout=30, limits=limits)

    async def request(
        self, method: str, path: str, body: Any, headers: dict[str, str], timeout: float
    ) -> tuple[int, bytes]:
        try:
            r = await self.client.request(method, path, json=body, headers=headers, timeout=timeout)
        except httpx.HTTPError as exc:
            raise Unanswered(type(exc).__name__) from None
        return r.status_code, r.content

    async def aclose(self) -> None:
        await self.client.aclose()


class RawClient:
    """Keep-alive HTTP/1.1 over asyncio streams, to 127.0.0.1 only: a tenth of httpx's
    CPU per request, so that on a small machine the client does not starve the server."""

    KEEP_IDLE = 3.0  # seconds; the server closes idle connections after 5

    def __init__(self, port: int) -> None:
        self.port = port
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []

    async def request(
        self, method: str, path: str, body: Any, headers: dict[str, str], timeout: float
    ) -> tuple[int, bytes]:
        payload = b"" if body is None else json.dumps(body).encode()
        head = [f"{method} {path} HTTP/1.1", f"Host: {LOOPBACK}:{self.port}"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        if body is not None:
            head += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
        message = ("\r\n".join(head) + "\r\n\r\n").encode() + payload
        try:
            return await asyncio.wait_for(self._exchange(message), timeout)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            raise Unanswered(type(exc).__name__) from None

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, bool]:
        """A kept-alive connection that is fresh enough, or a new one (and which)."""
        now = time.monotonic()
        while self.idle:
            reader, writer, since = self.idle.pop()
            if now - since < self.KEEP_IDLE and not reader.at_eof():
                return reader, writer, True
            writer.close()
        reader, writer = await asyncio.open_connection(LOOPBACK, self.port)
        return reader, writer, False

    async def _exchange(self, message: bytes) -> tuple[int, bytes]:
        reader, writer, reused = await self._connection()
        try:
            try:
                writer.write(message)
                await writer.drain()
                status_line = await reader.readline()
            except ConnectionError:
                if not reused:
                    raise
                status_line = b""
            if not status_line and reused:
                # the server had closed the kept-alive connection before reading the
                # request: nothing was done; send it again on a new connection
                writer.close()
                reader, writer = await asyncio.open_connection(LOOPBACK, self.port)
                writer.write(message)
                await writer.drain()
                status_line = await reader.readline()
            if not status_line:
                raise asyncio.IncompleteReadError(b"", None)
            status = int(status_line.split()[1])
            length, close = 0, False
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
                elif name.lower() == "connection" and "close" in value.lower():
                    close = True
            data = await reader.readexactly(length)
        except BaseException:
            writer.close()
            raise
        if close:
            writer.close()
        else:
            self.idle.append((reader, writer, time.monotonic()))
        return status, data

    async def aclose(self) -> None:
        for _, writer, _ in self.idle:
            writer.close()
        self.idle.clear()


Client = HttpxClient | RawClient


def client_for(server: Server, kind: str) -> Client:
    return RawClient(server.port) if kind == "raw" else HttpxClient(server.base)


# ---- checking what was stored ------------------------------------------------------------


@dataclass(frozen=True)
class StoredCheck:
    acknowledged: int
    in_box: int
    in_log: int
    missing: int
    duplicated: int
    unexplained: int  # stored, but neither acknowledged nor uncertain
    log_size: int
    verified: bool
    problem: str

    @property
    def ok(self) -> bool:
        return (
            self.verified
            and self.missing == 0
            and self.duplicated == 0
            and self.unexplained == 0
            and self.in_box == self.in_log
        )


def check_stored(
    url: str,
    election: str,
    acknowledged: dict[str, str],
    public_key: bytes,
    uncertain: set[str] | frozenset[str] = frozenset(),
) -> StoredCheck:
    """Every acknowledged ballot exactly once in the box and the log; nothing else but
    the ballots whose requests got no answer (``uncertain``); the whole log verifies
    with its signed heads."""
    db = open_database(url, migrate=False)
    try:
        with db.engine.connect() as conn:
            receipts = [
                r
                for (r,) in conn.execute(
                    sa.select(schema.ballot_box.c.receipt).where(
                        schema.ballot_box.c.election == election
                    )
                )
            ]
            raws = [
                bytes(raw)
                for (raw,) in conn.execute(
                    sa.select(schema.ledger.c.raw)
                    .where(schema.ledger.c.type == "ballot.cast")
                    .order_by(schema.ledger.c.idx)
                )
            ]
        voters: list[str] = []
        for raw in raws:
            entry = decode_entry(raw)
            if entry.data.get("election") == election:
                voters.append(str(entry.data["member"]))
        in_box = set(receipts)
        missing = sum(1 for r in acknowledged.values() if r not in in_box)
        missing += sum(1 for m in acknowledged if m not in set(voters))
        duplicated = (len(receipts) - len(in_box)) + (len(voters) - len(set(voters)))
        unexplained = sum(1 for m in set(voters) if m not in acknowledged and m not in uncertain)
        problem = ""
        verified = False
        try:
            report = verify_log(list(db.raw_entries()), db.heads(), public_key)
            verified = report.size == db.size()
        except Exception as exc:  # report the reason, whatever it is
            problem = f"{type(exc).__name__}: {exc}"
        return StoredCheck(
            acknowledged=len(acknowledged),
            in_box=len(receipts),
            in_log=len(voters),
            missing=missing,
            duplicated=duplicated,
            unexplained=unexplained,
            log_size=db.size(),
            verified=verified,
            problem=problem,
        )
    finally:
        db.close()


# ---- what group commit would give -------------------------------------------------------


def batched_ballots(url: str, prepared: Prepared, members: Sequence[str], size: int) -> float:
    """Ballots/s when ``size`` ballots share one transaction (one fsync), each still checked
    by its rule and appended as its own log entry, exactly as ``actions.cast_ballot`` does
    for one; in this process, without HTTP. An estimate of what a group commit would give."""
    from sovet import rules

    db = open_database(url, migrate=False)
    ranking = prepared.candidates[:3]
    started = time.perf_counter()
    try:
        for start in range(0, len(members), size):
            with db.writing(many=True) as w:
                for member in members[start : start + size]:
                    e = w.state.get("elections", prepared.election)
                    rules.check_ballot(w.state, member, e, ranking)
                    w.seal_ballot(prepared.election, ranking)
                    w.append("ballot.cast", member, {"election": e.id, "member": member})
        return len(members) / (time.perf_counter() - started)
    finally:
        db.close()


def estimate_batching(args: argparse.Namespace, backend: str, workdir: Path) -> None:
    url, schema_name = fresh_url(backend, workdir, args.postgres_url)
    try:
        prepared = prepare(url, 1500)
        used = 0
        print(f"\n== {backend}: ballots per transaction (one process, no HTTP)", flush=True)
        for size in (1, 10, 50):
            members = prepared.members[used : used + 500]
            used += 500
            rate = batched_ballots(url, prepared, members, size)
            print(f"  {size:3d} per transaction: {rate:7.1f} ballots/s", flush=True)
        check = check_stored(
            url, prepared.election, {m: "" for m in prepared.members}, prepared.public_key
        )
        print(
            f"  {check.in_box} ballots in the box, {check.in_log} in the log; log of "
            f"{check.log_size} entries verifies: {check.verified}",
            flush=True,
        )
    finally:
        if schema_name is not None:
            drop_schema(args.postgres_url, schema_name)


# ---- one run -----------------------------------------------------------------------------


def show(row: dict[str, Any]) -> None:
    print("  " + json.dumps(row, ensure_ascii=False), flush=True)


async def drive(
    server: Server,
    prepared: Prepared,
    *,
    window: int,
    rate: float,
    ramp: Sequence[float],
    step_seconds: float,
    sign_ins: int,
    workers: int,
    deadline: float,
    client_kind: str = "raw",
) -> list[Phase]:
    """Sign-in sample, then the voting window, then the ramp."""
    pairs = list(zip(prepared.members, prepared.tokens, strict=True))
    phases: list[Phase] = []
    signin = await sign_in_phase(server.base, prepared.members[:sign_ins], max(2, 2 * workers))
    phases.append(signin)
    row = signin.summary()
    row["sign_ins_per_s"] = round(len(signin.acknowledged) / signin.seconds, 1)
    show(row)
    pids = [server.proc.pid, *server.worker_pids()]
    client = client_for(server, client_kind)
    try:
        used = 0
        batch = pairs[used : used + window]
        used += len(batch)
        cpu, own = cpu_seconds(pids), time.process_time()
        phase = await vote_phase(
            client, prepared.election, batch, prepared.candidates, rate, "window"
        )
        cpu, own = cpu_seconds(pids) - cpu, time.process_time() - own
        phases.append(phase)
        row = phase.summary()
        done = max(1, len(phase.acknowledged))
        row["server_cpu_ms_per_ballot"] = round(1000 * cpu / done, 2)
        row["client_cpu_ms_per_ballot"] = round(1000 * own / done, 2)
        show(row)
        for step_rate in ramp:
            count = int(step_rate * step_seconds)
            if used + count > len(pairs) or time.monotonic() + step_seconds * 3 > deadline:
                print("  ramp stopped: members or time ran out", flush=True)
                break
            batch = pairs[used : used + count]
            used += count
            phase = await vote_phase(
                client,
                prepared.election,
                batch,
                prepared.candidates,
                step_rate,
                f"ramp@{step_rate:g}/s",
                seed=int(step_rate),
                grace=2 * step_seconds,
            )
            phases.append(phase)
            show(phase.summary())
            over = [p.p(0.99) > TARGET_P99 or bool(p.errors) for p in phases[2:]]
            if over[-2:] == [True, True]:  # twice in a row: not a passing hiccup
                break
    finally:
        await client.aclose()
    return phases


def start_profiles(server: Server, where: str | None, tag: str) -> list[subprocess.Popen[bytes]]:
    """``py-spy record`` on every worker (collapsed stacks in ``where``), when asked."""
    if not where:
        return []
    Path(where).mkdir(parents=True, exist_ok=True)
    spy = Path(sys.executable).with_name("py-spy")
    return [
        subprocess.Popen(
            [
                *(str(spy), "record", "--format", "raw", "--rate", "50", "--nonblocking"),
                *("--pid", str(pid), "-o", str(Path(where) / f"{tag}-{pid}.txt")),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for pid in server.worker_pids() or [server.proc.pid]
    ]


def saturation(phases: Sequence[Phase]) -> str:
    """The lowest offered rate from which on p99 stays above 300 ms (or requests fail)."""
    ramp = [p for p in phases if p.name.startswith("ramp@")]
    if not ramp:
        return "not measured"
    over = [p.p(0.99) > TARGET_P99 or bool(p.errors) for p in ramp]
    if not over[-1]:
        return f"not reached: p99 <= 300 ms at {ramp[-1].rate:g} ballots/s offered"
    first = len(over)
    while first > 0 and over[first - 1]:
        first -= 1
    bad = ramp[first]
    below = ramp[first - 1] if first > 0 else None
    curve = ", ".join(f"{p.rate:g}/s: {p.p(0.99) * 1000:.0f} ms" for p in ramp)
    return (
        f"p99 passes 300 ms from {bad.rate:g} ballots/s offered on "
        f"({bad.ballots_per_second:.0f} acknowledged/s); last rate under it: "
        + (f"{below.rate:g}/s" if below else "none")
        + f" [p99 by rate: {curve}]"
    )


def run_one(args: argparse.Namespace, backend: str, workers: int, workdir: Path) -> bool:
    ramp = [float(r) for r in args.ramp.split(",")] if args.ramp else []
    ramp_members = int(sum(r * args.step_seconds for r in ramp))
    total = args.members + ramp_members
    url, schema_name = fresh_url(backend, workdir, args.postgres_url)
    print(
        f"\n== {backend}, {workers} worker(s): preparing {total} members "
        f"({args.members} in the window, up to {ramp_members} in the ramp)",
        flush=True,
    )
    try:
        t = time.perf_counter()
        prepared = prepare(url, total)
        print(f"  prepared in {time.perf_counter() - t:.1f} s", flush=True)
        log = workdir / f"serve-{backend}-{workers}.log"
        server = start_server(url, workers, log)
        rate = args.rate or max(170.0, args.members / 60)
        deadline = time.monotonic() + args.max_seconds
        spies = start_profiles(server, args.profile, f"{backend}-{workers}")
        try:
            phases = asyncio.run(
                drive(
                    server,
                    prepared,
                    window=args.members,
                    rate=rate,
                    ramp=ramp,
                    step_seconds=args.step_seconds,
                    sign_ins=min(args.sign_ins, total),
                    workers=workers,
                    deadline=deadline,
                    client_kind=args.client,
                )
            )
        finally:
            for spy in spies:
                spy.send_signal(signal.SIGINT)
            for spy in spies:
                spy.wait(timeout=60)
            stop_server(server)
        voting = [p for p in phases if p.name != "sign-in"]
        acknowledged = {m: r for p in voting for m, r in p.acknowledged.items()}
        uncertain = {m for p in voting for m in p.uncertain}
        check = check_stored(url, prepared.election, acknowledged, prepared.public_key, uncertain)
        window = next(p for p in phases if p.name == "window")
        met = (
            len(window.acknowledged) == args.members
            and window.ballots_per_second >= 170
            and window.p(0.99) < TARGET_P99
        )
        print(f"  saturation: {saturation(phases)}", flush=True)
        print(
            f"  stored: {check.acknowledged} acknowledged, {check.in_box} in the ballot box, "
            f"{check.in_log} in the log, {check.missing} missing, {check.duplicated} "
            f"duplicated, {check.unexplained} unexplained ({len(uncertain)} unanswered); "
            f"log of {check.log_size} entries "
            f"{'verifies' if check.verified else 'DOES NOT VERIFY ' + check.problem}",
            flush=True,
        )
        print(
            f"  goal ({args.members} ballots within the window at >= 170/s, p99 < 300 ms): "
            f"{'met' if met else 'MISSED'} — {window.ballots_per_second:.0f} ballots/s, "
            f"p50/p95/p99 {window.p(0.5) * 1000:.0f}/{window.p(0.95) * 1000:.0f}/"
            f"{window.p(0.99) * 1000:.0f} ms",
            flush=True,
        )
        return check.ok
    finally:
        if schema_name is not None and not args.keep:
            drop_schema(args.postgres_url, schema_name)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000, help="members in the window")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--workers", default="2", help="worker counts, comma-separated")
    parser.add_argument("--rate", type=float, default=None, help="window arrivals per second")
    parser.add_argument(
        "--ramp", default="10,20,40,60,80,100,130,170,220,300", help="ramp rates, comma-separated"
    )
    parser.add_argument("--step-seconds", type=float, default=8.0)
    parser.add_argument("--sign-ins", type=int, default=100, help="members who sign in")
    parser.add_argument("--max-seconds", type=float, default=600.0, help="bound per run")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("SOVET_TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    )
    parser.add_argument(
        "--client",
        choices=["raw", "httpx"],
        default="raw",
        help="the voters' HTTP client: plain asyncio streams (light) or httpx",
    )
    parser.add_argument("--keep", action="store_true", help="keep databases and logs")
    parser.add_argument("--profile", default=None, help="py-spy every worker into this folder")
    parser.add_argument("--quick", action="store_true", help="1,000 members, short ramp")
    parser.add_argument(
        "--estimate-batching",
        action="store_true",
        help="only measure ballots/s with 1, 10 and 50 ballots per transaction (no server)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.members = min(args.members, 1000)
        args.ramp = "20,40,80,160"
        args.step_seconds = 4.0
        args.sign_ins = min(args.sign_ins, 20)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    workers = [int(w) for w in str(args.workers).split(",")]
    ok = True
    with tempfile.TemporaryDirectory(prefix="sovet-load-") as tmp:
        workdir = Path(tmp)
        if args.estimate_batching:
            for backend in backends:
                estimate_batching(args, backend, workdir)
            return 0
        for backend in backends:
            for w in workers:
                ok = run_one(args, backend, w, workdir) and ok
        if args.keep:
            kept = ROOT / "bench" / "load-output"
            kept.mkdir(exist_ok=True)
            for f in workdir.iterdir():
                if f.suffix == ".log":
                    f.replace(kept / f.name)
    print("PASS: every acknowledged ballot stored exactly once" if ok else "FAIL", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
