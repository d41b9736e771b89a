"""Ledger benchmark: append, verify and (later) rebuild, against raw SHA-256 in the same run.

Generates realistic events (canonical JSON of about 150-250 bytes each, chained
by ``prev``), then measures:

* **append**: encoding each event (canonical JSON, envelope checks), its leaf
  hash and the incremental Merkle append (events/s);
* **raw SHA-256**: ``hashlib.sha256(line).digest()`` over the same entry bytes,
  the floor that any verifier in Python has to pay;
* **verify**: :func:`sovet.ledger.verify.verify_log_bytes` over the log file's
  bytes (hash chain, indexes, Merkle root) and with signed heads every 10,000
  entries; **verify --strict** (every entry decoded as canonical JSON) on a part;
* **storage**: :func:`bench_storage` (database append batched, rebuild).

Timed runs of raw SHA-256 and verify alternate (``--repeat`` times) and the best
of each is reported, so both see the same machine load; all runs are printed.

    python bench/ledger.py                    # 1,000,000 events
    python bench/ledger.py --events 100000    # quicker
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import statistics
import time
from collections.abc import Callable
from typing import Any

from sovet.ledger.events import next_entry
from sovet.ledger.heads import encode_head, public_key_of, sign_head
from sovet.ledger.merkle import MerkleBuilder, levels, prefix_root
from sovet.ledger.verify import verify_log, verify_log_bytes

BENCH_KEY = bytes(range(32))  # a fixed, public test key: never use it for a real log
HEAD_EVERY = 10_000
STRICT_EVENTS = 100_000

UNITS = ["u-putilov-works", "u-obukhov-works", "u-izmailovsky-regiment", "u-vyborg-district"]
TYPES = ["ballot.cast", "delegate.voted", "member.joined", "motion.amended", "session.attended"]


def event(i: int) -> tuple[str, str, str | None, dict[str, Any]]:
    """Event number ``i``: (at, type, actor, data), varied like a busy federation's log."""
    kind = TYPES[i % len(TYPES)]
    at = f"2026-11-{1 + i // 86_400 % 28:02d}T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z"
    actor = f"m-{(i * 7919) % 250_000:06d}"
    unit = UNITS[i % len(UNITS)]
    data: dict[str, Any]
    if kind == "ballot.cast":  # that a member voted, never what
        data = {"election": f"e-{i // 5000:05d}", "unit": unit, "receipt": f"r-{i:08d}"}
    elif kind == "delegate.voted":
        data = {"motion": f"mo-{i // 300:05d}", "vote": ["yes", "no", "abstain"][i % 3]}
    elif kind == "member.joined":
        data = {"unit": unit, "name": ["Анна Петрова", "Ivan Ivanov", "Ζωή", "ليلى"][i % 4]}
    elif kind == "motion.amended":
        data = {"motion": f"mo-{i // 300:05d}", "text": "Strike 'eight' and insert 'six' hours."}
    else:
        data = {"session": f"s-{i // 1000:05d}", "present": True, "seat": i % 431}
    return at, kind, actor, data


def bench_append(n: int) -> tuple[list[bytes], list[bytes], float]:
    """Encode, hash and append ``n`` events; returns lines, leaf hashes and seconds."""
    lines: list[bytes] = []
    leaves: list[bytes] = []
    builder = MerkleBuilder()
    previous = None
    events = [event(i) for i in range(n)]  # made before timing: not part of the log's work
    gc.collect()
    start = time.perf_counter()
    for at, kind, actor, data in events:
        previous = next_entry(previous, at, kind, actor, data)
        builder.append(previous.leaf_hash)
        lines.append(previous.raw)
        leaves.append(previous.leaf_hash)
    builder.root()
    seconds = time.perf_counter() - start
    return lines, leaves, seconds


def _timed(function: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def bench_storage(n: int) -> None:
    """Database append (batched) and rebuild: to be filled in with the storage layer.

    ---- STORAGE HOOK: replace the body to time ``append`` in batches and ``sovet
    rebuild`` over ``n`` events, and print "storage append: X events/s" and
    "rebuild: Y events/s". ----
    """
    print("storage: not measured")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = args.events

    print(f"ledger benchmark: {n:,} events")
    lines, leaves, append_s = bench_append(n)
    sizes = [len(line) for line in lines]
    print(
        f"entry size: mean {statistics.mean(sizes):.0f} bytes, "
        f"min {min(sizes)}, max {max(sizes)}; log {sum(sizes) / 1e6:.0f} MB"
    )
    print(f"append (encode + leaf hash + Merkle append): {n / append_s:,.0f} events/s")

    data = b"".join(line + b"\n" for line in lines)
    tree = levels(leaves)
    head_sizes = [*range(HEAD_EVERY, n, HEAD_EVERY), n]
    heads = [
        sign_head(BENCH_KEY, s, prefix_root(tree, s), "2026-11-30T00:00:00Z") for s in head_sizes
    ]
    del tree
    assert len(encode_head(heads[-1])) < 400
    public = public_key_of(BENCH_KEY)

    sha = hashlib.sha256
    raw_runs: list[float] = []
    verify_runs: list[float] = []
    heads_runs: list[float] = []
    for _ in range(args.repeat):
        raw_runs.append(_timed(lambda: [sha(line).digest() for line in lines]))
        verify_runs.append(_timed(lambda: verify_log_bytes(data)))
        heads_runs.append(_timed(lambda: verify_log_bytes(data, heads, public)))
    report = verify_log_bytes(data, heads, public)
    assert report.size == n and report.heads == len(heads)

    def rate(seconds: float) -> str:
        return f"{n / seconds:,.0f} events/s"

    raw_best, verify_best, heads_best = min(raw_runs), min(verify_runs), min(heads_runs)
    print(f"raw hashlib.sha256 over the entries: {rate(raw_best)}")
    print(f"verify (chain, indexes, root): {rate(verify_best)}")
    print(f"verify with {len(heads)} signed heads checked: {rate(heads_best)}")
    print(f"ratio verify / raw SHA-256: {raw_best / verify_best:.2f} (goal >= 0.33)")
    print(f"ratio verify with heads / raw SHA-256: {raw_best / heads_best:.2f}")
    print(
        "all runs (s): raw "
        + " ".join(f"{t:.2f}" for t in raw_runs)
        + "; verify "
        + " ".join(f"{t:.2f}" for t in verify_runs)
        + "; with heads "
        + " ".join(f"{t:.2f}" for t in heads_runs)
    )
    part = min(n, STRICT_EVENTS)
    strict_s = _timed(lambda: verify_log(lines[:part], strict=True))
    print(f"verify --strict (every entry decoded), first {part:,}: {part / strict_s:,.0f} events/s")
    bench_storage(n)


if __name__ == "__main__":
    main()
