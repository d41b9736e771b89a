"""Records to JSON rows and back, for the projection tables."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from enum import Enum
from fractions import Fraction
from typing import Any

__all__ = ["dump_record", "to_plain"]


_FIELDS: dict[type, tuple[str, ...]] = {}
_SCALARS = (str, int, bool, type(None))


# Fields kept out of a record's projection row because they grow with every vote (the
# projection's turnout table holds them one row per voter instead), or with the
# electorate, which the log fixes when voting opens (an election's ``electors``).
_PER_VOTE = frozenset({"voters", "electors"})


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(cls) if f.name not in _PER_VOTE)
        _FIELDS[cls] = names
    return names


_PLAIN_TYPES = frozenset({str, int, bool, type(None)})


def to_plain(value: Any) -> Any:
    """A JSON-able form of a record: dataclasses as dicts, sets sorted, fractions as "n/d".

    >>> from fractions import Fraction
    >>> to_plain({"q": Fraction(1, 2), "s": frozenset({"b", "a"})})
    {'q': '1/2', 's': ['a', 'b']}
    """
    kind = type(value)
    if kind in _PLAIN_TYPES:
        return value
    if hasattr(kind, "__dataclass_fields__"):
        out = {}
        for name in _field_names(kind):
            item = getattr(value, name)
            out[name] = item if type(item) in _PLAIN_TYPES else to_plain(item)
        return out
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, frozenset | set):
        return sorted(to_plain(v) for v in value)
    if isinstance(value, tuple | list):
        return [to_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    return value


def dump_record(value: Any) -> str:
    """The canonical JSON text of a record (sorted keys, no whitespace)."""
    return json.dumps(to_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
