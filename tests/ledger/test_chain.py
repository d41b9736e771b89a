"""The whole-log link check (sovet.ledger.chain) agrees with the entry-by-entry check.

The fast check only says yes or no; when it says no, verify asks the entry-by-entry
check (``_first_bad``) where. So the fast check must refuse every log that the
entry-by-entry check refuses, and accept every intact log, whatever the type
lengths, index widths and the number of lines checked together (``_LINES``).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sovet.errors import VerificationError
from sovet.ledger import chain, verify
from sovet.ledger.chain import line_ends, links_hold
from sovet.ledger.events import TYPE_MAX, Entry, next_entry
from sovet.ledger.merkle import leaf_hash
from sovet.ledger.verify import _first_bad, file_leaf_hashes, verify_log_bytes

from .conftest import build_entries

N = 40
GROUPS = [1, 3, 7, chain._LINES]


def _file(lines: list[bytes]) -> bytes:
    return b"\n".join(lines) + b"\n"


def _type_of_length(length: int) -> str:
    """A valid ``noun.verb`` type of exactly ``length`` characters (3 to TYPE_MAX)."""
    return "a." + "b" * (length - 2)


@pytest.fixture(params=GROUPS, ids=lambda g: f"{g}-lines")
def group(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """Check this many lines together, so that the groups' edges fall everywhere."""
    monkeypatch.setattr(chain, "_LINES", request.param)
    yield request.param


def _holds(data: bytes) -> bool:
    n = len(line_ends(data)) if data.endswith(b"\n") else -1
    return links_hold(data, n, file_leaf_hashes(data))


def _entry_by_entry(data: bytes) -> VerificationError | None:
    lines = data[:-1].split(b"\n")
    return _first_bad(lines, file_leaf_hashes(data), strict=False)


def test_every_type_length_and_index_width_is_accepted(group: int) -> None:
    """Types of 3..TYPE_MAX characters (the opening quote in every byte of a word),
    indexes of 1 to 3 digits, actors null and not, odd and even line lengths."""
    previous: Entry | None = None
    lines = []
    for i in range(130):
        kind = _type_of_length(3 + i % (TYPE_MAX - 2))
        actor = None if i % 5 == 0 else "m-" + "x" * (i % 11)
        previous = next_entry(previous, "2026-11-25T23:40:00Z", kind, actor, {"i": "y" * (i % 9)})
        lines.append(previous.raw)
    data = _file(lines)
    assert _holds(data)
    assert _entry_by_entry(data) is None
    assert verify_log_bytes(data).size == 130
    # A first entry as short as an entry can be: the rows read before the blob's start.
    first = next_entry(None, "2026-11-25T23:40:00Z", "a.b", None, {})
    assert _holds(_file([first.raw])) and verify_log_bytes(first.raw).size == 1


def test_a_type_longer_than_type_max_is_refused() -> None:
    long = next_entry(None, "2026-11-25T23:40:00Z", _type_of_length(TYPE_MAX), None, {}).raw
    longer = long.replace(b'","v":1}', b'b","v":1}')
    assert _holds(_file([long])) and not _holds(_file([longer]))


@pytest.fixture(scope="module")
def lines() -> list[bytes]:
    return [e.raw for e in build_entries(N)]


