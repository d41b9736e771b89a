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
* **storage**: :func:`bench_storage` (database append batched, verify --db, rebuild);
* **proofs**: :func:`bench_proofs`, what one proof request costs the server, as it was
  (the tree hashed anew from the leaf hashes for the root and for the proof) and with
  the tree's levels kept (:class:`~sovet.ledger.merkle.MerkleLevels`), at 10^5 and
  10^6 entries, and the ratio.

Timed runs of raw SHA-256 and verify alternate (``--repeat`` times) and the best
of each is reported, so both see the same machine load; all runs are printed.
Wall time and this process's CPU time are both shown: on a shared machine the
CPU-time ratio is the steadier measure of the code.

    python bench/ledger.py                    # 1,000,000 events
    python bench/ledger.py --events 100000    # quicker
    python bench/ledger.py --proofs           # only the proof costs, at 10^5 and 10^6
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import statistics
import time
from collections.abc import Callable
from typing import Any

from sovet.ledger.chain import line_ends, links_hold
from sovet.ledger.events import next_entry
from sovet.ledger.heads import TreeHead, encode_head, public_key_of, sign_head
from sovet.ledger.merkle import MerkleBuilder, MerkleLevels, levels, prefix_root, root
from sovet.ledger.proofs import consistency_proof, inclusion_proof
from sovet.ledger.verify import _check_heads, file_leaf_hashes, verify_log, verify_log_bytes

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


