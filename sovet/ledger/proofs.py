"""Inclusion and consistency proofs, as in RFC 9162 §2.1.3 and §2.1.4.

An **inclusion proof** shows that a leaf is at a given index in the tree with a
given root; a **consistency proof** shows that the tree of ``old_size`` leaves is
a prefix of the tree of ``new_size`` leaves: the log was only appended to.

Proofs are generated with the recursive definitions (``PATH`` and ``SUBPROOF``
of RFC 6962 §2.1.1-2.1.2) and verified with the iterative algorithms of
RFC 9162 §2.1.3.2 and §2.1.4.2, which need only the proof and the two roots.

>>> from sovet.ledger.merkle import leaf_hash, root
>>> leaves = [leaf_hash(bytes([i])) for i in range(5)]
>>> proof = inclusion_proof(leaves, 3, 5)
>>> verify_inclusion(leaves[3], 3, 5, proof, root(leaves))
>>> verify_consistency(2, 5, root(leaves[:2]), root(leaves), consistency_proof(leaves, 2, 5))
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sovet.errors import InputError, VerificationError
from sovet.ledger.merkle import EMPTY_ROOT, root

__all__ = [
    "consistency_proof",
    "inclusion_proof",
    "verify_consistency",
    "verify_inclusion",
]

_sha256 = hashlib.sha256


def _split(n: int) -> int:
    """The largest power of two strictly below ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def _path(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    n = len(leaves)
    if n <= 1:
        return []
    k = _split(n)
    if index < k:
        return [*_path(index, leaves[:k]), root(leaves[k:])]
    return [*_path(index - k, leaves[k:]), root(leaves[:k])]


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int, size: int) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of the first ``size`` leaves.

    RFC 6962 §2.1.1 ``PATH(m, D[n])``; hashes ordered from the leaf up.
    """
    if not 0 <= size <= len(leaf_hashes):
        raise InputError(f"tree size {size} is not between 0 and {len(leaf_hashes)}")
    if not 0 <= index < size:
        raise InputError(f"index {index} is not in a tree of {size} leaves")
    return _path(index, _prefix(leaf_hashes, size))


def _prefix(leaf_hashes: Sequence[bytes], size: int) -> Sequence[bytes]:
    """The first ``size`` leaf hashes, without copying when that is all of them."""
    if size == len(leaf_hashes):
        return leaf_hashes
    return leaf_hashes[:size]


def _subproof(m: int, leaves: Sequence[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [root(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], whole), root(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], False), root(leaves[:k])]


def consistency_proof(leaf_hashes: Sequence[bytes], old_size: int, new_size: int) -> list[bytes]:
    """The proof that the first ``old_size`` leaves are a prefix of the first ``new_size``.

    RFC 6962 §2.1.2 ``PROOF(m, D[n]) = SUBPROOF(m, D[n], true)``, defined for
    ``0 < m <= n``; it is empty when ``m == n``.
    """
    if not 0 <= new_size <= len(leaf_hashes):
        raise InputError(f"tree size {new_size} is not between 0 and {len(leaf_hashes)}")
    if not 0 < old_size <= new_size:
        raise InputError(
            f"a consistency proof needs 0 < old size <= new size (got {old_size}, {new_size})"
        )
    return _subproof(old_size, _prefix(leaf_hashes, new_size), True)


def _fail(message: str) -> VerificationError:
    return VerificationError(message)


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``leaf_hash`` is leaf ``index`` of the tree of ``size`` leaves with ``root``.

    RFC 9162 §2.1.3.2, step by step. Raises :class:`VerificationError` when the
    proof does not prove it; returns None when it does.
    """
    if not 0 <= index < size:
        raise _fail(f"index {index} is not in a tree of {size} leaves")
    if any(len(p) != 32 for p in proof) or len(leaf_hash) != 32:
        raise _fail("inclusion proof: every hash must be 32 bytes")
    fn, sn = index, size - 1
    r = leaf_hash
    for p in proof:
        if sn == 0:
            raise _fail("inclusion proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = _sha256(b"\x01" + p + r).digest()
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = _sha256(b"\x01" + r + p).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise _fail("inclusion proof is shorter than the tree is deep")
    if r != root:
        raise _fail(f"inclusion proof does not lead to the root {root.hex()}")


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Check that the tree ``(new_size, new_root)`` extends ``(old_size, old_root)``.

    RFC 9162 §2.1.4.2 for ``0 < old_size < new_size``. Equal sizes need an empty
    proof and equal roots (and the empty tree's root when both are 0). A proof
    from the empty tree is undefined (RFC 6962 §2.1.2 defines ``0 < m``) and is
    refused: every tree extends the empty tree, so there is nothing to prove.
    Raises :class:`VerificationError` when the proof fails.
    """
    if old_size < 0 or new_size < old_size:
        raise _fail(f"the new tree ({new_size}) is smaller than the old one ({old_size})")
    if old_size == new_size:
        if proof:
            raise _fail("trees of equal size need an empty consistency proof")
        if old_root != new_root:
            raise _fail(f"two different roots for the same tree size {old_size}")
        if old_size == 0 and old_root != EMPTY_ROOT:
            raise _fail("the empty tree has another root")
        return
    if old_size == 0:
        raise _fail("a consistency proof from the empty tree proves nothing")
    if not proof:
        raise _fail("empty consistency proof")
    if any(len(p) != 32 for p in proof):
        raise _fail("consistency proof: every hash must be 32 bytes")
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise _fail("consistency proof is longer than needed")
        if fn & 1 or fn == sn:
            fr = _sha256(b"\x01" + c + fr).digest()
            sr = _sha256(b"\x01" + c + sr).digest()
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = _sha256(b"\x01" + sr + c).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise _fail("consistency proof is shorter than needed")
    if fr != old_root:
        raise _fail(f"consistency proof does not lead to the old root {old_root.hex()}")
    if sr != new_root:
        raise _fail(f"consistency proof does not lead to the new root {new_root.hex()}")
