"""Canonical JSON: one encoding per value, no floats, round trips."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sovet.errors import InputError
from sovet.ledger.canonical import canonical_json, parse_canonical

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(deadline=None)
@given(st.dictionaries(st.text(max_size=8), values, max_size=5))
def test_round_trip_and_the_bytes_are_canonical(value: dict[str, Any]) -> None:
    raw = canonical_json(value)
    assert parse_canonical(raw) == value
    assert b"\n" not in raw
    # The same value written any other way is not accepted.
    assert (
        raw == json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    )
    spaced = json.dumps(value, sort_keys=True, ensure_ascii=False).encode()
    if spaced != raw:
        with pytest.raises(InputError):
            parse_canonical(spaced)


def test_known_bytes() -> None:
    assert canonical_json({"b": 1, "a": ["ж", None, True, -5], "A": {}}) == (
        '{"A":{},"a":["ж",null,true,-5],"b":1}'.encode()
    )
    assert canonical_json({"q": 'say "hi"\n'}) == b'{"q":"say \\"hi\\"\\n"}'


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"share": 0.5}, "$.share"),
        ({"data": {"weights": [1, 2, 3.0]}}, "$.data.weights[2]"),
        ({"x": float("nan")}, "$.x"),
    ],
)
def test_floats_are_refused_naming_their_path(value: dict[str, Any], path: str) -> None:
    with pytest.raises(InputError, match="^" + re.escape(path) + ": floats"):
        canonical_json(value)


def test_other_mappings_and_enums_are_written_as_json() -> None:
    import enum
    import types

    class Kind(enum.StrEnum):
        OPEN = "open"

    value = types.MappingProxyType({"b": Kind.OPEN, "a": (1, 2)})
    assert canonical_json({"x": value}) == b'{"x":{"a":[1,2],"b":"open"}}'


def test_other_types_and_keys_are_refused() -> None:
    with pytest.raises(InputError, match=r"\$\.when: datetime"):
        import datetime

        canonical_json({"when": datetime.datetime(2026, 1, 1)})
    with pytest.raises(InputError, match="keys must be strings"):
        canonical_json({1: "a"})
    with pytest.raises(InputError, match="not valid Unicode"):
        canonical_json({"a": "\ud800"})


@pytest.mark.parametrize(
    "raw",
    [
        b'{"b":1,"a":2}',  # key order
        b'{"a": 1}',  # whitespace
        b'{"a":1,"a":1}',  # duplicate key
        b'{"a":"\\u0436"}',  # escaped non-ASCII
        b'{"a":1.0}',  # float
        b'{"a":1e3}',  # float
        b'{"a":NaN}',  # not JSON
        b'{"a":01}',  # not JSON
        b"[1]",  # not an object
        b'{"a":"\xff"}',  # not UTF-8
        b'{"a":1}\n',  # trailing newline
        b"",
    ],
)
def test_non_canonical_bytes_are_refused(raw: bytes) -> None:
    with pytest.raises(InputError):
        parse_canonical(raw)
