"""Verifying a whole log names the first bad entry, for every kind of tampering."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sovet.errors import VerificationError
from sovet.ledger.chain import links_hold
from sovet.ledger.events import Entry, encode_entry, next_entry
from sovet.ledger.heads import TreeHead, public_key_of, sign_head
from sovet.ledger.merkle import EMPTY_ROOT, leaf_hash, root
from sovet.ledger.verify import verify_log, verify_log_bytes

N = 40
KEY = bytes(range(32))
PUBLIC = public_key_of(KEY)
EntriesOf = Callable[[int], list[Entry]]
HeadsOf = Callable[[list[Entry], list[int]], list[TreeHead]]


@pytest.fixture(scope="module")
def entries(entries_of: EntriesOf) -> list[Entry]:
    return entries_of(N)


@pytest.fixture(scope="module")
def lines(entries: list[Entry]) -> list[bytes]:
    return [e.raw for e in entries]


def _file(lines: list[bytes]) -> bytes:
    return b"\n".join(lines) + b"\n"


def _bad_index(data: bytes, heads: list[TreeHead] = (), strict: bool = False) -> int | None:  # type: ignore[assignment]
    with pytest.raises(VerificationError) as caught:
        verify_log_bytes(data, heads, PUBLIC, strict=strict)
    return caught.value.index


def test_an_intact_log_verifies(
    entries: list[Entry], lines: list[bytes], heads_of: HeadsOf
) -> None:
    heads = heads_of(entries, [1, 10, 10, 33, N])
    for strict in (False, True):
        report = verify_log(lines, heads, PUBLIC, strict=strict)
        assert report.size == N
        assert report.root == root([e.leaf_hash for e in entries])
        assert report.heads == 5 and report.signatures_checked
    assert verify_log_bytes(_file(lines)).root == report.root
    assert verify_log_bytes(_file(lines)[:-1]).size == N  # no final newline
    assert verify_log([]).root == EMPTY_ROOT


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_any_changed_byte_is_named_at_its_entry(
    lines: list[bytes], entries: list[Entry], heads_of: HeadsOf, data: st.DataObject
) -> None:
    """A byte changed in entry k (its line or its newline) is reported at index k."""
    original = _file(lines)
    k = data.draw(st.integers(0, N - 1), label="entry")
    start = sum(len(line) + 1 for line in lines[:k])
    at = data.draw(st.integers(start, start + len(lines[k])), label="byte")
    value = data.draw(st.integers(0, 255).filter(lambda b: b != original[at]), label="value")
    changed = original[:at] + bytes([value]) + original[at + 1 :]
    # The last entry is committed to only by a signed head.
    heads = heads_of(entries, [N]) if k == N - 1 else []
    assert _bad_index(changed, heads) == k
    assert _bad_index(changed, heads, strict=True) == k


@pytest.mark.parametrize("i", [0, 1, 17, N - 2])
def test_a_removed_entry_is_named(i: int, lines: list[bytes]) -> None:
    assert _bad_index(_file(lines[:i] + lines[i + 1 :])) == i


def test_removing_the_last_entries_is_caught_by_the_head(
    lines: list[bytes], entries: list[Entry], heads_of: HeadsOf
) -> None:
    heads = heads_of(entries, [N])
    assert _bad_index(_file(lines[:-3]), heads) == N - 3


@pytest.mark.parametrize("i", [0, 5, N - 1])
def test_an_inserted_entry_is_named(i: int, lines: list[bytes]) -> None:
    """A copy of another entry, or a new one, inserted at i."""
    assert _bad_index(_file([*lines[:i], lines[(i + 7) % N], *lines[i:]])) == i
    if i:  # an entry with its own index but a prev that links to nothing
        forged = encode_entry(i, "ab" * 32, "2026-11-26T01:00:00Z", "ballot.cast", "m-x", {})
        assert _bad_index(_file([*lines[:i], forged.raw, *lines[i:]])) == i


def test_a_well_forged_insertion_is_named_where_the_log_stops_fitting(
    lines: list[bytes], entries: list[Entry]
) -> None:
    """An insertion with the right index and prev fits; the entry after it does not."""
    i = 12
    forged = encode_entry(i, entries[i - 1].leaf_hash, "2026-11-26T01:00:00Z", "a.b", None, {})
    with pytest.raises(VerificationError, match="has index 12") as caught:
        verify_log([*lines[:i], forged.raw, *lines[i:]])
    assert caught.value.index == i + 1


@pytest.mark.parametrize(("i", "j"), [(0, 1), (3, 4), (5, 30), (N - 2, N - 1)])
def test_reordered_entries_are_named(i: int, j: int, lines: list[bytes]) -> None:
    swapped = list(lines)
    swapped[i], swapped[j] = swapped[j], swapped[i]
    assert _bad_index(_file(swapped)) == i


def test_an_edited_prev_is_named_at_its_own_entry(lines: list[bytes]) -> None:
    k = 9
    tail = lines[k].rfind(b',"prev":"') + 9
    digit = b"0" if lines[k][tail : tail + 1] != b"0" else b"1"
    edited = [*lines[:k], lines[k][:tail] + digit + lines[k][tail + 1 :], *lines[k + 1 :]]
    assert _bad_index(_file(edited)) == k


def _rechain(entries: list[Entry], k: int, data: dict[str, object]) -> list[bytes]:
    """Entry k's data replaced and every later link recomputed: a rewritten history."""
    out = [e.raw for e in entries[:k]]
    prev = entries[k - 1].leaf_hash
    for e in entries[k:]:
        new = encode_entry(e.index, prev, e.at, e.type, e.actor, data if e.index == k else e.data)
        out.append(new.raw)
        prev = new.leaf_hash
    return out


