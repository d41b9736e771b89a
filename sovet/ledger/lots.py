"""Lots nobody can choose: the seed of every lot, derived from public data fixed at closing.

A tie that the counting rules leave to chance is broken by a lot seeded with
:func:`lot_seed`. The seed is not drawn by the server: it is the SHA-256 of

* a domain tag (``"sovet-lot-v1"``),
* the vote's id (an election's or a budget's),
* the log's size ``n`` when the vote closed and the RFC 6962 root of its first ``n``
  entries — the tree head that seals the ballots, taken just before the closing entry
  (which is entry ``n``), and
* the digest of the published ballots (:func:`ballots_digest`), receipts left out,

written as one canonical JSON object, of which the first 6 bytes of the hash, read
big-endian, are the seed (a whole number below 2**48, exact in every JSON reader).
The closing entry records ``"lot": {"ballots": ..., "root": ..., "size": n}`` beside
the ``seed``; anyone with the log recomputes all three from the entries before it and
the ballots it publishes, so a server that redrew the lot would publish a seed that
does not verify (:func:`check_lots`, run by ``sovet ledger verify --strict``).

>>> digest = ballots_digest([["b", "a"], ["a"]])
>>> digest == ballots_digest([["a"], ["b", "a"]])  # the order ballots are published in
True
>>> seed = lot_seed("e-1", 7, bytes(32), digest)
>>> seed == lot_seed("e-1", 7, bytes(32), digest), 0 <= seed < 2**48
(True, True)
>>> seed == lot_seed("e-1", 7, b"\\x01" + bytes(31), digest)  # another head, another lot
False
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sovet.errors import VerificationError
from sovet.ledger.canonical import canonical_json, parse_canonical
from sovet.ledger.merkle import leaf_hash, levels, prefix_root

__all__ = [
    "LOT_TAG",
    "Lot",
    "ballots_digest",
    "budget_ballots",
    "check_lots",
    "election_ballots",
    "lot_for",
    "lot_seed",
]

LOT_TAG = "sovet-lot-v1"
SEED_BYTES = 6

Lot = dict[str, Any]
"""What a closing entry records under ``"lot"``: ``ballots``, ``root`` (hex), ``size``."""


def ballots_digest(ballots: Iterable[Sequence[str]]) -> str:
    """Hex SHA-256 of the canonical JSON of the ballots (each a list of strings), sorted,
    so that the order they are published in (receipt order) does not matter.

    >>> ballots_digest([]) == hashlib.sha256(b"[]").hexdigest()
    True
    """
    ordered = sorted([str(item) for item in ballot] for ballot in ballots)
    return hashlib.sha256(canonical_json(ordered)).hexdigest()


def lot_seed(vote: str, size: int, root: bytes, ballots: str) -> int:
    """The seed of a vote's lot (see the module's docstring for the rule)."""
    message = canonical_json(
        {"ballots": ballots, "root": root.hex(), "size": size, "tag": LOT_TAG, "vote": vote}
    )
    return int.from_bytes(hashlib.sha256(message).digest()[:SEED_BYTES], "big")


def lot_for(vote: str, size: int, root: bytes, ballots: Iterable[Sequence[str]]) -> tuple[int, Lot]:
    """The seed and the ``"lot"`` record of a vote that closes as entry ``size`` of a log
    whose first ``size`` entries have the root ``root``."""
    digest = ballots_digest(ballots)
    return lot_seed(vote, size, root, digest), {"ballots": digest, "root": root.hex(), "size": size}


def election_ballots(data: Mapping[str, Any]) -> list[list[str]]:
    """The published ballots of an ``election.counted`` entry: each ranking, without receipt."""
    return [list(b["ranking"]) for b in data["ballots"]]


def budget_ballots(instance: str) -> list[list[str]]:
    """The published ballots of a budget: each line of the instance's VOTES section after
    its header, without its first field (the receipt), split on ``;``.

    >>> budget_ballots("META\\nkey;value\\nVOTES\\nvoter_id;vote\\nr1;a,b\\nr2;c\\n")
    [['a,b'], ['c']]
    """
    lines = instance.splitlines()
    try:
        start = lines.index("VOTES") + 2
    except ValueError:
        return []
    return [line.split(";")[1:] for line in lines[start:] if line.strip()]


_CLOSINGS = {
    b'"type":"election.counted"': ("election", election_ballots),
    b'"type":"budget.counted"': ("budget", lambda d: budget_ballots(d["instance"])),
}


def check_lots(entries: Sequence[bytes], leaves: Sequence[bytes] | None = None) -> int:
    """Recompute the seed of every closing entry that records a ``lot`` and compare it
    with the seed it published; returns how many were checked.

    Raises :class:`VerificationError` naming the first entry whose lot does not follow
    from the log before it and the ballots it publishes. Entries from before lots were
    derived (no ``lot``) are skipped.
    """
    tree = levels(leaves) if leaves is not None else None
    checked = 0
    for index, raw in enumerate(entries):
        closing = next((c for tag, c in _CLOSINGS.items() if tag in raw), None)
        if closing is None or b'"lot":' not in raw:
            continue
        entry = parse_canonical(raw)
        key, ballots_of = closing
        data = entry["data"]
        lot, vote = data.get("lot"), data.get(key)
        if not isinstance(lot, dict) or not isinstance(vote, str):
            continue
        if tree is None:
            tree = levels([leaf_hash(e) for e in entries])
        published = data.get("seed")
        root = prefix_root(tree, index)
        seed, want = lot_for(vote, index, root, ballots_of(data))
        if lot != want or published != seed:
            raise VerificationError(
                f"entry {index}: the lot of {key} {vote} does not follow from the log and its "
                f"ballots (published seed {published}, recomputed {seed})",
                index=index,
            )
        checked += 1
    return checked
