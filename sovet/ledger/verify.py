"""Verify a whole log: hash chain, indexes, Merkle root and signed heads; name the first bad entry.

What :func:`verify_log` checks, for entries ``0..n-1``:

1. each entry is one line that starts with ``{"actor":`` and ends with the
   envelope's tail ``,"index":i,"prev":"<hex>","type":"<noun.verb>","v":1}``
   where ``i`` is its position and ``prev`` the hex leaf hash of entry ``i-1``
   (64 zeros for entry 0);
2. in ``strict`` mode, also that each entry is canonical JSON with a valid
   envelope (:func:`sovet.ledger.events.decode_entry`), and that the seed of every
   lot follows from the log before its closing entry and the ballots it publishes
   (:func:`sovet.ledger.lots.check_lots`);
3. every tree head is signed by ``public_key`` (when given), no head is smaller
   than an earlier one, two heads of one size have one root, and each head's
   root is the RFC 6962 root of the log's first ``size`` entries.

Because every entry commits to the one before it, a changed byte in entry ``k``
breaks the link from ``k+1`` to ``k``; a removed, inserted or reordered entry
breaks an index. The last entry is committed to only by a tree head. The first
bad index is reported in :class:`VerificationError` ``.index``.

The default (fast) mode reads index and prev from the raw bytes and checks all
links at once with a few passes over the whole log, at the speed of SHA-256.
In canonical JSON the sequence ``,"index":`` cannot occur inside a string (a
``"`` in a string is escaped), and sorted keys put the envelope's ``index``,
``prev``, ``type`` and ``v`` last; so the tail is the envelope's own. The fast
mode proves integrity and append-only history; ``strict`` mode also proves that
every entry is well formed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from sovet.errors import VerificationError
from sovet.ledger.chain import line_ends, links_hold
from sovet.ledger.events import GENESIS_PREV, HEAD_PREFIX, TAIL, decode_entry
from sovet.ledger.heads import TreeHead, verify_head
from sovet.ledger.lots import check_lots
from sovet.ledger.merkle import levels, prefix_root, root

__all__ = [
    "VerifyReport",
    "file_leaf_hashes",
    "leaf_hashes",
    "split_lines",
    "verify_log",
    "verify_log_bytes",
]

_ZEROS = GENESIS_PREV.encode()
_LEAF_PREFIX = hashlib.sha256(b"\x00")
# A prev that differs from the true link in this many hex digits or fewer was
# edited in place; a wholly different hash means the entry before it changed.
_EDITED_DIGITS = 8
_SPLIT = 4096  # lines split out of the blob at a time


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """What a successful verification established."""

    size: int
    root: bytes
    heads: int = 0
    signatures_checked: bool = False
    strict: bool = False
    lots: int = 0  # lots whose seeds were recomputed (strict mode)


def _hash_lines(blob: bytes, ends: Any) -> list[bytes]:
    """The leaf hash of each line of ``blob`` (every line followed by a newline).

    The lines are split out a slice of the blob at a time: splitting makes each
    line's bytes in C, cheaper than a slice or a memoryview per line, and a line
    is freed as soon as it is hashed, so the memory is reused while still in cache.
    """
    hashes: list[bytes] = []
    push = hashes.append
    start = _LEAF_PREFIX.copy
    bounds = [0, *(ends[_SPLIT - 1 :: _SPLIT] + 1).tolist()]
    if bounds[-1] != len(blob):
        bounds.append(len(blob))
    for low, high in pairwise(bounds):
        for line in blob[low : high - 1].split(b"\n"):
            h = start()
            h.update(line)
            push(h.digest())
    return hashes


def file_leaf_hashes(data: bytes) -> list[bytes]:
    """The leaf hash of each line of a file (a last line without a newline counts).

    >>> file_leaf_hashes(b"a\\nb") == leaf_hashes([b"a", b"b"]) == file_leaf_hashes(b"a\\nb\\n")
    True
    """
    blob = data if not data or data.endswith(b"\n") else data + b"\n"
    return _hash_lines(blob, line_ends(blob))


def split_lines(data: bytes) -> list[bytes]:
    """The lines of a file, without their newlines; a missing final newline is allowed.

    >>> split_lines(b"a\\nb\\n"), split_lines(b"a\\nb"), split_lines(b"")
    ([b'a', b'b'], [b'a', b'b'], [])
    """
    if not data:
        return []
    if data.endswith(b"\n"):
        data = data[:-1]
    return data.split(b"\n")


def leaf_hashes(entries: Sequence[bytes]) -> list[bytes]:
    """The RFC 6962 leaf hash ``SHA-256(0x00 || entry)`` of every entry, in order."""
    hashes: list[bytes] = []
    push = hashes.append
    start = _LEAF_PREFIX.copy
    for line in entries:
        h = start()
        h.update(line)
        push(h.digest())
    return hashes


def _differing_digits(a: bytes, b: bytes) -> int:
    return sum(x != y for x, y in zip(a, b, strict=False)) + abs(len(a) - len(b))


def _links_to(line: bytes, prev_hex: bytes) -> bool:
    """Whether ``line``'s envelope prev is ``prev_hex``."""
    match = TAIL.search(line)
    return match is not None and match[2] == prev_hex


