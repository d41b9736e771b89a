"""Mirroring another federation's log: decide, without I/O, what may be appended.

A mirror keeps a copy of a log and of its signed heads. When it fetches the
source again it accepts the new material only if history was merely appended to:

* every entry it already holds is still there, byte for byte, at the same index;
* every head it already holds is still published, in the same order;
* the whole new log verifies (:func:`sovet.ledger.verify.verify_log`), and each
  new head is consistent with the last head seen: an RFC 9162 consistency proof
  from the old tree to the new one verifies (:func:`check_extends`).

Otherwise it refuses, naming the first entry or head that was rewritten.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sovet.errors import VerificationError
from sovet.ledger.events import decode_entry
from sovet.ledger.heads import TreeHead, encode_head
from sovet.ledger.proofs import consistency_proof, verify_consistency
from sovet.ledger.verify import leaf_hashes, verify_log

__all__ = ["MirrorUpdate", "check_extends", "plan_mirror"]


@dataclass(frozen=True, slots=True)
class MirrorUpdate:
    """What to append to the mirror: entries and heads it has not seen, in order."""

    new_entries: tuple[bytes, ...]
    new_heads: tuple[TreeHead, ...]
    size: int
    root: bytes


def check_extends(old: TreeHead, new: TreeHead, leaves: Sequence[bytes]) -> None:
    """Check that head ``new`` extends head ``old`` over the log with these leaf hashes.

    Builds the consistency proof between the two tree sizes from ``leaves`` and
    verifies it against the two signed roots (RFC 9162 §2.1.4). Raises
    :class:`VerificationError` when ``new`` is smaller or its tree does not
    contain ``old``'s.
    """
    if new.size < old.size:
        raise VerificationError(
            f"head of size {new.size} is older than the head seen before (size {old.size})"
        )
    if old.size == 0:
        return
    if new.size > len(leaves):
        raise VerificationError(
            f"head of size {new.size} is beyond the log ({len(leaves)} entries)",
            index=len(leaves),
        )
    proof = consistency_proof(leaves, old.size, new.size)
    try:
        verify_consistency(old.size, new.size, old.root, new.root, proof)
    except VerificationError as exc:
        raise VerificationError(
            f"head of size {new.size} is not consistent with the head seen before "
            f"(size {old.size}): a forked or rewritten log ({exc.message})"
        ) from exc


def plan_mirror(
    local_entries: Sequence[bytes],
    local_heads: Sequence[TreeHead],
    remote_entries: Sequence[bytes],
    remote_heads: Sequence[TreeHead],
    public_key: bytes | None = None,
) -> MirrorUpdate:
    """Decide what a mirror holding ``local_*`` may append from the source's ``remote_*``.

    New entries are also checked strictly (canonical JSON, valid envelope).
    Raises :class:`VerificationError` (``index`` = the first rewritten entry when
    there is one) when the source is not an extension of what the mirror holds.
    """
    held = len(local_entries)
    if len(remote_entries) < held:
        raise VerificationError(
            f"entry {len(remote_entries)}: the source now has {len(remote_entries)} entries, "
            f"the mirror holds {held}: the log was truncated or rewritten",
            index=len(remote_entries),
        )
    if list(remote_entries[:held]) != list(local_entries):
        first = next(
            i for i, (a, b) in enumerate(zip(local_entries, remote_entries, strict=False)) if a != b
        )
        raise VerificationError(
            f"entry {first}: the source rewrote an entry the mirror holds (a forked log)",
            index=first,
        )
    seen = [encode_head(h) for h in local_heads]
    published = [encode_head(h) for h in remote_heads[: len(local_heads)]]
    if published != seen:
        k = next(
            (k for k, (a, b) in enumerate(zip(seen, published, strict=False), 1) if a != b),
            len(published) + 1,
        )
        raise VerificationError(
            f"head #{k}: the source no longer publishes a head the mirror holds (a forked log)"
        )
    report = verify_log(remote_entries, remote_heads, public_key)
    for i in range(held, len(remote_entries)):
        decode_entry(remote_entries[i], expected_index=i)
    new_heads = tuple(remote_heads[len(local_heads) :])
    if local_heads and new_heads:
        leaves = leaf_hashes(remote_entries)
        last = local_heads[-1]
        for head in new_heads:
            check_extends(last, head, leaves)
            last = head
    return MirrorUpdate(
        new_entries=tuple(remote_entries[held:]),
        new_heads=new_heads,
        size=report.size,
        root=report.root,
    )
