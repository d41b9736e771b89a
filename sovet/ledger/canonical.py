"""Canonical JSON: the one byte encoding of every ledger event.

Rules (the ledger's own profile of JSON, RFC 8259):

* object keys sorted by Unicode code point, no duplicate keys;
* no whitespace: separators are ``,`` and ``:``;
* UTF-8, with non-ASCII characters written as themselves (not ``\\uXXXX``);
  control characters, ``"`` and ``\\`` escaped as Python's :mod:`json` escapes them;
* values are objects with string keys, arrays, strings, integers, ``true``,
  ``false`` and ``null`` only: **no floats** (exact numbers are integers or strings).

Because a canonical line contains no raw newline, a log is one event per line.

>>> canonical_json({"b": [1, True, None], "a": "ж"}).decode()
'{"a":"ж","b":[1,true,null]}'
>>> parse_canonical(b'{"a":1}')
{'a': 1}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NoReturn

from sovet.errors import InputError

__all__ = ["canonical_json", "parse_canonical"]


def _as_json(value: Any) -> Any:
    """Other mappings (already checked) are written as objects."""
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(type(value).__name__)


_ENCODER = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":"), default=_as_json
)


_SCALARS = frozenset({str, int, bool, type(None)})


def _check(value: Any, path: str) -> None:
    """Raise :class:`InputError` naming ``path`` when ``value`` is not canonical-JSON data."""
    kind = type(value)
    if kind in _SCALARS:
        return
    if kind is dict:  # the common case, without a call per scalar
        for key, item in value.items():
            if type(key) is not str:
                raise InputError(f"{path}: object keys must be strings, not {key!r}")
            if type(item) not in _SCALARS:
                _check(item, f"{path}.{key}")
        return
    if isinstance(value, float):
        raise InputError(f"{path}: floats are not allowed in the ledger ({value!r})")
    if isinstance(value, str | bool | int):
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InputError(f"{path}: object keys must be strings, not {key!r}")
            _check(item, f"{path}.{key}")
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            if type(item) not in _SCALARS:
                _check(item, f"{path}[{i}]")
        return
    raise InputError(f"{path}: {type(value).__name__} cannot be written to the ledger")


def canonical_json(obj: Any) -> bytes:
    """Encode ``obj`` as canonical JSON bytes (see the module docstring).

    Tuples are written as arrays. Raises :class:`InputError` naming the path of
    the first value that is not allowed, e.g. ``$.data.share`` for a float.

    >>> canonical_json({"z": 1, "a": {"y": None, "b": [2, 3]}})
    b'{"a":{"b":[2,3],"y":null},"z":1}'
    >>> canonical_json({"share": 0.5})
    Traceback (most recent call last):
    ...
    sovet.errors.InputError: $.share: floats are not allowed in the ledger (0.5)
    """
    _check(obj, "$")
    text = _ENCODER.encode(obj)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(f"$: a string is not valid Unicode ({exc.reason})") from exc


def _no_float(text: str) -> NoReturn:
    raise InputError(f"floats are not allowed in the ledger ({text})")


def _no_constant(text: str) -> NoReturn:
    raise InputError(f"{text} is not JSON")


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise InputError(f"duplicate key {key!r}")
            seen.add(key)
    return result


_DECODER = json.JSONDecoder(
    object_pairs_hook=_pairs, parse_float=_no_float, parse_constant=_no_constant
)


def parse_canonical(line: bytes) -> dict[str, Any]:
    """Decode one canonical JSON object, rejecting any other encoding of it.

    The bytes must be exactly what :func:`canonical_json` writes for the value:
    a different key order, a space, an ``\\u`` escape of a printable character,
    a float or a duplicate key raises :class:`InputError`.

    >>> parse_canonical(b'{"b":1,"a":2}')
    Traceback (most recent call last):
    ...
    sovet.errors.InputError: not canonical JSON: expected {"a":2,"b":1}
    """
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 at byte {exc.start}") from exc
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg} at column {exc.colno}") from exc
    except RecursionError as exc:
        raise InputError("not JSON: nested too deeply") from exc
    if not isinstance(value, dict):
        raise InputError("not a JSON object")
    again = canonical_json(value)
    if again != line:
        shown = again.decode("utf-8")
        if len(shown) > 120:
            shown = shown[:117] + "..."
        raise InputError(f"not canonical JSON: expected {shown}")
    return value
