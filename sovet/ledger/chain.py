"""The whole-log check of every entry's shape, index and prev, in a few vector passes.

:func:`links_hold` answers one question for a log held as one blob (every entry
followed by a newline): does every line start like an entry, end with the
envelope's tail ``,"index":i,"prev":"<hex>","type":"<type>","v":1}``, carry its
own position as ``i`` and the hex leaf hash of the line before it as ``prev``?
It never says where a log breaks; :mod:`sovet.ledger.verify` asks the
entry-by-entry check for that only when this answer is no, so the two must
agree, and the tests hold them to it.

How it reads the bytes: for every line it copies out a few rows of at least
``_ROW`` bytes (the line's first bytes, its last bytes, and the stretch from
the index key to the type key) in one numpy gather each, and reads each row as
little-endian 8-byte words, so a fixed 8-byte piece of every line is one
comparison over ``n`` integers. The type's opening quote, the one place whose
offset from the end of a line varies, is found a word at a time with an exact
word-wide test for the byte ``"`` (a type never contains one); the prev, the
index and their keys then lie at fixed offsets back from that quote. Lines are
checked ``_LINES`` at a time so that the rows stay in the cache.
"""

from __future__ import annotations

import binascii
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from sovet.ledger.events import HEAD_PREFIX, TYPE_MAX

__all__ = ["line_ends", "links_hold"]

Positions = npt.NDArray[np.int64]
Words = npt.NDArray[np.uint64]

_CHUNK = 1 << 20
_LINES = 1 << 14  # lines checked together
_V_END = b'","v":1}'
_TYPE_KEY = b'","type":"'
_PREV_KEY = b',"prev":"'
_INDEX_KEY = b',"index":'
# The shortest line: {"actor":null,"at":"","data":{},"index":0,"prev":"<64>","type":"a.b","v":1}
MIN_LINE = len(HEAD_PREFIX) + len(_INDEX_KEY) + 1 + len(_PREV_KEY) + 64 + len(_TYPE_KEY) + 3 + 8
# Every gather copies rows at least this wide: numpy copies wide rows much faster
# than narrow ones (about 12 ns against 28 ns a row), and no line is shorter.
_ROW = 96
# Back from the type's opening quote: the prev ends 9 bytes before it (the type key
# is 10 bytes and ends at the quote), its key 9 before that, then the index digits.
_PREV_AT = len(_TYPE_KEY) - 1 + 64
_INDEX_KEY_AT = _PREV_AT + len(_PREV_KEY) + len(_INDEX_KEY)  # plus the index's digits
# Bytes that hold a quote, as 0x80 in that byte of a word (see _quote_bytes).
_LOW7 = np.uint64(0x7F7F7F7F7F7F7F7F)
_QUOTES = np.uint64(0x2222222222222222)


def _word(piece: bytes) -> np.uint64:
    """Up to eight bytes as the little-endian ``uint64`` they start."""
    return np.uint64(int.from_bytes(piece, "little"))


