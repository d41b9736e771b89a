"""The envelope of every ledger entry, and its hash chain.

Each entry is one canonical JSON object (see :mod:`sovet.ledger.canonical`)::

    {"actor":"m-17","at":"2026-11-25T23:40:00Z","data":{...},"index":7,
     "prev":"<hex leaf hash of entry 6>","type":"election.opened","v":1}

* ``v`` -- the envelope version, 1;
* ``index`` -- the entry's position, from 0;
* ``prev`` -- the lowercase hex RFC 6962 leaf hash of entry ``index - 1``
  (64 zeros for entry 0), so each entry commits to the whole history before it;
* ``at`` -- when it happened, ISO 8601 in UTC: ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z``;
* ``type`` -- ``noun.verb`` in lower case, e.g. ``ballot.cast``;
* ``actor`` -- the id of who did it (a string), or ``null`` for the system;
* ``data`` -- the event's own fields (an object).

Sorted keys put ``index``, ``prev``, ``type`` and ``v`` after ``data``, so every
line ends with the same short *tail*; verification reads index and prev there
without decoding the line (see :mod:`sovet.ledger.verify`).

>>> e = encode_entry(0, GENESIS_PREV, "2026-11-25T23:40:00Z", "log.started", None, {})
>>> e.raw.decode()[:60]
'{"actor":null,"at":"2026-11-25T23:40:00Z","data":{},"index":'
>>> decode_entry(e.raw, expected_index=0) == e
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sovet.errors import InputError, VerificationError
from sovet.ledger.canonical import canonical_json, parse_canonical
from sovet.ledger.merkle import leaf_hash

__all__ = [
    "ENVELOPE_KEYS",
    "GENESIS_PREV",
    "HEAD_PREFIX",
    "TAIL",
    "TYPE_MAX",
    "VERSION",
    "Entry",
    "decode_entry",
    "encode_entry",
    "next_entry",
]

VERSION = 1
TYPE_MAX = 64
"""The longest event type, in characters."""
GENESIS_PREV = "0" * 64
"""The ``prev`` of entry 0."""
ENVELOPE_KEYS = frozenset({"v", "index", "prev", "at", "type", "actor", "data"})
HEAD_PREFIX = b'{"actor":'
"""Every canonical entry starts with these bytes (``actor`` sorts first)."""
TAIL = re.compile(
    rb',"index":(0|[1-9][0-9]*),"prev":"([0-9a-f]{64})",'
    rb'"type":"([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+)","v":1}\Z'
)
"""The end of every canonical entry: index, prev, type and version."""

_TYPE = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+\Z")
_AT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z\Z")
_HEX64 = re.compile(r"[0-9a-f]{64}\Z")


@dataclass(frozen=True, slots=True)
class Entry:
    """One ledger entry: its fields, its exact bytes and its RFC 6962 leaf hash."""

    index: int
    prev: str
    at: str
    type: str
    actor: str | None
    data: Mapping[str, Any]
    raw: bytes
    leaf_hash: bytes


def _envelope_problem(
    index: object, prev: object, at: object, type_: object, actor: object, data: object
) -> str | None:
    """What is wrong with these envelope fields, or None."""
    if type(index) is not int or index < 0:
        return f"index must be a whole number >= 0, not {index!r}"
    if not isinstance(prev, str) or not _HEX64.match(prev):
        return "prev must be 64 lowercase hex digits"
    if index == 0 and prev != GENESIS_PREV:
        return "entry 0 must have prev = 64 zeros"
    if not isinstance(at, str) or not _AT.match(at):
        return f"at must be UTC ISO 8601 like 2026-11-25T23:40:00Z, not {at!r}"
    try:
        datetime.fromisoformat(at[:-1])
    except ValueError:
        return f"at is not a real time: {at!r}"
    if not isinstance(type_, str) or not _TYPE.match(type_) or len(type_) > TYPE_MAX:
        return f"type must be noun.verb in lower case, not {type_!r}"
    if actor is not None and not isinstance(actor, str):
        return f"actor must be a string id or null, not {actor!r}"
    if not isinstance(data, Mapping):
        return "data must be an object"
    return None


def encode_entry(
    index: int,
    prev: str | bytes,
    at: str,
    type: str,
    actor: str | None,
    data: Mapping[str, Any],
) -> Entry:
    """Build entry ``index`` whose ``prev`` is the leaf hash of the entry before it.

    ``prev`` is given as hex or as the 32 raw bytes. Raises :class:`InputError`
    naming the field (or the path inside ``data``, e.g. ``$.data.share`` for a
    float) when something cannot be written.

    >>> encode_entry(0, GENESIS_PREV, "2026-11-25T23:40:00Z", "x", None, {}).index
    Traceback (most recent call last):
    ...
    sovet.errors.InputError: type must be noun.verb in lower case, not 'x'
    """
    if isinstance(prev, bytes):
        prev = prev.hex()
    problem = _envelope_problem(index, prev, at, type, actor, data)
    if problem is not None:
        raise InputError(problem)
    envelope = {
        "v": VERSION,
        "index": index,
        "prev": prev,
        "at": at,
        "type": type,
        "actor": actor,
        "data": data,
    }
    raw = canonical_json(envelope)
    return Entry(index, prev, at, type, actor, data, raw, leaf_hash(raw))


def next_entry(
    previous: Entry | None,
    at: str,
    type: str,
    actor: str | None,
    data: Mapping[str, Any],
) -> Entry:
    """The entry that follows ``previous`` (or the first entry when it is None)."""
    if previous is None:
        return encode_entry(0, GENESIS_PREV, at, type, actor, data)
    return encode_entry(previous.index + 1, previous.leaf_hash, at, type, actor, data)


def decode_entry(raw: bytes, expected_index: int | None = None) -> Entry:
    """Decode and check one entry's bytes (canonical JSON with a valid envelope).

    Raises :class:`VerificationError` with ``index`` set (to ``expected_index``
    when given, else the entry's own index when readable) when the bytes are not
    a canonical entry, or when the entry's index is not ``expected_index``.
    The ``prev`` link is checked by :func:`sovet.ledger.verify.verify_log`.
    """
    where = f"entry {expected_index}" if expected_index is not None else "entry"
    try:
        obj = parse_canonical(raw)
    except InputError as exc:
        raise VerificationError(f"{where}: {exc.message}", index=expected_index) from exc
    index = obj.get("index")
    bad_index = expected_index if expected_index is not None else None
    if bad_index is None and type(index) is int and index >= 0:
        bad_index = index
        where = f"entry {index}"
    keys = set(obj)
    if keys != ENVELOPE_KEYS:
        missing = sorted(ENVELOPE_KEYS - keys)
        extra = sorted(keys - ENVELOPE_KEYS)
        raise VerificationError(
            f"{where}: envelope keys wrong (missing {missing}, unexpected {extra})",
            index=bad_index,
        )
    if obj["v"] != VERSION or type(obj["v"]) is not int:
        raise VerificationError(f"{where}: unknown envelope version {obj['v']!r}", index=bad_index)
    problem = _envelope_problem(
        index, obj["prev"], obj["at"], obj["type"], obj["actor"], obj["data"]
    )
    if problem is not None:
        raise VerificationError(f"{where}: {problem}", index=bad_index)
    if expected_index is not None and index != expected_index:
        raise VerificationError(
            f"entry {expected_index}: has index {index} (removed, inserted or reordered entries)",
            index=expected_index,
        )
    assert isinstance(index, int)
    return Entry(
        index, obj["prev"], obj["at"], obj["type"], obj["actor"], obj["data"], raw, leaf_hash(raw)
    )