def _first_bad(
    lines: Sequence[bytes], leaves: Sequence[bytes], strict: bool
) -> VerificationError | None:
    """The error at the first entry that breaks the chain, or None (entry by entry)."""
    for i, line in enumerate(lines):
        if strict:
            try:
                decode_entry(line, expected_index=i)
            except VerificationError as exc:
                return exc
        if b"\n" in line:
            return VerificationError(f"entry {i}: contains a newline", index=i)
        if not line.startswith(HEAD_PREFIX):
            return VerificationError(f"entry {i}: does not start like an entry", index=i)
        match = TAIL.search(line)
        if match is None:
            return VerificationError(
                f"entry {i}: does not end with the envelope's index, prev, type and v", index=i
            )
        if int(match[1]) != i:
            return VerificationError(
                f"entry {i}: has index {int(match[1])} "
                "(entries were removed, inserted or reordered)",
                index=i,
            )
        want = _ZEROS if i == 0 else leaves[i - 1].hex().encode()
        got = match[2]
        if got != want:
            if i == 0 or _differing_digits(got, want) <= _EDITED_DIGITS:
                return VerificationError(f"entry {i}: its prev link was altered", index=i)
            if i + 1 < len(lines) and _links_to(lines[i + 1], want):
                return VerificationError(
                    f"entry {i}: does not belong here: entry {i + 1} follows entry {i - 1} "
                    f"(an inserted or replaced entry)",
                    index=i,
                )
            return VerificationError(
                f"entry {i - 1}: does not hash to the prev of entry {i} "
                f"(entry {i - 1} was changed, or entry {i} replaced)",
                index=i - 1,
            )
    return None


def _check_heads(
    heads: Sequence[TreeHead],
    public_key: bytes | None,
    tree: Sequence[Sequence[bytes]],
    chain_bad: VerificationError | None,
) -> tuple[VerificationError | None, bytes]:
    """Check the heads against the log's tree (its :func:`levels`); return the earliest
    problem (or ``chain_bad``) and the log's root."""
    n = len(tree[0])
    full_root = tree[-1][0] if n else root(())
    limit = chain_bad.index if chain_bad is not None and chain_bad.index is not None else n
    by_size: dict[int, tuple[int, bytes]] = {}
    matched = 0
    largest = 0
    for k, head in enumerate(heads, 1):
        if public_key is not None:
            try:
                verify_head(public_key, head)
            except VerificationError as exc:
                raise VerificationError(f"head #{k}: {exc.message}") from exc
        if head.size < largest:
            raise VerificationError(
                f"head #{k} (size {head.size}) is smaller than an earlier head "
                f"(size {largest}): the log was rolled back"
            )
        earlier = by_size.get(head.size)
        if earlier is not None and earlier[1] != head.root:
            raise VerificationError(
                f"head #{k} is inconsistent with head #{earlier[0]}: "
                f"two roots for size {head.size} (a forked log)"
            )
        by_size.setdefault(head.size, (k, head.root))
        largest = head.size
        if head.size > n:
            if chain_bad is None:
                return VerificationError(
                    f"entry {n}: missing; head #{k} signed {head.size} entries, the log has {n}",
                    index=n,
                ), full_root
            continue
        if head.size > limit:
            continue
        if prefix_root(tree, head.size) != head.root:
            bad = head.size - 1
            return VerificationError(
                f"entry {bad}: the log does not match signed head #{k} (size {head.size}): "
                f"entry {bad} was changed, or entries from {matched} on were rewritten",
                index=bad,
            ), full_root
        matched = head.size
    return chain_bad, full_root