def _timed(function: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one call."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    function()
    return time.perf_counter() - wall, time.process_time() - cpu


def bench_phases(data: bytes, heads: list[TreeHead], public: bytes) -> dict[str, float]:
    """CPU seconds of each phase of ``verify_log_bytes(data, heads, public)``, run one by one.

    The best of three runs of each phase.
    """
    ends = line_ends(data)
    leaves = file_leaf_hashes(data)
    n = len(leaves)
    tree = levels(leaves)
    steps: dict[str, Callable[[], object]] = {
        "find lines": lambda: line_ends(data),
        "leaf hashes": lambda: file_leaf_hashes(data),
        "index and prev of every entry": lambda: links_hold(data, n, leaves, ends),
        "tree (n-1 node hashes)": lambda: levels(leaves),
        f"{len(heads)} heads (signatures, prefix roots)": lambda: _check_heads(
            heads, public, tree, None
        ),
    }
    return {name: min(_timed(step)[1] for _ in range(3)) for name, step in steps.items()}


def bench_storage(n: int, batch: int = 10_000) -> None:
    """Database append (batched actions) and rebuild of the projection, on SQLite.

    Appends ``n`` events through the real action path — ``register_members`` in
    transactions of ``batch`` members: each member is one ``member.registered`` entry,
    folded into the state, its projection row written and a signed head per
    transaction — then replays the whole log into fresh projection tables
    (``sovet rebuild``).
    """
    import tempfile
    from pathlib import Path

    from sovet import actions
    from sovet.constitution import DEFAULT_CONSTITUTION
    from sovet.storage import open_database
    from sovet.storage.rebuild import rebuild_projection

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        actions.found_federation(db, name="Bench", constitution=DEFAULT_CONSTITUTION)
        wall, cpu = time.perf_counter(), time.process_time()
        for start in range(0, n, batch):
            rows = [(f"m{i}", f"Member {i}", ()) for i in range(start, min(n, start + batch))]
            actions.register_members(db, actor="operator", rows=rows)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(
            f"storage append, batches of {batch:,} (SQLite, synchronous=FULL): "
            f"{n / wall:,.0f} events/s (CPU time: {n / cpu:,.0f} events/s; goal >= 20,000)"
        )
        size = db.size()
        wall, cpu = time.perf_counter(), time.process_time()
        # What `sovet ledger verify --db` does: the log a page at a time, its heads, its key.
        log = b"".join(raw + b"\n" for raw in db.raw_entries())
        report = verify_log_bytes(log, db.heads(), db.public_key())
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert report.size == size and report.signatures_checked
        print(
            f"verify --db (read {size:,} entries and {report.heads} heads from SQLite, verify "
            f"with signatures): {size / wall:,.0f} events/s (CPU time: {size / cpu:,.0f} events/s)"
        )
        del log
        wall, cpu = time.perf_counter(), time.process_time()
        replayed = rebuild_projection(db)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert replayed == size
        print(
            f"rebuild (replay the log, rewrite the projection): {size / wall:,.0f} events/s "
            f"(CPU time: {size / cpu:,.0f} events/s)"
        )
        db.close()


def _best_cpu(function: Callable[[], object], repeat: int) -> float:
    return min(_timed(function)[1] for _ in range(repeat))


def bench_proofs(sizes: tuple[int, ...] = (100_000, 1_000_000), repeat: int = 3) -> None:
    """CPU time of one inclusion and one consistency proof request, before and after.

    Before: what the API did per request, ``root(leaves[:size])`` and the proof from
    the leaf hashes (each subtree hashed anew). After: the same answer from the kept
    levels (root and proof in O(log n) hashes); the levels are built once per process
    and extended on append, which is shown apart with their memory.
    """
    for n in sizes:
        _proof_costs(n, repeat)


def _proof_costs(n: int, repeat: int) -> None:
    leaves = [hashlib.sha256(i.to_bytes(8, "big")).digest() for i in range(n)]
    index, old = n // 3, n // 2 + 1
    build = _best_cpu(lambda: MerkleLevels.from_leaf_hashes(leaves), 1)
    tree = MerkleLevels.from_leaf_hashes(leaves)
    kept = sum(len(level) for level in tree._levels)

    def before_inclusion() -> object:
        return root(leaves), inclusion_proof(leaves, index, n)

    def after_inclusion() -> object:
        return tree.root(), inclusion_proof(tree, index, n)

    def before_consistency() -> object:
        return root(leaves[:old]), root(leaves), consistency_proof(leaves, old, n)

    def after_consistency() -> object:
        return tree.root(old), tree.root(), consistency_proof(tree, old, n)

    assert before_inclusion() == after_inclusion()
    assert before_consistency() == after_consistency()
    for name, before, after in (
        ("inclusion", before_inclusion, after_inclusion),
        ("consistency", before_consistency, after_consistency),
    ):
        b = _best_cpu(before, repeat)
        a = min(_best_cpu(after, 1) for _ in range(100))
        print(
            f"{name} proof + root(s) at {n:,} entries: before {b * 1e3:,.1f} ms, "
            f"after {a * 1e6:,.1f} us CPU (ratio before/after {b / a:,.0f}x)"
        )
    print(
        f"levels for {n:,} entries: built once in {build:.2f} s CPU, "
        f"{kept / 2**20:,.0f} MiB of hashes kept (the leaf hashes alone: "
        f"{32 * n / 2**20:,.0f} MiB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--proofs", action="store_true", help="only the proof costs")
    args = parser.parse_args()
    if args.proofs:
        bench_proofs(repeat=args.repeat)
        return
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
    runs: dict[str, list[tuple[float, float]]] = {"raw": [], "verify": [], "heads": [], "list": []}
    for _ in range(args.repeat):
        runs["raw"].append(_timed(lambda: [sha(line).digest() for line in lines]))
        runs["verify"].append(_timed(lambda: verify_log_bytes(data)))
        runs["heads"].append(_timed(lambda: verify_log_bytes(data, heads, public)))
        runs["list"].append(_timed(lambda: verify_log(lines)))
    report = verify_log_bytes(data, heads, public)
    assert report.size == n and report.heads == len(heads)
    phases = bench_phases(data, heads, public)

    labels = {
        "raw": "raw hashlib.sha256 over the entries",
        "verify": "verify the log file's bytes (chain, indexes, root)",
        "heads": f"verify the file with {len(heads)} signed heads",
        "list": "verify the entries in memory (verify_log)",
    }
    best = {key: (min(w for w, _ in r), min(c for _, c in r)) for key, r in runs.items()}
    for key, label in labels.items():
        wall, cpu = best[key]
        print(f"{label}: {n / wall:,.0f} events/s (CPU time: {n / cpu:,.0f} events/s)")
    for key in ("verify", "heads", "list"):
        print(
            f"ratio {key} / raw SHA-256: {best['raw'][0] / best[key][0]:.2f} wall, "
            f"{best['raw'][1] / best[key][1]:.2f} CPU (goal >= 0.33)"
        )
    print(
        "verify phases, each timed alone (CPU ns per entry): "
        + ", ".join(f"{name} {seconds * 1e9 / n:.0f}" for name, seconds in phases.items())
    )
    print(
        "all runs, wall s: "
        + "; ".join(f"{key} " + " ".join(f"{w:.2f}" for w, _ in r) for key, r in runs.items())
    )
    part = min(n, STRICT_EVENTS)
    strict_s = _timed(lambda: verify_log(lines[:part], strict=True))[0]
    print(f"verify --strict (every entry decoded), first {part:,}: {part / strict_s:,.0f} events/s")
    bench_storage(n)
    bench_proofs(tuple(sorted({min(n, 100_000), n})), repeat=args.repeat)


if __name__ == "__main__":
    main()
