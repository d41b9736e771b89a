"""Inclusion and consistency proofs for many tree sizes: they verify, and tampering fails."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sovet.errors import InputError, VerificationError
from sovet.ledger.merkle import leaf_hash, root
from sovet.ledger.proofs import (
    consistency_proof,
    inclusion_proof,
    verify_consistency,
    verify_inclusion,
)

LEAVES = [leaf_hash(f"entry {i}".encode()) for i in range(300)]


def _flip(proof: list[bytes], at: int) -> list[bytes]:
    changed = list(proof)
    item = bytearray(changed[at])
    item[at % 32] ^= 1
    changed[at] = bytes(item)
    return changed


@settings(deadline=None)
@given(st.data())
def test_inclusion_proofs_verify_and_tampering_fails(data: st.DataObject) -> None:
    size = data.draw(st.integers(1, len(LEAVES) - 1))
    index = data.draw(st.integers(0, size - 1))
    proof = inclusion_proof(LEAVES, index, size)
    tree_root = root(LEAVES[:size])
    verify_inclusion(LEAVES[index], index, size, proof, tree_root)
    assert len(proof) <= (size - 1).bit_length()
    other = data.draw(st.integers(0, size - 1).filter(lambda i: i != index)) if size > 1 else None
    if other is not None:
        with pytest.raises(VerificationError):
            verify_inclusion(LEAVES[other], index, size, proof, tree_root)
        with pytest.raises(VerificationError):
            verify_inclusion(LEAVES[index], other, size, proof, tree_root)
    if proof:
        at = data.draw(st.integers(0, len(proof) - 1))
        with pytest.raises(VerificationError):
            verify_inclusion(LEAVES[index], index, size, _flip(proof, at), tree_root)
        with pytest.raises(VerificationError):
            verify_inclusion(LEAVES[index], index, size, proof[:-1], tree_root)
    with pytest.raises(VerificationError):
        verify_inclusion(LEAVES[index], index, size, [*proof, LEAVES[0]], tree_root)
    with pytest.raises(VerificationError):
        verify_inclusion(LEAVES[index], index, size + 1, proof, root(LEAVES[: size + 1]))


@settings(deadline=None)
@given(st.data())
def test_consistency_proofs_verify_and_tampering_fails(data: st.DataObject) -> None:
    new = data.draw(st.integers(1, len(LEAVES)))
    old = data.draw(st.integers(1, new))
    proof = consistency_proof(LEAVES, old, new)
    old_root, new_root = root(LEAVES[:old]), root(LEAVES[:new])
    verify_consistency(old, new, old_root, new_root, proof)
    if old == new:
        assert proof == []
        return
    at = data.draw(st.integers(0, len(proof) - 1))
    with pytest.raises(VerificationError):
        verify_consistency(old, new, old_root, new_root, _flip(proof, at))
    with pytest.raises(VerificationError):
        verify_consistency(old, new, old_root, new_root, proof[:-1])
    forked = [*LEAVES[:old], leaf_hash(b"forged"), *LEAVES[old + 1 :]]
    with pytest.raises(VerificationError):
        verify_consistency(old, new, old_root, root(forked[:new]), proof)
    rewritten = [leaf_hash(b"forged"), *LEAVES[1:]]
    with pytest.raises(VerificationError):
        verify_consistency(old, new, root(rewritten[:old]), new_root, proof)


def test_bad_requests_are_input_errors() -> None:
    with pytest.raises(InputError):
        inclusion_proof(LEAVES, 5, 5)
    with pytest.raises(InputError):
        inclusion_proof(LEAVES, 0, len(LEAVES) + 1)
    with pytest.raises(InputError):
        consistency_proof(LEAVES, 0, 5)
    with pytest.raises(InputError):
        consistency_proof(LEAVES, 6, 5)