def verify_log(
    raw_entries: Iterable[bytes],
    heads: Sequence[TreeHead] = (),
    public_key: bytes | None = None,
    *,
    strict: bool = False,
) -> VerifyReport:
    """Verify a log given as its entries' bytes (lines without newlines), in order.

    ``heads`` are the signed tree heads published for it, oldest first; with a
    ``public_key`` (raw 32 bytes) their signatures are checked too. Raises
    :class:`VerificationError` whose ``index`` is the first bad entry (``None``
    for a problem of the heads alone); returns a :class:`VerifyReport`.

    >>> from sovet.ledger.events import encode_entry
    >>> e = encode_entry(0, GENESIS_PREV, "2026-11-25T23:40:00Z", "log.started", None, {})
    >>> verify_log([e.raw]).size
    1
    """
    lines = raw_entries if isinstance(raw_entries, list) else list(raw_entries)
    blob = b"\n".join([*lines, b""]) if lines else b""  # one copy, a newline after each
    return _verify(lines, blob, heads, public_key, strict)


def verify_log_bytes(
    data: bytes,
    heads: Sequence[TreeHead] = (),
    public_key: bytes | None = None,
    *,
    strict: bool = False,
) -> VerifyReport:
    """:func:`verify_log` for a whole JSONL file's bytes (one entry per line).

    Hashes each line in place (no copy of the file), so it is the faster way
    to verify a file.
    """
    blob = data if not data or data.endswith(b"\n") else data + b"\n"
    ends = line_ends(blob)
    n = len(ends)
    leaves = _hash_lines(blob, ends)
    chain_bad = None
    linked = links_hold(blob, n, leaves, ends)
    lines = split_lines(blob) if strict or not linked else []
    if strict or not linked:
        chain_bad = _first_bad(lines, leaves, strict)
        if chain_bad is None and not linked:  # whole-log and entry-by-entry checks differ
            chain_bad = VerificationError("the log's lines are not one entry per line")
    return _finish(n, leaves, chain_bad, heads, public_key, strict, lines)


def _verify(
    lines: Sequence[bytes],
    blob: bytes,
    heads: Sequence[TreeHead],
    public_key: bytes | None,
    strict: bool,
) -> VerifyReport:
    leaves = leaf_hashes(lines)
    chain_bad = None
    linked = links_hold(blob, len(lines), leaves)
    if strict or not linked:
        chain_bad = _first_bad(lines, leaves, strict)
        if chain_bad is None and not linked:  # whole-log and entry-by-entry checks differ
            chain_bad = VerificationError("the log's lines are not one entry per line")
    return _finish(len(lines), leaves, chain_bad, heads, public_key, strict, lines)


def _finish(
    n: int,
    leaves: Sequence[bytes],
    chain_bad: VerificationError | None,
    heads: Sequence[TreeHead],
    public_key: bytes | None,
    strict: bool,
    lines: Sequence[bytes] = (),
) -> VerifyReport:
    """Check the heads, raise the earliest problem, or report success (in strict mode,
    after recomputing every lot's seed)."""
    if heads:
        problem, tree_root = _check_heads(heads, public_key, levels(leaves), chain_bad)
    else:
        problem, tree_root = chain_bad, root(leaves)
    if problem is not None:
        raise problem
    return VerifyReport(
        lots=check_lots(lines, leaves) if strict else 0,
        size=n,
        root=tree_root,
        heads=len(heads),
        signatures_checked=public_key is not None and bool(heads),
        strict=strict,
    )
