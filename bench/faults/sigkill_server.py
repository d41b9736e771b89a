"""Fault: SIGKILL the whole server during the load; nothing acknowledged is lost or doubled.

``sovet serve --workers W`` runs on a prepared federation (``bench/load.py``'s); members
vote through the API at a steady rate, and at a random moment the server's main
process and every worker get SIGKILL together. This happens ``--rounds`` times, the
server restarted each time. Then:

* every member whose request got no answer votes again: the answer must be 201 (the
  first try was not stored) or 409 ``already_voted`` (it was) — never a second ballot;
* a last batch of members votes normally (the service is back);
* every acknowledged ballot is in the ballot box and in the log exactly once, nothing
  else is there, and the whole log verifies with its signed heads.

    python bench/faults/sigkill_server.py                    # SQLite and PostgreSQL
    python bench/faults/sigkill_server.py --backend sqlite --rounds 5

Prints PASS or FAIL last; exit 0 or 1. Sends only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import load  # bench/load.py


async def vote_and_kill(
    server: load.Server,
    prepared: load.Prepared,
    batch: Sequence[tuple[str, str]],
    rate: float,
    kill_after: float,
) -> load.Phase:
    client = load.RawClient(server.port)
    try:
        task = asyncio.create_task(
            load.vote_phase(
                client, prepared.election, batch, prepared.candidates, rate, "killed", grace=10
            )
        )
        await asyncio.sleep(kill_after)
        load.stop_server(server, kill=True)
        return await task
    finally:
        await client.aclose()


async def retry(
    server: load.Server, prepared: load.Prepared, members: Sequence[tuple[str, str]]
) -> tuple[dict[str, str], set[str], list[str]]:
    """Vote again for each member whose try went unanswered: (new receipts, members
    found to have voted already, anything else)."""
    client = load.RawClient(server.port)
    stored_now: dict[str, str] = {}
    already: set[str] = set()
    other: list[str] = []
    try:
        for member, token in members:
            status, body = await client.request(
                "POST",
                f"{load.API}/elections/{prepared.election}/ballots",
                {"ranking": prepared.candidates[:2]},
                {"Authorization": f"Bearer {token}"},
                60.0,
            )
            if status == 201:
                stored_now[member] = json.loads(body)["receipt"]
            elif status == 409 and json.loads(body)["error"]["code"] == "already_voted":
                already.add(member)
            else:
                other.append(f"{member}: {status} {body[:200]!r}")
    finally:
        await client.aclose()
    return stored_now, already, other


def run(backend: str, args: argparse.Namespace, workdir: Path) -> list[str]:
    """One backend; returns the problems found (none: PASS)."""
    problems: list[str] = []
    url, schema_name = load.fresh_url(backend, workdir, args.postgres_url)
    rng = random.Random(args.seed)
    try:
        prepared = load.prepare(url, args.members)
        pairs = list(zip(prepared.members, prepared.tokens, strict=True))
        chunk = len(pairs) // (args.rounds + 1)
        tokens = dict(pairs)
        acknowledged: dict[str, str] = {}
        uncertain: set[str] = set()
        log = workdir / f"serve-{backend}.log"
        for round_ in range(args.rounds):
            batch = pairs[round_ * chunk : (round_ + 1) * chunk]
            server = load.start_server(url, args.workers, log)
            kill_after = rng.uniform(0.3, 0.7) * len(batch) / args.rate
            phase = asyncio.run(vote_and_kill(server, prepared, batch, args.rate, kill_after))
            acknowledged.update(phase.acknowledged)
            uncertain |= phase.uncertain
            print(
                f"  {backend} round {round_ + 1}: SIGKILL after {kill_after:.1f} s; "
                f"{len(phase.acknowledged)} acknowledged, {len(phase.uncertain)} unanswered, "
                f"statuses {phase.statuses}",
                flush=True,
            )
            if not phase.acknowledged:
                problems.append(f"round {round_ + 1}: nothing acknowledged, nothing tested")
            wrong = {s for s in phase.statuses if s not in ("201", "unanswered")}
            if wrong:
                problems.append(f"round {round_ + 1}: unexpected answers {sorted(wrong)}")
        server = load.start_server(url, args.workers, log)
        try:
            started = time.perf_counter()
            stored_now, already, other = asyncio.run(
                retry(server, prepared, [(m, tokens[m]) for m in sorted(uncertain)])
            )
            acknowledged.update(stored_now)
            problems += other
            print(
                f"  {backend} after restart: {len(uncertain)} unanswered voted again: "
                f"{len(stored_now)} stored now, {len(already)} had been stored "
                f"(409 already_voted), {len(other)} other ({time.perf_counter() - started:.1f} s)",
                flush=True,
            )
            client = load.RawClient(server.port)
            last = pairs[args.rounds * chunk :]
            phase = asyncio.run(
                load.vote_phase(
                    client, prepared.election, last, prepared.candidates, args.rate, "after"
                )
            )
            acknowledged.update(phase.acknowledged)
            if len(phase.acknowledged) != len(last):
                problems.append(f"after restart: {phase.statuses} for {len(last)} votes")
            print(f"  {backend} after restart: {phase.statuses}", flush=True)
        finally:
            load.stop_server(server)
        check = load.check_stored(
            url, prepared.election, acknowledged, prepared.public_key, uncertain=already
        )
        print(
            f"  {backend} stored: {check.acknowledged} acknowledged + {len(already)} stored "
            f"before an answer; {check.in_box} in the ballot box, {check.in_log} in the log, "
            f"{check.missing} missing, {check.duplicated} duplicated, {check.unexplained} "
            f"unexplained; log of {check.log_size} entries "
            f"{'verifies' if check.verified else 'DOES NOT VERIFY: ' + check.problem}",
            flush=True,
        )
        if not check.ok or check.in_log != check.acknowledged + len(already):
            problems.append(f"{backend}: stored ballots do not match what was acknowledged")
    finally:
        if schema_name is not None:
            load.drop_schema(args.postgres_url, schema_name)
    return [f"{backend}: {p}" for p in problems]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--members", type=int, default=1600)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=float, default=60.0, help="votes offered per second")
    parser.add_argument("--seed", type=int, default=1917)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("SOVET_TEST_POSTGRES_URL", load.DEFAULT_POSTGRES),
    )
    args = parser.parse_args(argv)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="sovet-sigkill-") as tmp:
        for backend in backends:
            problems += run(backend, args, Path(tmp))
    if problems:
        print("FAIL: sigkill_server: " + "; ".join(problems))
        return 1
    print(
        "PASS: sigkill_server: after every SIGKILL, each acknowledged ballot is stored "
        "exactly once and the log verifies"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
