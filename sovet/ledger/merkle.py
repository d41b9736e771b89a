"""The Merkle tree of the log, as in RFC 6962 §2.1 / RFC 9162 §2.1.1.

* leaf hash: ``SHA-256(0x00 || entry bytes)``;
* node hash: ``SHA-256(0x01 || left || right)``;
* the tree hash of ``n`` leaves splits at ``k``, the largest power of two below
  ``n``: ``MTH(D[n]) = node(MTH(D[0:k]), MTH(D[k:n]))``; the empty tree hashes to
  ``SHA-256("")``.

Pairing hashes level by level, carrying an odd last node up unchanged, gives the
same tree, and that is how :func:`root` computes it (tight loops, no recursion).
:class:`MerkleBuilder` keeps only the O(log n) frontier of full subtrees, for the
append path; :class:`MerkleLevels` keeps every full subtree's hash (about 64 bytes per
leaf), so that any earlier root, and any proof, costs O(log n) hashes.

>>> root([]).hex()[:16]
'e3b0c44298fc1c14'
>>> root([leaf_hash(b"")]).hex()[:16]
'6e340b9cffb37a98'
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "MerkleBuilder",
    "MerkleLevels",
    "leaf_hash",
    "levels",
    "node_hash",
    "prefix_root",
    "root",
]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
"""The tree hash of the empty log (RFC 6962: the hash of an empty string)."""

_sha256 = hashlib.sha256


def leaf_hash(data: bytes) -> bytes:
    """``SHA-256(0x00 || data)`` (RFC 6962 §2.1).

    >>> leaf_hash(b"").hex()[:16]
    '6e340b9cffb37a98'
    """
    return _sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)`` (RFC 6962 §2.1)."""
    return _sha256(b"\x01" + left + right).digest()


_NODE_PREFIX = hashlib.sha256(b"\x01")


def _next_level(level: Sequence[bytes]) -> list[bytes]:
    """Hash pairs of nodes; an odd last node moves up unchanged."""
    upper: list[bytes] = []
    push = upper.append
    start = _NODE_PREFIX.copy
    it = iter(level)
    for left, right in zip(it, it, strict=False):
        h = start()
        h.update(left)
        h.update(right)
        push(h.digest())
    if len(level) & 1:
        upper.append(level[-1])
    return upper


def levels(leaf_hashes: Sequence[bytes]) -> list[list[bytes]]:
    """All levels of the tree, leaves first, root last (a one-element list).

    ``levels(h)[k][j]`` is the hash of leaves ``[j*2**k, (j+1)*2**k)`` whenever that
    range lies within the tree; :func:`prefix_root` reads any earlier tree's root
    from these levels in O(log n).
    """
    result = [list(leaf_hashes)]
    while len(result[-1]) > 1:
        result.append(_next_level(result[-1]))
    return result


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """The tree hash ``MTH`` of the given leaf hashes (RFC 6962 §2.1).

    >>> a, b, c = (leaf_hash(x) for x in (b"a", b"b", b"c"))
    >>> root([a, b, c]) == node_hash(node_hash(a, b), c)
    True
    """
    if not leaf_hashes:
        return EMPTY_ROOT
    level: Sequence[bytes] = leaf_hashes
    while len(level) > 1:
        level = _next_level(level)
    return level[0]


def prefix_root(tree_levels: Sequence[Sequence[bytes]], size: int) -> bytes:
    """The root of the tree of the first ``size`` leaves, read from :func:`levels`.

    The first ``size`` leaves split into full subtrees, one per set bit of ``size``
    (largest first); the root folds them from the right.
    """
    if size == 0:
        return EMPTY_ROOT
    if size > len(tree_levels[0]):
        raise ValueError(f"size {size} is beyond the tree ({len(tree_levels[0])} leaves)")
    parts: list[bytes] = []
    offset = 0
    for k in range(size.bit_length() - 1, -1, -1):
        if size >> k & 1:
            parts.append(tree_levels[k][offset >> k])
            offset += 1 << k
    result = parts[-1]
    for part in reversed(parts[:-1]):
        result = node_hash(part, result)
    return result


class MerkleBuilder:
    """An append-only Merkle tree that keeps only its frontier.

    The frontier holds the roots of the full subtrees that make up the tree, one
    per set bit of ``size``, largest first; appending merges equal-sized subtrees,
    so each append costs one leaf hash plus amortised one node hash.

    >>> b = MerkleBuilder()
    >>> for x in (b"a", b"b", b"c"):
    ...     b.append(leaf_hash(x))
    >>> b.root() == root([leaf_hash(x) for x in (b"a", b"b", b"c")])
    True
    """

    __slots__ = ("_frontier", "_size")

    def __init__(self, size: int = 0, frontier: Sequence[bytes] = ()) -> None:
        if size < 0 or len(frontier) != size.bit_count():
            raise ValueError("a frontier has one hash per set bit of the size")
        self._size = size
        self._frontier = list(frontier)

    @classmethod
    def from_leaf_hashes(cls, leaf_hashes: Iterable[bytes]) -> MerkleBuilder:
        """A builder holding the given leaves."""
        builder = cls()
        builder.extend(leaf_hashes)
        return builder

    @property
    def size(self) -> int:
        """The number of leaves appended."""
        return self._size

    @property
    def frontier(self) -> tuple[bytes, ...]:
        """The full-subtree roots (largest first); with ``size`` it restores the builder."""
        return tuple(self._frontier)

    def append(self, leaf: bytes) -> None:
        """Append one leaf hash."""
        frontier = self._frontier
        node = leaf
        size = self._size
        while size & 1:
            node = _sha256(b"\x01" + frontier.pop() + node).digest()
            size >>= 1
        frontier.append(node)
        self._size += 1

    def extend(self, leaves: Iterable[bytes]) -> None:
        """Append several leaf hashes in order."""
        for leaf in leaves:
            self.append(leaf)

    def root(self) -> bytes:
        """The tree hash of everything appended so far."""
        if not self._frontier:
            return EMPTY_ROOT
        result = self._frontier[-1]
        for part in reversed(self._frontier[:-1]):
            result = node_hash(part, result)
        return result