def test_a_rewritten_history_is_caught_by_heads(entries: list[Entry], heads_of: HeadsOf) -> None:
    rewritten = _rechain(entries, 5, {"forged": True})
    verify_log(rewritten)  # the chain alone cannot tell
    assert _bad_index(_file(rewritten), heads_of(entries, [N])) == N - 1
    assert _bad_index(_file(rewritten), heads_of(entries, [3, 5, 6, N])) == 5


def test_heads_inconsistent_with_earlier_ones_are_named(
    entries: list[Entry], lines: list[bytes], heads_of: HeadsOf
) -> None:
    h10, h20 = heads_of(entries, [10, 20])
    fork = sign_head(KEY, 20, leaf_hash(b"other"), "2026-11-26T00:00:00Z")
    with pytest.raises(VerificationError, match="head #2 is inconsistent with head #1"):
        verify_log(lines, [h20, fork], PUBLIC)
    with pytest.raises(VerificationError, match=r"head #2 \(size 10\) is smaller") as caught:
        verify_log(lines, [h20, h10], PUBLIC)
    assert caught.value.index is None
    with pytest.raises(VerificationError, match="signed head #2") as caught:
        verify_log(lines, [h10, fork], PUBLIC)
    assert caught.value.index == 19


def test_head_signatures_are_checked(
    entries: list[Entry], lines: list[bytes], heads_of: HeadsOf
) -> None:
    (head,) = heads_of(entries, [N])
    bad = dataclasses.replace(head, signature=bytes(64))
    with pytest.raises(VerificationError, match=r"head #1: .*bad signature"):
        verify_log(lines, [bad], PUBLIC)
    other = public_key_of(bytes(32))
    with pytest.raises(VerificationError, match="another key"):
        verify_log(lines, [head], other)


def test_strict_mode_rejects_a_well_chained_entry_that_is_not_canonical(
    entries: list[Entry],
) -> None:
    k = 4
    loose = entries[k].raw.replace(b'"data":{', b'"data": {', 1)
    log = [e.raw for e in entries[:k]] + [loose]
    prev = leaf_hash(loose)
    for e in entries[k + 1 : 10]:
        new = encode_entry(e.index, prev, e.at, e.type, e.actor, e.data)
        log.append(new.raw)
        prev = new.leaf_hash
    with pytest.raises(VerificationError, match="not canonical") as caught:
        verify_log(log, strict=True)
    assert caught.value.index == k


def test_entries_holding_newlines_are_refused(lines: list[bytes]) -> None:
    with pytest.raises(VerificationError) as caught:
        verify_log([*lines[:3], lines[3] + b"\n" + lines[4], *lines[5:]])
    assert caught.value.index == 3


@pytest.mark.parametrize("n", [1, 2, 9, 10, 11, 99, 100, 101, 1001])
def test_the_whole_log_pass_accepts_intact_logs(n: int) -> None:
    """The fast path (not the entry-by-entry fallback) accepts logs of every index width,
    with short and long types."""
    lines, previous = [], None
    for i in range(n):
        kind = "a.b" if i % 3 else "council.delegation_instruction_" + "x" * 30
        previous = next_entry(previous, "2026-11-25T23:40:00Z", kind, None, {"i": i})
        lines.append(previous.raw)
    leaves = [leaf_hash(line) for line in lines]
    assert links_hold(_file(lines), n, leaves)
    assert not links_hold(_file(lines[::-1]), n, leaves[::-1]) or n == 1
    assert verify_log(lines).size == n


def test_short_and_odd_lines_are_named_not_crashed_on() -> None:
    odd = [b"{}", b"\n", b'{"actor":' + b'"' * 200, b'{"actor":' + b"x" * 90 + b'","v":1}']
    for line in odd:
        for strict in (False, True):
            with pytest.raises(VerificationError) as caught:
                verify_log([line], strict=strict)
            assert caught.value.index == 0
    # Envelope keys missing between actor and the tail: only strict mode decodes that far.
    prev = b"0" * 64
    bare = b'{"actor":"","index":0,"prev":"' + prev + b'","type":"a.b","v":1}'
    with pytest.raises(VerificationError, match="envelope keys") as caught:
        verify_log([bare], strict=True)
    assert caught.value.index == 0


@settings(max_examples=200, deadline=None)
@given(
    junk=st.lists(st.binary(max_size=300), max_size=5),
    cut=st.integers(0, 10_000),
    strict=st.booleans(),
)
def test_arbitrary_bytes_never_crash_the_verifier(
    lines: list[bytes], junk: list[bytes], cut: int, strict: bool
) -> None:
    """Garbage, or a valid log cut at any byte and followed by garbage, gives a clean error."""
    data = _file(lines)
    data = data[: cut % (len(data) + 1)] + b"\n".join(junk)
    try:
        report = verify_log_bytes(data, strict=strict)
    except VerificationError as exc:
        assert exc.index is not None and 0 <= exc.index <= len(lines)
    else:
        assert report.size <= len(lines)
