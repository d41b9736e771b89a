"""Write an election's published ballots in the BLT format, for recounting elsewhere.

The format as the Electoral Reform Society's counting programs read it: a line with
the number of candidates and seats; one line per distinct ballot, its weight then the
candidates' 1-based numbers in order of preference, ending in ``0``; a ``0`` line;
the candidates' names, each quoted; the title, quoted. In a quoted name ``\\``, ``"``
and line breaks are escaped (``\\\\``, ``\\"``, ``\\n``, ``\\r``, ``\\u2028`` ...), as the reader
:func:`sovet.counting.formats.read_blt` undoes, so any name comes back as it was
(other programs show the escapes as written). Identical ballots are merged
into one line with their count as weight; lines keep the order in which each distinct
ballot first appears.

>>> print(write_blt(["Ann", "Bob"], 1, [["Bob"], ["Ann", "Bob"], ["Bob"]], "Test"), end="")
2 1
2 2 0
1 1 2 0
0
"Ann"
"Bob"
"Test"
"""

from __future__ import annotations

from collections.abc import Sequence

from sovet.errors import InputError

__all__ = ["write_blt"]


# Every character at which a reader splitting lines (Python's str.splitlines) would
# break the quoted name, written as an escape the reader undoes.
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}


def _quote(text: str) -> str:
    r"""``text`` in double quotes, with ``\``, ``"`` and every line break escaped.

    >>> print(_quote('say "yes"\\ now\nand\u2028then'))
    "say \"yes\"\\ now\nand\u2028then"
    """
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif char in _LINE_BREAKS:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def write_blt(
    candidates: Sequence[str], seats: int, ballots: Sequence[Sequence[str]], title: str
) -> str:
    """BLT text of ``ballots`` (each a ranking of names from ``candidates``)."""
    number = {name: i + 1 for i, name in enumerate(candidates)}
    if len(number) != len(candidates):
        raise InputError("two candidates have the same name")
    weights: dict[tuple[int, ...], int] = {}
    for ballot in ballots:
        try:
            key = tuple(number[name] for name in ballot)
        except KeyError as exc:
            raise InputError(f"the ballot names {exc.args[0]!r}, who is not a candidate") from None
        weights[key] = weights.get(key, 0) + 1
    lines = [f"{len(candidates)} {seats}"]
    lines += [" ".join(str(x) for x in (w, *key, 0)) for key, w in weights.items()]
    lines.append("0")
    lines += [_quote(name) for name in candidates]
    lines.append(_quote(title))
    return "\n".join(lines) + "\n"
