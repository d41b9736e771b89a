"""The tree hash, level by level and incremental, against RFC 6962's recursive definition."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sovet.ledger.merkle import (
    EMPTY_ROOT,
    MerkleBuilder,
    leaf_hash,
    levels,
    node_hash,
    prefix_root,
    root,
)


def mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 §2.1, written as the RFC writes it (recursive, over raw leaves)."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


DATA = [f"leaf {i}".encode() for i in range(71)]


def test_hashes_are_domain_separated() -> None:
    assert leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    assert (
        node_hash(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
    )
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.mark.parametrize("n", range(71))
def test_root_builder_and_prefix_roots_equal_recursive_mth(n: int) -> None:
    hashes = [leaf_hash(x) for x in DATA[:n]]
    expected = mth(DATA[:n])
    assert root(hashes) == expected
    builder = MerkleBuilder.from_leaf_hashes(hashes)
    assert builder.size == n
    assert builder.root() == expected
    assert len(builder.frontier) == n.bit_count()
    if n:
        tree = levels(hashes)
        for size in range(n + 1):
            assert prefix_root(tree, size) == mth(DATA[:size])


def test_builder_gives_the_root_at_every_size_and_resumes_from_its_frontier() -> None:
    builder = MerkleBuilder()
    assert builder.root() == EMPTY_ROOT
    for i, x in enumerate(DATA):
        builder.append(leaf_hash(x))
        assert builder.root() == mth(DATA[: i + 1])
        resumed = MerkleBuilder(builder.size, builder.frontier)
        resumed.append(leaf_hash(b"next"))
        assert resumed.root() == mth([*DATA[: i + 1], b"next"])


def test_builder_rejects_a_frontier_that_does_not_fit_its_size() -> None:
    with pytest.raises(ValueError):
        MerkleBuilder(3, [b"x" * 32])


@settings(deadline=None)
@given(st.lists(st.binary(max_size=40), max_size=150))
def test_root_of_any_leaves(leaves: list[bytes]) -> None:
    assert root([leaf_hash(x) for x in leaves]) == mth(leaves)
