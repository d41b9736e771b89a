"""Fault: PostgreSQL stops in the middle of a run, then comes back.

``sovet serve --workers 2`` runs on PostgreSQL; members vote through the API. Then the
database server is stopped for a few seconds and started again, the app left alone:

* while it is down, every request fails **fast** (within ``--fast`` seconds) with
  **503** and a message that says the database is unavailable, and changes nothing;
* when it is back, the service **recovers by itself** (no restart of the app): votes
  are accepted again, members refused during the outage vote successfully, and every
  acknowledged ballot is stored exactly once in a log that verifies.

Which PostgreSQL is stopped (``--target``):

* ``temp`` (default): a throwaway server this script makes in a temporary directory on
  a free port (``initdb`` + ``pg_ctl`` as the ``postgres`` user) and removes at the end,
  so nothing else on the machine loses its database;
* ``main``: the machine's cluster, with ``pg_ctlcluster --skip-systemctl-redirect
  <version> main stop`` / ``start`` (started again at the end whatever happens).

Never part of the test suite: it stops a database server. Run it by hand:

    python bench/faults/postgres_stop.py                 # throwaway server
    python bench/faults/postgres_stop.py --target main   # the machine's cluster

Prints PASS or FAIL last; exit 0 or 1. Sends only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import load  # bench/load.py

PG_BIN = Path("/usr/lib/postgresql")


def pg_version() -> str:
    versions = sorted(p.name for p in Path("/etc/postgresql").iterdir())
    if not versions:
        raise RuntimeError("no PostgreSQL cluster in /etc/postgresql")
    return versions[-1]


def as_postgres(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["runuser", "-u", "postgres", "--", *command],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class Target:
    """A PostgreSQL server this script may stop and start."""

    url: str

    def stop(self) -> None: ...
    def start(self) -> None: ...
    def close(self) -> None: ...

    def ready(self, timeout: float = 60) -> bool:
        port = self.url.rsplit(":", 1)[1].split("/", 1)[0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            probe = subprocess.run(
                ["pg_isready", "-h", load.LOOPBACK, "-p", port, "-q"], check=False
            )
            if probe.returncode == 0:
                return True
            time.sleep(0.5)
        return False


class TempServer(Target):
    def __init__(self) -> None:
        self.bin = PG_BIN / pg_version() / "bin"
        self.dir = Path(tempfile.mkdtemp(prefix="sovet-pg-"))
        shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.port = load.free_port()
        done = as_postgres(
            str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"
        )
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr}")
        self.url = f"postgresql://postgres@{load.LOOPBACK}:{self.port}/postgres"
        self.start()

    def _ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses={load.LOOPBACK}"
        done = as_postgres(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-w", *args
        )
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl {' '.join(args)} failed: {done.stderr or done.stdout}")

    def stop(self) -> None:
        self._ctl("-m", "fast", "stop")

    def start(self) -> None:
        self._ctl("-l", str(self.dir / "server.log"), "start")

    def close(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class MainCluster(Target):
    def __init__(self, url: str) -> None:
        self.version = pg_version()
        self.url = url

    def _ctl(self, action: str) -> None:
        command = ["pg_ctlcluster", "--skip-systemctl-redirect", self.version, "main", action]
        if action == "stop":
            command += ["-m", "fast"]
        subprocess.run(command, check=False, timeout=120)

    def stop(self) -> None:
        self._ctl("stop")

    def start(self) -> None:
        self._ctl("start")

    def close(self) -> None:  # the machine's server is left running, always
        if not self.ready(timeout=2):
            self.start()
        if not self.ready(timeout=60):
            print("warning: PostgreSQL did not come back; start it by hand", flush=True)


async def attempt(
    client: load.RawClient, prepared: load.Prepared, member: str, token: str
) -> tuple[int, dict[str, object], float]:
    started = time.perf_counter()
    try:
        status, body = await client.request(
            "POST",
            f"{load.API}/elections/{prepared.election}/ballots",
            {"ranking": prepared.candidates[:3]},
            {"Authorization": f"Bearer {token}"},
            30.0,
        )
    except load.Unanswered as exc:
        return 0, {"error": {"message": str(exc)}}, time.perf_counter() - started
    try:
        data = json.loads(body)
    except ValueError:
        data = {"raw": body[:200].decode(errors="replace")}
    return status, data, time.perf_counter() - started


async def read(client: load.RawClient, prepared: load.Prepared) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        status, _ = await client.request(
            "GET", f"{load.API}/elections/{prepared.election}", None, {}, 30.0
        )
    except load.Unanswered as exc:
        print(f"    a read got no answer: {exc}", flush=True)
        status = 0
    return status, time.perf_counter() - started


async def run(target: Target, args: argparse.Namespace, workdir: Path) -> list[str]:
    problems: list[str] = []
    url, schema_name = load.fresh_url("postgres", workdir, target.url)
    prepared = load.prepare(url, args.members)
    pairs = list(zip(prepared.members, prepared.tokens, strict=True))
    queue = iter(pairs)
    acknowledged: dict[str, str] = {}
    refused: list[tuple[str, str]] = []
    server = load.start_server(url, 2, workdir / "serve.log")
    client = load.RawClient(server.port)

    async def batch(
        count: int, pause: float
    ) -> list[tuple[str, str, int, dict[str, object], float]]:
        out = []
        for _ in range(count):
            member, token = next(queue)
            status, body, took = await attempt(client, prepared, member, token)
            out.append((member, token, status, body, took))
            if status == 201:
                acknowledged[member] = str(body["receipt"])
            await asyncio.sleep(pause)
        return out

    try:
        healthy = await batch(30, 0.05)
        bad = [s for *_, s, _, _ in healthy if s != 201]
        print(f"  before: {len(healthy) - len(bad)} of {len(healthy)} votes accepted", flush=True)
        if bad:
            problems.append(f"before the outage: answers {sorted(set(bad))}")

        stop_started = time.perf_counter()
        target.stop()
        print(f"  PostgreSQL stopped ({time.perf_counter() - stop_started:.1f} s)", flush=True)
        down = await batch(args.outage_votes, 0.2)
        reads = [await read(client, prepared) for _ in range(5)]
        statuses = sorted({s for *_, s, _, _ in down} | {s for s, _ in reads})
        slowest = max([t for *_, t in down] + [t for _, t in reads])
        messages = sorted({str(b.get("error", {}).get("message", b)) for *_, b, _ in down})  # type: ignore[union-attr]
        print(f"  while down: statuses {statuses}, slowest answer {slowest:.2f} s", flush=True)
        for m in messages:
            print(f"    message: {m}", flush=True)
        if statuses != [503]:
            problems.append(f"while down: statuses {statuses}, not only 503")
        if slowest > args.fast:
            problems.append(f"while down: an answer took {slowest:.1f} s (> {args.fast:g} s)")
        if not all("database" in m.lower() for m in messages):
            problems.append("while down: a message does not say that the database is unavailable")
        refused = [(m, t) for m, t, s, _, _ in down if s != 201]

        target.start()
        back = time.perf_counter()
        print("  PostgreSQL started again", flush=True)
        recovered = None
        while time.perf_counter() - back < args.recover:
            status, _ = await read(client, prepared)
            if status == 200:
                recovered = time.perf_counter() - back
                break
            await asyncio.sleep(0.25)
        if recovered is None:
            problems.append(f"the service did not recover within {args.recover:g} s")
        else:
            print(f"  service answering again {recovered:.1f} s after the start", flush=True)
        retried = []
        for member, token in refused:
            status, body, _ = await attempt(client, prepared, member, token)
            retried.append(status)
            if status == 201:
                acknowledged[member] = str(body["receipt"])
        after = await batch(30, 0.05)
        print(
            f"  after: refused members voted again: {sorted(set(retried))}; "
            f"new votes: {sorted({s for *_, s, _, _ in after})}",
            flush=True,
        )
        if set(retried) - {201}:
            problems.append(f"after: members refused while down got {sorted(set(retried))}")
        if any(s != 201 for *_, s, _, _ in after):
            problems.append("after: new votes were not all accepted")
    finally:
        await client.aclose()
        load.stop_server(server)
    if target.ready(timeout=60):
        check = load.check_stored(url, prepared.election, acknowledged, prepared.public_key)
        print(
            f"  stored: {check.acknowledged} acknowledged, {check.in_box} in the ballot box, "
            f"{check.in_log} in the log, {check.missing} missing, {check.duplicated} "
            f"duplicated, {check.unexplained} unexplained; log of {check.log_size} entries "
            f"{'verifies' if check.verified else 'DOES NOT VERIFY: ' + check.problem}",
            flush=True,
        )
        if not check.ok:
            problems.append("stored ballots do not match the acknowledged ones")
        if schema_name is not None:
            load.drop_schema(target.url, schema_name)
    else:
        problems.append("PostgreSQL did not come back")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", choices=["temp", "main"], default="temp")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("SOVET_TEST_POSTGRES_URL", load.DEFAULT_POSTGRES),
        help="with --target main: the database to use on the machine's cluster",
    )
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--outage-votes", type=int, default=20, help="votes sent while down")
    parser.add_argument("--fast", type=float, default=2.0, help="seconds a refusal may take")
    parser.add_argument("--recover", type=float, default=30.0, help="seconds to recover")
    args = parser.parse_args(argv)
    problems: list[str] = []
    target: Target | None = None
    try:
        target = TempServer() if args.target == "temp" else MainCluster(args.postgres_url)
        with tempfile.TemporaryDirectory(prefix="sovet-pgstop-") as tmp:
            problems = asyncio.run(run(target, args, Path(tmp)))
    except Exception as exc:  # whatever went wrong, say it in the FAIL line
        problems.append(f"{type(exc).__name__}: {exc}")
    finally:
        if target is not None:
            target.close()  # the machine's cluster is started again, whatever happened
    if problems:
        print("FAIL: postgres_stop: " + "; ".join(problems))
        return 1
    print("PASS: postgres_stop: fast 503s while the database was down; recovered by itself")
    return 0


if __name__ == "__main__":
    sys.exit(main())
