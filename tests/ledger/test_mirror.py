"""A mirror appends only what extends what it holds, and refuses rewritten or forked logs."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sovet.errors import VerificationError
from sovet.ledger.events import Entry, encode_entry
from sovet.ledger.heads import TreeHead, public_key_of, sign_head
from sovet.ledger.merkle import leaf_hash, root
from sovet.ledger.mirror import check_extends, plan_mirror

KEY = bytes(range(32))
PUBLIC = public_key_of(KEY)
EntriesOf = Callable[[int], list[Entry]]
HeadsOf = Callable[[list[Entry], list[int]], list[TreeHead]]


@pytest.fixture(scope="module")
def entries(entries_of: EntriesOf) -> list[Entry]:
    return entries_of(30)


def test_first_fetch_then_updates(entries: list[Entry], heads_of: HeadsOf) -> None:
    lines = [e.raw for e in entries]
    heads = heads_of(entries, [10, 20, 30])
    first = plan_mirror([], [], lines[:20], heads[:2], PUBLIC)
    assert first.new_entries == tuple(lines[:20])
    assert first.new_heads == tuple(heads[:2])
    assert first.root == root([e.leaf_hash for e in entries[:20]])
    second = plan_mirror(lines[:20], heads[:2], lines, heads, PUBLIC)
    assert second.new_entries == tuple(lines[20:])
    assert second.new_heads == (heads[2],)
    again = plan_mirror(lines, heads, lines, heads, PUBLIC)
    assert again.new_entries == () and again.new_heads == ()


def test_a_rewritten_entry_is_refused(entries: list[Entry], heads_of: HeadsOf) -> None:
    lines = [e.raw for e in entries]
    heads = heads_of(entries, [10, 30])
    changed = list(lines)
    e = entries[7]
    changed[7] = encode_entry(7, e.prev, e.at, e.type, e.actor, {"rewritten": True}).raw
    with pytest.raises(VerificationError, match="rewrote") as caught:
        plan_mirror(lines[:10], heads[:1], changed, heads, PUBLIC)
    assert caught.value.index == 7


def test_a_truncated_log_is_refused(entries: list[Entry]) -> None:
    lines = [e.raw for e in entries]
    with pytest.raises(VerificationError, match="truncated") as caught:
        plan_mirror(lines, [], lines[:25], [])
    assert caught.value.index == 25


def test_a_forked_head_is_refused(entries: list[Entry], heads_of: HeadsOf) -> None:
    lines = [e.raw for e in entries]
    (h10,) = heads_of(entries, [10])
    # The operator publishes a new head over a different history of the first entries.
    leaves = [e.leaf_hash for e in entries]
    other = sign_head(KEY, 30, root([leaf_hash(b"forged"), *leaves[1:]]), "2026-11-26T00:00:00Z")
    with pytest.raises(VerificationError):
        plan_mirror(lines[:10], [h10], lines, [h10, other], PUBLIC)
    # A head the mirror holds that the source no longer publishes.
    (h20,) = heads_of(entries, [20])
    with pytest.raises(VerificationError, match="head #1"):
        plan_mirror(lines[:10], [h10], lines, [h20], PUBLIC)


def test_check_extends_uses_a_consistency_proof(entries: list[Entry], heads_of: HeadsOf) -> None:
    leaves = [e.leaf_hash for e in entries]
    h7, h19 = heads_of(entries, [7, 19])
    check_extends(h7, h19, leaves)
    with pytest.raises(VerificationError, match="older"):
        check_extends(h19, h7, leaves)
    forged = sign_head(KEY, 19, root([leaves[1], *leaves[1:19]]), "2026-11-26T00:00:00Z")
    with pytest.raises(VerificationError, match="not consistent"):
        check_extends(h7, forged, leaves)