class MerkleLevels:
    """An append-only Merkle tree that keeps the hash of every full subtree.

    Level ``k`` holds, packed in one ``bytearray``, the hashes of the aligned subtrees
    of ``2**k`` leaves that are complete: ``node(k, j)`` covers leaves
    ``[j*2**k, (j+1)*2**k)``. Appending costs one leaf plus amortised one node hash;
    the root of the tree of any earlier size, and the hash of any subtree a proof
    names, are read from the levels with O(log n) node hashes
    (:func:`sovet.ledger.proofs.inclusion_proof` takes a ``MerkleLevels``).

    >>> leaves = [leaf_hash(bytes([i])) for i in range(7)]
    >>> tree = MerkleLevels.from_leaf_hashes(leaves)
    >>> tree.root() == root(leaves) and tree.root(5) == root(leaves[:5])
    True
    >>> tree.subtree(4, 7) == root(leaves[4:7])
    True
    """

    __slots__ = ("_levels", "_size")

    def __init__(self) -> None:
        self._levels: list[bytearray] = [bytearray()]
        self._size = 0

    @classmethod
    def from_leaf_hashes(cls, leaf_hashes: Iterable[bytes]) -> MerkleLevels:
        """A tree holding the given leaves."""
        tree = cls()
        tree.extend(leaf_hashes)
        return tree

    @property
    def size(self) -> int:
        """The number of leaves appended."""
        return self._size

    def __len__(self) -> int:
        return self._size

    def append(self, leaf: bytes) -> None:
        """Append one leaf hash, and the hash of every subtree it completes."""
        if len(leaf) != HASH_SIZE:
            raise ValueError(f"a leaf hash has {HASH_SIZE} bytes, not {len(leaf)}")
        levels = self._levels
        levels[0] += leaf
        index, node, k = self._size, leaf, 0
        while index & 1:  # a right child: its parent is now complete
            left = bytes(levels[k][-2 * HASH_SIZE : -HASH_SIZE])
            node = _sha256(b"\x01" + left + node).digest()
            k += 1
            if len(levels) == k:
                levels.append(bytearray())
            levels[k] += node
            index >>= 1
        self._size += 1

    def extend(self, leaves: Iterable[bytes]) -> None:
        """Append several leaf hashes in order."""
        for leaf in leaves:
            self.append(leaf)

    def leaf(self, index: int) -> bytes:
        """The hash of leaf ``index``."""
        return self.node(0, index)

    def node(self, k: int, j: int) -> bytes:
        """The hash of the full subtree of leaves ``[j*2**k, (j+1)*2**k)``."""
        if k < 0 or j < 0 or (j + 1) << k > self._size:
            raise ValueError(f"no full subtree {j} of 2**{k} leaves in a tree of {self._size}")
        offset = j * HASH_SIZE
        return bytes(self._levels[k][offset : offset + HASH_SIZE])

    def subtree(
        self, start: int, end: int, memo: dict[tuple[int, int], bytes] | None = None
    ) -> bytes:
        """``MTH(D[start:end])`` for a subtree that RFC 6962's recursion names: ``start``
        a multiple of the least power of two that is at least ``end - start``.

        Full subtrees are read; an incomplete one (on the right edge of a tree) splits
        as ``MTH`` does, its full left part read and its right part computed the same
        way (kept in ``memo``, so the nested right edges of one proof cost O(log n)).
        """
        n = end - start
        if n <= 0 or end > self._size:
            raise ValueError(f"no subtree [{start}, {end}) in a tree of {self._size}")
        if n & (n - 1) == 0:
            k = n.bit_length() - 1
            if start % n:
                raise ValueError(f"[{start}, {end}) is not an aligned subtree")
            return self.node(k, start >> k)
        if memo is not None and (start, end) in memo:
            return memo[(start, end)]
        k = 1 << ((n - 1).bit_length() - 1)  # the largest power of two below n
        result = node_hash(self.subtree(start, start + k), self.subtree(start + k, end, memo))
        if memo is not None:
            memo[(start, end)] = result
        return result

    def root(self, size: int | None = None) -> bytes:
        """The root of the tree of the first ``size`` leaves (default: all of them)."""
        size = self._size if size is None else size
        if not 0 <= size <= self._size:
            raise ValueError(f"size {size} is beyond the tree ({self._size} leaves)")
        if size == 0:
            return EMPTY_ROOT
        return self.subtree(0, size)
