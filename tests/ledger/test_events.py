"""The entry envelope: encoding, decoding and the hash chain."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from sovet.errors import InputError, VerificationError
from sovet.ledger.canonical import canonical_json
from sovet.ledger.events import GENESIS_PREV, TAIL, Entry, decode_entry, encode_entry, next_entry
from sovet.ledger.merkle import leaf_hash

AT = "2026-11-25T23:40:00Z"


def test_an_entry_is_its_canonical_envelope(entries_of: Callable[[int], list[Entry]]) -> None:
    first, second = entries_of(2)
    assert first.prev == GENESIS_PREV
    assert second.prev == leaf_hash(first.raw).hex()
    assert first.leaf_hash == leaf_hash(first.raw)
    obj = json.loads(second.raw)
    assert set(obj) == {"v", "index", "prev", "at", "type", "actor", "data"}
    assert obj["v"] == 1 and obj["index"] == 1
    assert second.raw == canonical_json(obj)
    assert TAIL.search(second.raw) is not None
    assert decode_entry(second.raw, expected_index=1) == second


def test_the_same_event_always_has_the_same_bytes() -> None:
    a = encode_entry(3, b"\x01" * 32, AT, "ballot.cast", "m-1", {"ballot": "b-1"})
    b = encode_entry(3, "01" * 32, AT, "ballot.cast", "m-1", {"ballot": "b-1"})
    assert a.raw == b.raw
    assert a.raw == (
        b'{"actor":"m-1","at":"2026-11-25T23:40:00Z","data":{"ballot":"b-1"},"index":3,'
        b'"prev":"' + b"01" * 32 + b'","type":"ballot.cast","v":1}'
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"index": -1}, "index"),
        ({"index": True}, "index"),
        ({"prev": "ab"}, "prev"),
        ({"index": 0, "prev": "1" * 64}, "entry 0"),
        ({"at": "2026-11-25 23:40:00"}, "at must be"),
        ({"at": "2026-13-45T23:40:00Z"}, "not a real time"),
        ({"type": "Election.Opened"}, "type"),
        ({"type": "opened"}, "type"),
        ({"type": "a." + "b" * 70}, "type"),
        ({"actor": 5}, "actor"),
        ({"data": {"weight": 1.5}}, r"\$\.data\.weight: floats"),
    ],
)
def test_bad_fields_are_named(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "index": 1,
        "prev": "a" * 64,
        "at": AT,
        "type": "motion.tabled",
        "actor": "m-1",
        "data": {},
    }
    fields.update(kwargs)
    with pytest.raises(InputError, match=message):
        encode_entry(**fields)  # type: ignore[arg-type]


def test_next_entry_chains() -> None:
    first = next_entry(None, AT, "log.started", None, {})
    second = next_entry(first, AT, "member.joined", "m-1", {"unit": "u-1"})
    assert (first.index, second.index) == (0, 1)
    assert second.prev == first.leaf_hash.hex()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"not json", "not JSON"),
        (b'{"actor":null}', "envelope keys"),
        (
            b'{"actor":null,"at":"2026-11-25T23:40:00Z","data":{},"extra":1,"index":0,'
            b'"prev":"' + b"0" * 64 + b'","type":"a.b","v":1}',
            "unexpected",
        ),
        (
            b'{"actor":null,"at":"2026-11-25T23:40:00Z","data":{},"index":0,'
            b'"prev":"' + b"0" * 64 + b'","type":"a.b","v":2}',
            "version",
        ),
        (
            b'{"actor":null,"at":"2026-11-25T23:40:00Z","data":[],"index":0,'
            b'"prev":"' + b"0" * 64 + b'","type":"a.b","v":1}',
            "data must be an object",
        ),
    ],
)
def test_decoding_names_the_index(raw: bytes, message: str) -> None:
    with pytest.raises(VerificationError, match=message) as caught:
        decode_entry(raw, expected_index=4)
    assert caught.value.index == 4


def test_decoding_an_entry_at_the_wrong_place(entries_of: Callable[[int], list[Entry]]) -> None:
    entries = entries_of(3)
    with pytest.raises(VerificationError, match="has index 2") as caught:
        decode_entry(entries[2].raw, expected_index=1)
    assert caught.value.index == 1