@settings(max_examples=400, deadline=None)
@given(data=st.data(), group=st.sampled_from(GROUPS))
def test_a_changed_byte_is_refused_by_both_checks_alike(
    lines: list[bytes], data: st.DataObject, group: int
) -> None:
    """Any byte changed in any entry but the last (which only a head covers): both refuse,
    and the entry-by-entry check names the changed entry."""
    original = _file(lines)
    k = data.draw(st.integers(0, N - 2), label="entry")
    start = sum(len(line) + 1 for line in lines[:k])
    at = data.draw(st.integers(start, start + len(lines[k])), label="byte")
    value = data.draw(st.integers(0, 255).filter(lambda b: b != original[at]), label="value")
    changed = original[:at] + bytes([value]) + original[at + 1 :]
    old, chain._LINES = chain._LINES, group
    try:
        assert not _holds(changed)
    finally:
        chain._LINES = old
    if value != 10 and original[at] != 10:  # a newline added or removed shifts the lines
        bad = _entry_by_entry(changed)
        assert bad is not None and bad.index == k


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_in_the_last_entry_the_checks_differ_only_on_its_type(
    lines: list[bytes], data: st.DataObject
) -> None:
    """A change to the last entry: the fast check accepts exactly what the entry-by-entry
    check accepts, except the characters of the type (the fast check finds the type by
    its quotes and leaves its spelling to --strict and to the signed head)."""
    original = _file(lines)
    last = lines[-1]
    start = len(original) - len(last) - 1
    at = data.draw(st.integers(start, len(original) - 2), label="byte")
    value = data.draw(
        st.integers(0, 255).filter(lambda b: b not in (10, original[at])), label="value"
    )
    changed = original[:at] + bytes([value]) + original[at + 1 :]
    type_open = start + last.rfind(b'"type":"') + len(b'"type":"')
    type_close = start + len(last) - len(b'","v":1}')
    in_type = type_open <= at < type_close and value != ord('"')
    assert _holds(changed) == (_entry_by_entry(changed) is None) or in_type


@pytest.mark.parametrize(
    "tamper",
    ["remove", "insert", "swap", "duplicate", "join", "split", "truncate", "upper-hex", "pad"],
)
def test_structural_tampering_is_refused(lines: list[bytes], group: int, tamper: str) -> None:
    log = list(lines)
    k = 11
    if tamper == "remove":
        del log[k]
    elif tamper == "insert":
        log.insert(k, log[k + 5])
    elif tamper == "swap":
        log[k], log[k + 1] = log[k + 1], log[k]
    elif tamper == "duplicate":
        log.insert(k, log[k])
    elif tamper == "join":
        log[k : k + 2] = [log[k] + log[k + 1]]
    elif tamper == "split":
        log[k : k + 1] = [log[k][:50], log[k][50:]]
    elif tamper == "truncate":
        log[k] = log[k][:-1]
    elif tamper == "upper-hex":  # the same hash in capitals: not canonical, not the link
        at = log[k].rfind(b',"prev":"') + 9
        log[k] = log[k][:at] + log[k][at : at + 64].upper() + log[k][at + 64 :]
    elif tamper == "pad":  # a space before the tail
        log[k] = log[k].replace(b',"index":', b' ,"index":')
    data = _file(log)
    assert not _holds(data)
    with pytest.raises(VerificationError) as caught:
        verify_log_bytes(data)
    # A duplicate of entry k fits where it stands; the copy after it does not.
    assert caught.value.index == (k + 1 if tamper == "duplicate" else k)


def test_the_first_entry_must_link_to_zeros(group: int) -> None:
    first = next_entry(None, "2026-11-25T23:40:00Z", "a.b", None, {}).raw
    forged = first.replace(b"0" * 64, b"0" * 63 + b"1")
    assert not links_hold(_file([forged]), 1, [leaf_hash(forged)])


def test_rows_before_the_blob_read_zero_bytes() -> None:
    """Only a first line with nothing between actor and index, in a log of more than a
    million entries, reaches back before the blob; those bytes read as zeros."""
    blob = bytes(range(200))
    rows = chain._rows(blob, np.array([-5, 0, 104]), 96)
    assert rows.view(np.uint8).tobytes() == bytes(5) + blob[:91] + blob[:96] + blob[104:200]


@pytest.mark.parametrize("split", [1, 3, 40, 41])
def test_leaf_hashes_of_a_file_split_a_slice_at_a_time(
    lines: list[bytes], monkeypatch: pytest.MonkeyPatch, split: int
) -> None:
    monkeypatch.setattr(verify, "_SPLIT", split)
    log = [*lines, b"", lines[0]]  # an empty line and a repeated one are lines too
    want = [leaf_hash(line) for line in log]
    assert file_leaf_hashes(_file(log)) == want == file_leaf_hashes(_file(log)[:-1])