def _rows(blob: bytes, at: Positions, width: int) -> Words:
    """The ``width`` bytes (a multiple of 8, >= ``_ROW``) at each offset, as words.

    One row of ``width // 8`` little-endian words per offset (a copy). Offsets
    before the blob (possible only for its first line) read zero bytes there.
    """
    view = np.ndarray((len(blob) - width + 1,), dtype=f"V{width}", buffer=blob, strides=(1,))
    rows = view[np.maximum(at, 0)].view("<u8").reshape(at.size, width // 8)
    for i in np.flatnonzero(at < 0).tolist():
        padded = bytes(-int(at[i])) + blob[: width + int(at[i])]
        rows[i] = np.frombuffer(padded, dtype="<u8")
    words: Words = rows  # typed here: some numpy releases type the view as Any
    return words


def line_ends(blob: bytes) -> Positions:
    """Where each newline of ``blob`` is (in slices, so no blob-sized temporary).

    >>> line_ends(b"ab\\nc\\n").tolist()
    [2, 4]
    """
    arr = np.frombuffer(blob, dtype=np.uint8)
    parts = [np.flatnonzero(arr[i : i + _CHUNK] == 10) + i for i in range(0, arr.size, _CHUNK)]
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def _quote_bytes(word: Words) -> Words:
    """0x80 in every byte of each word that is ``"``, 0 in every other byte (exact)."""
    x = word ^ _QUOTES  # a quote byte becomes zero
    return ~(((x & _LOW7) + _LOW7) | x | _LOW7)


def _type_quotes(tails: Words, ends: Positions) -> Positions | None:
    """Where each line's type opens: the last ``"`` before the closing one at ``end - 8``.

    ``tails``: the last ``_ROW`` bytes of each line, as words; the last word is the
    closing ``","v":1}``. Searched a word at a time back from it, for the lines not
    yet found; None when a type would be longer than ``TYPE_MAX``.
    """
    found = np.zeros(ends.size, dtype=np.int64)
    todo = np.arange(ends.size)
    last = tails.shape[1] - 1
    for column in range(last - 1, last - 1 - (TYPE_MAX + 8) // 8, -1):
        quotes = _quote_bytes(tails[todo, column])
        hit = quotes != 0
        # The highest quote byte: its 0x80 bit is the word's highest set bit.
        _, exponent = np.frexp(quotes[hit].astype(np.float64))
        at = ends[todo[hit]] - _ROW + 8 * column
        found[todo[hit]] = at + ((exponent - 1) >> 3)
        todo = todo[~hit]
        if todo.size == 0:
            return found if bool((ends - 8 - found <= TYPE_MAX + 1).all()) else None
    return None


def _index_rows(low: int, high: int, digits: int, width: int) -> tuple[Words, Words]:
    """The expected words ending ``,"index":<digits>,"prev":"`` for ``low..high-1``, and
    their mask (the bytes before the index key are anything): ``width`` bytes a row."""
    key = _INDEX_KEY + b"0" * digits + _PREV_KEY
    rows = np.zeros((high - low, width), dtype=np.uint8)
    rows[:, width - len(key) :] = np.frombuffer(key, dtype=np.uint8)
    index = np.arange(low, high, dtype=np.uint32 if high < 2**32 else np.uint64)
    first = width - len(_PREV_KEY) - digits
    for place in range(digits):
        rows[:, first + place] = index // 10 ** (digits - 1 - place) % 10 + 48
    mask = np.zeros(width, dtype=np.uint8)
    mask[width - len(key) :] = 0xFF
    return rows.view("<u8"), mask.view("<u8")


def _links_fit(links: Words, left: int, low: int, leaves: Sequence[bytes]) -> bool:
    """Whether the link rows of lines ``low, low+1, ...`` hold each line's index, its
    prev and the keys around them.

    Row ``j``: ``8 * left`` bytes ending with ``,"index":<low+j>,"prev":"``, then the
    64 hex digits of the prev, then ``","type":"`` and 6 more bytes.
    """
    high = low + links.shape[0]
    if not (
        bool((links[:, left + 8] == _word(_TYPE_KEY[:8])).all())
        and bool((links[:, left + 9] & np.uint64(0xFFFF) == _word(_TYPE_KEY[8:])).all())
    ):
        return False
    prevs = links[:, left : left + 8]
    if low == 0:
        if not bool((prevs[0] == _word(b"0" * 8)).all()):
            return False
        prevs = prevs[1:]
    hexes = binascii.hexlify(b"".join(leaves[max(low - 1, 0) : high - 1]))
    if not np.array_equal(prevs, np.frombuffer(hexes, dtype="<u8").reshape(-1, 8)):
        return False
    for digits in range(len(str(low)), len(str(high - 1)) + 1):
        first, last = max(low, 10 ** (digits - 1) if digits > 1 else 0), min(high, 10**digits)
        expected, mask = _index_rows(first, last, digits, 8 * left)
        if not np.array_equal(links[first - low : last - low, :left] & mask, expected):
            return False
    return True


def _lines_hold(
    blob: bytes, starts: Positions, ends: Positions, low: int, left: int, leaves: Sequence[bytes]
) -> bool:
    """:func:`links_hold` for the lines ``low, low+1, ...`` that start and end there."""
    heads = _rows(blob, starts, _ROW)
    if not (
        bool((heads[:, 0] == _word(HEAD_PREFIX[:8])).all())
        and bool((heads[:, 1] & np.uint64(0xFF) == _word(HEAD_PREFIX[8:])).all())
    ):
        return False
    tails = _rows(blob, ends - _ROW, _ROW)
    if not bool((tails[:, -1] == _word(_V_END)).all()):
        return False
    quotes = _type_quotes(tails, ends)
    if quotes is None:
        return False
    # The index key must lie after the line's opening {"actor": (checked before
    # anything is read that far back).
    key_at = quotes - _INDEX_KEY_AT - _digit_counts(low, low + ends.size)
    if not bool((key_at - starts >= len(HEAD_PREFIX)).all()):
        return False
    links = _rows(blob, quotes - _PREV_AT - 8 * left, 8 * left + 80)
    return _links_fit(links, left, low, leaves)


def links_hold(blob: bytes, n: int, leaves: Sequence[bytes], ends: Positions | None = None) -> bool:
    """True when every line has the right shape, index and prev.

    ``blob`` is the ``n`` lines joined, each followed by a newline (``ends``: where
    the newlines are, when already known); ``leaves`` their leaf hashes. A few
    gathers of one wide row per line and vector passes over them, no per-entry
    Python work; ``_LINES`` lines at a time, so that the rows stay in the cache.
    """
    if n == 0:
        return not blob
    if ends is None:
        ends = line_ends(blob)
    if ends.size != n or int(ends[-1]) != len(blob) - 1:
        return False
    starts = np.empty(n, dtype=np.int64)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    if int((ends - starts).min()) < MIN_LINE:
        return False
    # Link rows: the prev's 64 digits start at word `left`, after the index and keys.
    left = -(-(len(_INDEX_KEY) + len(str(n - 1)) + len(_PREV_KEY)) // 8)
    return all(
        _lines_hold(blob, starts[low : low + _LINES], ends[low : low + _LINES], low, left, leaves)
        for low in range(0, n, _LINES)
    )


def _digit_counts(low: int, high: int) -> Positions:
    """How many decimal digits each of ``low..high-1`` has."""
    counts = np.full(high - low, len(str(low)), dtype=np.int64)
    power = 10 ** len(str(low))
    while power < high:
        counts[power - low :] += 1
        power *= 10
    return counts
