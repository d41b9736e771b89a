"""Ballot files: parse the text of BLT, PrefLib and CSV cast-vote-record files.

Every reader here is pure: it takes the file's content (``str`` or ``bytes``) and
the name to use in messages, and returns a :class:`BallotFile`. Reading from disk
is the caller's job (the command line does it). A file that does not parse
raises :class:`sovet.errors.FileFormatError` naming the file, the line and the
problem.

Formats:

* **BLT** (as written by OpenSTV, Droop, and used for the Scottish council
  cast-vote records): ``<candidates> <seats>``; optional withdrawn candidates as
  negative numbers (or ``[withdrawn 2 5]``); one line per ballot,
  ``<weight> <pref1> <pref2> ... 0``; a line ``0``; one name per candidate
  (quoted or not); the title.
* **PrefLib** ``.soi .soc .toi .toc``: header lines ``# ALTERNATIVE NAME i: ...``
  and counts, then ``count: a,b,{c,d}`` lines (braces mark equal ranks, allowed
  only in ``.toi``/``.toc`` and rejected with a clear message since a
  :class:`~sovet.counting.base.Profile` holds strict rankings).
* **CSV cast-vote records**: a header, one ballot per row, rank columns
  ``rank1 .. rankN`` (or ``choice1 ..``), an optional ``count`` column; cells hold a
  candidate name or a marker (``undervote`` = skipped rank, ``overvote`` = more
  than one mark at this rank, ``UWI`` = undeclared write-in). How markers are
  treated is set by :class:`CvrRules`.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from sovet.counting.base import MAX_VOTES, Profile
from sovet.errors import FileFormatError

__all__ = [
    "BALLOT_SUFFIXES",
    "BallotFile",
    "CvrRules",
    "parse_ballots",
    "read_blt",
    "read_cvr_csv",
    "read_preflib",
]


class BallotFile(NamedTuple):
    """A parsed ballot file: the profile and, when the file says it, the seats.

    ``tie_order`` is a tie-breaking order of candidates given in the file (BLT's
    ``[tie ...]`` option), most favoured first; empty when none is given.
    """

    profile: Profile
    seats: int | None
    tie_order: tuple[int, ...] = ()


def _rows_to_profile(
    names: Sequence[str],
    rows: Sequence[Sequence[int]],
    weights: Sequence[int],
    *,
    withdrawn: frozenset[int] = frozenset(),
    title: str = "",
) -> Profile:
    width = max((len(r) for r in rows), default=0)
    array = np.full((len(rows), width), -1, dtype=np.int16)
    for i, row in enumerate(rows):
        if row:
            array[i, : len(row)] = row
    return Profile(
        candidates=tuple(names),
        rankings=array,
        weights=np.asarray(weights, dtype=np.int64).reshape(len(rows)),
        withdrawn=withdrawn,
        title=title,
    )


def _text(data: str | bytes, source: str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileFormatError("not UTF-8 text", path=source, line=line) from None


# --------------------------------------------------------------------------- BLT

_BLT_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\[[^\]]*\]|\S+')


_BLT_ESCAPE = re.compile(r'\\(["\\nrt]|u[0-9a-fA-F]{4})')
_BLT_ESCAPED = {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t"}


def _unquote(token: str) -> str:
    r"""A quoted name's text, its escapes undone: ``\"``, ``\\``, ``\n``, ``\r``, ``\t``
    and ``\uXXXX`` (how Sovet writes a quote, a backslash and a line break in a name);
    a backslash before anything else stays as written.

    >>> print(_unquote(r'"say \"yes\"\\ now\nC:\dir\u2028"'))
    say "yes"\ now
    C:\dir\u2028
    """
    if len(token) >= 2 and token[0] == token[-1] == '"':
        return _BLT_ESCAPE.sub(
            lambda m: _BLT_ESCAPED.get(m[1]) or chr(int(m[1][1:], 16)), token[1:-1]
        )
    return token


def _blt_int(token: str, what: str, source: str, line: int) -> int:
    try:
        return int(token)
    except ValueError:  # not a number, or more digits than int() reads
        shown = repr(token) if len(token) <= 40 else repr(token[:40]) + "…"
        raise FileFormatError(
            f"{what} must be a whole number, not {shown}", path=source, line=line
        ) from None


def _add_votes(total: int, weight: int, what: str, source: str, line: int) -> int:
    """``total + weight``, refusing a weight or a total that a count cannot hold exactly
    (more than :data:`~sovet.counting.base.MAX_VOTES`, where 64-bit tallies would wrap).

    >>> _add_votes(2**62, 2**62, "the ballot weight", "w.blt", 3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sovet.errors.FileFormatError: w.blt:3: the ballot weight 4611686018427387904 brings ...
    """
    if weight > MAX_VOTES:
        raise FileFormatError(
            f"{what} {weight} is more than {MAX_VOTES}, the most votes a count can hold",
            path=source,
            line=line,
        )
    total += weight
    if total > MAX_VOTES:
        raise FileFormatError(
            f"{what} {weight} brings the votes to {total}, more than {MAX_VOTES},"
            " the most a count can hold",
            path=source,
            line=line,
        )
    return total


def read_blt(data: str | bytes, *, source: str = "<blt>") -> BallotFile:
    """Parse a BLT ballot file.

    Candidates are numbered from 1 in the file. A ballot line is
    ``<weight> <pref> ... 0``; preferences may also be written by the nicknames of
    a ``[nick a b c]`` option. Withdrawn candidates (negative numbers on the line
    after the header, or ``[withdrawn ...]``) stay on the papers but are skipped by
    the count. Equal preferences (``2=3``) cannot be held by a strict profile and
    are rejected with the line they are on; so are a preference named twice on one
    ballot, an unknown candidate, and a ballot without its closing ``0``.

    >>> f = read_blt('3 2\\n4 1 2 0\\n2 3 0\\n0\\n"Castor"\\n"Pollux"\\n"Helen"\\n"Twins"\\n')
    >>> f.seats, f.profile.candidates, f.profile.total_weight
    (2, ('Castor', 'Pollux', 'Helen'), 6)
    """
    text = _text(data, source)
    lines = text.splitlines()
    pos = 0

    def next_content() -> tuple[int, str] | None:
        nonlocal pos
        while pos < len(lines):
            raw = lines[pos].strip()
            pos += 1
            if raw and not raw.startswith("#"):
                return pos, raw
        return None

    head = next_content()
    if head is None:
        raise FileFormatError("empty file: expected '<candidates> <seats>'", path=source, line=1)
    lineno, raw = head
    parts = raw.split()
    if len(parts) != 2:
        raise FileFormatError(
            f"first line must be '<candidates> <seats>', not {raw!r}", path=source, line=lineno
        )
    ncand = _blt_int(parts[0], "the number of candidates", source, lineno)
    seats = _blt_int(parts[1], "the number of seats", source, lineno)
    if ncand < 1 or ncand > np.iinfo(np.int16).max:
        raise FileFormatError(
            f"the number of candidates {ncand} is out of range", path=source, line=lineno
        )
    if seats < 1:
        raise FileFormatError(
            f"the number of seats must be at least 1, not {seats}", path=source, line=lineno
        )

    withdrawn: set[int] = set()
    tie_order: tuple[int, ...] = ()
    nick: dict[str, int] = {}
    rows: list[list[int]] = []
    weights: list[int] = []
    total = 0

    def candidate(token: str, line: int) -> int:
        if token in nick:
            return nick[token]
        if "=" in token:
            raise FileFormatError(
                f"equal preferences {token!r} are not supported (strict rankings only)",
                path=source,
                line=line,
            )
        number = _blt_int(token, "a preference", source, line)
        if not 1 <= number <= ncand:
            raise FileFormatError(
                f"candidate {number} does not exist (there are {ncand})", path=source, line=line
            )
        return number - 1

    def option(token: str, line: int) -> None:
        nonlocal tie_order
        words = token[1:-1].split()
        if not words:
            raise FileFormatError("empty option []", path=source, line=line)
        key, args = words[0].lower(), words[1:]
        if key == "nick":
            if len(args) != ncand:
                raise FileFormatError(
                    f"[nick] needs {ncand} nicknames, got {len(args)}", path=source, line=line
                )
            nick.update({name: i for i, name in enumerate(args)})
        elif key == "withdrawn":
            withdrawn.update(candidate(a, line) for a in args)
        elif key == "tie":
            tie_order = tuple(candidate(a, line) for a in args)
        else:
            raise FileFormatError(f"unknown option [{words[0]}]", path=source, line=line)

    # Options and ballots, up to the line "0".
    while True:
        item = next_content()
        if item is None:
            raise FileFormatError(
                "missing the line '0' that ends the ballots", path=source, line=len(lines)
            )
        lineno, raw = item
        if raw == "0":
            break
        tokens = _BLT_TOKEN.findall(raw)
        if tokens[0].startswith("["):
            for tok in tokens:
                if not tok.startswith("["):
                    raise FileFormatError(
                        f"unexpected {tok!r} after an option", path=source, line=lineno
                    )
                option(tok, lineno)
            continue
        if tokens[0].startswith("-"):
            if rows:
                raise FileFormatError(
                    "withdrawn candidates must come before the ballots", path=source, line=lineno
                )
            for tok in tokens:
                number = _blt_int(tok, "a withdrawn candidate", source, lineno)
                if not -ncand <= number <= -1:
                    raise FileFormatError(
                        f"withdrawn candidate {tok!r} does not exist", path=source, line=lineno
                    )
                withdrawn.add(-number - 1)
            continue
        if tokens[0].startswith("("):  # an optional ballot id, "(id) weight prefs 0"
            tokens = tokens[1:]
            if not tokens:
                raise FileFormatError("a ballot id with no ballot", path=source, line=lineno)
        if tokens[-1] != "0":
            raise FileFormatError("a ballot must end with 0", path=source, line=lineno)
        weight = _blt_int(tokens[0], "a ballot weight", source, lineno)
        if weight < 0:
            raise FileFormatError(
                f"a ballot weight cannot be negative ({weight})", path=source, line=lineno
            )
        total = _add_votes(total, weight, "the ballot weight", source, lineno)
        row: list[int] = []
        for tok in tokens[1:-1]:
            if tok == "-":  # a skipped rank: later preferences still count
                continue
            c = candidate(tok, lineno)
            if c in row:
                raise FileFormatError(
                    f"candidate {c + 1} is ranked twice on one ballot", path=source, line=lineno
                )
            row.append(c)
        rows.append(row)
        weights.append(weight)

    # Names, then the title.
    names: list[str] = []
    name_line = lineno
    while len(names) < ncand:
        item = next_content()
        if item is None:
            raise FileFormatError(
                f"expected {ncand} candidate names, found {len(names)}",
                path=source,
                line=len(lines),
            )
        name_line, raw = item
        if raw.startswith('"'):
            quoted = _BLT_TOKEN.findall(raw)
            if any(not q.startswith('"') for q in quoted):
                raise FileFormatError(
                    f"cannot read candidate names in {raw!r}", path=source, line=name_line
                )
            names.extend(_unquote(q) for q in quoted)
        else:
            names.append(raw)
    if len(names) > ncand:
        raise FileFormatError(
            f"expected {ncand} candidate names, found {len(names)}", path=source, line=name_line
        )
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise FileFormatError(f"candidate name {dup!r} appears twice", path=source, line=name_line)
    title = ""
    item = next_content()
    if item is not None:
        title = _unquote(item[1])
        extra = next_content()
        if extra is not None:
            raise FileFormatError(
                f"unexpected text after the title: {extra[1]!r}", path=source, line=extra[0]
            )
    profile = _rows_to_profile(names, rows, weights, withdrawn=frozenset(withdrawn), title=title)
    return BallotFile(profile, seats, tie_order)


# ----------------------------------------------------------------------- PrefLib

_PREFLIB_TYPES = {
    ".soi": (True, False),
    ".soc": (True, True),
    ".toi": (False, False),
    ".toc": (False, True),
}
_PREFLIB_HEADER = re.compile(r"#\s*([A-Z][A-Z ]*[A-Z])\s*(\d*)\s*:\s?(.*)$")


def read_preflib(
    data: str | bytes, *, source: str = "<preflib>", kind: str | None = None
) -> BallotFile:
    """Parse a PrefLib ordinal file (``.soi .soc .toi .toc``, 2022 format).

    ``kind`` is the file type (by default the suffix of ``source``). The header's
    ``NUMBER ALTERNATIVES``, ``NUMBER VOTERS`` and ``NUMBER UNIQUE ORDERS`` are
    checked against the body. Complete types (``soc``, ``toc``) must rank every
    alternative. Tied ranks (``{2,3}``) are rejected: a profile holds strict
    rankings. PrefLib files carry no seat count, so ``seats`` is None.

    >>> text = "# ALTERNATIVE NAME 1: A\\n# ALTERNATIVE NAME 2: B\\n3: 1,2\\n1: 2\\n"
    >>> read_preflib(text, kind="soi").profile.ballots_by_name()
    [(('A', 'B'), 3), (('B',), 1)]
    """
    text = _text(data, source)
    kind = (kind or "." + source.rsplit(".", 1)[-1]).lower()
    if not kind.startswith("."):
        kind = "." + kind
    if kind not in _PREFLIB_TYPES:
        raise FileFormatError(
            f"unknown PrefLib type {kind!r} (expected .soi .soc .toi .toc)", path=source
        )
    _strict, complete = _PREFLIB_TYPES[kind]
    header: dict[str, str] = {}
    names: dict[int, str] = {}
    rows: list[list[int]] = []
    weights: list[int] = []
    total = 0
    for lineno, raw_line in enumerate(text.splitlines(), start=1):
        raw = raw_line.strip()
        if not raw:
            continue
        if raw.startswith("#"):
            m = _PREFLIB_HEADER.match(raw)
            if m is None:
                continue
            key, number, value = m.group(1), m.group(2), m.group(3).strip()
            if key == "ALTERNATIVE NAME":
                if not number:
                    raise FileFormatError(
                        "ALTERNATIVE NAME needs a number", path=source, line=lineno
                    )
                alternative = _blt_int(number, "an alternative's number", source, lineno)
                if len(names) >= np.iinfo(np.int16).max and alternative not in names:
                    raise FileFormatError(
                        f"more than {np.iinfo(np.int16).max} alternatives",
                        path=source,
                        line=lineno,
                    )
                names[alternative] = value
            else:
                header[key] = value
            continue
        if not names:
            raise FileFormatError(
                "no '# ALTERNATIVE NAME i: ...' lines before the orders", path=source, line=lineno
            )
        count_text, sep, order = raw.partition(":")
        if not sep:
            raise FileFormatError(
                f"expected 'count: a,b,...', not {raw!r}", path=source, line=lineno
            )
        weight = _blt_int(count_text.strip(), "a voter count", source, lineno)
        if weight < 0:
            raise FileFormatError(
                f"a voter count cannot be negative ({weight})", path=source, line=lineno
            )
        total = _add_votes(total, weight, "the voter count", source, lineno)
        if "{" in order:
            raise FileFormatError(
                "tied ranks {...} are not supported (strict rankings only)",
                path=source,
                line=lineno,
            )
        row: list[int] = []
        for item in order.split(","):
            item = item.strip()
            if not item:
                continue
            number = _blt_int(item, "an alternative", source, lineno)
            if number not in names:
                raise FileFormatError(f"alternative {number} has no name", path=source, line=lineno)
            if number - 1 in row:
                raise FileFormatError(
                    f"alternative {number} is ranked twice", path=source, line=lineno
                )
            row.append(number - 1)
        if complete and len(row) != len(names):
            raise FileFormatError(
                f"a complete order ({kind}) must rank all {len(names)} alternatives,"
                f" this ranks {len(row)}",
                path=source,
                line=lineno,
            )
        rows.append(row)
        weights.append(weight)
    if sorted(names) != list(range(1, len(names) + 1)):
        raise FileFormatError("alternatives must be numbered 1..n without gaps", path=source)
    checks = (
        ("NUMBER ALTERNATIVES", len(names)),
        ("NUMBER VOTERS", total),
        ("NUMBER UNIQUE ORDERS", len(rows)),
    )
    for key, actual in checks:
        if key in header and header[key] != str(actual):
            raise FileFormatError(
                f"header says {key} {header[key]}, the file has {actual}", path=source
            )
    ordered = [names[i] for i in range(1, len(names) + 1)]
    profile = _rows_to_profile(ordered, rows, weights, title=header.get("TITLE", ""))
    return BallotFile(profile, None)


# ------------------------------------------------------------ CSV cast-vote records

_RANK_COLUMN = re.compile(r"^(?:rank|choice|preference|pref)[\s_-]*(\d+)$", re.IGNORECASE)
_COUNT_COLUMNS = ("count", "weight", "ballots", "n")


@dataclass(frozen=True, slots=True)
class CvrRules:
    """How a cast-vote record's markers become a ranking.

    * ``undervote``: cell values meaning "no mark at this rank" (a skipped rank);
      an empty cell means the same.
    * ``overvote``: cell values meaning "more than one candidate marked at this
      rank". ``overvote_rule`` is ``"skip"`` (go on to the next rank, as
      Minneapolis does) or ``"exhaust"`` (the ballot stops counting there).
    * ``max_skipped``: how many skipped ranks in a row are allowed before the next
      mark; past that the ballot stops counting (``None``: any number). Minneapolis
      allows 1.
    * ``duplicate_rule``: a candidate ranked again later is ``"skip"``-ped (the
      later mark is ignored) or ``"exhaust"``-s the ballot.
    * ``write_ins``: cell values for undeclared write-ins and the candidate name
      they are counted under (an ordinary candidate in the count).
    """

    undervote: frozenset[str] = frozenset({"undervote"})
    overvote: frozenset[str] = frozenset({"overvote"})
    overvote_rule: str = "skip"
    max_skipped: int | None = 1
    duplicate_rule: str = "skip"
    write_ins: tuple[tuple[str, str], ...] = (("UWI", "Undeclared Write-ins"),)

    def __post_init__(self) -> None:
        if self.overvote_rule not in ("skip", "exhaust"):
            raise ValueError(
                f"overvote_rule must be 'skip' or 'exhaust', not {self.overvote_rule!r}"
            )
        if self.duplicate_rule not in ("skip", "exhaust"):
            raise ValueError(
                f"duplicate_rule must be 'skip' or 'exhaust', not {self.duplicate_rule!r}"
            )
        if self.max_skipped is not None and self.max_skipped < 0:
            raise ValueError("max_skipped cannot be negative")

    def ranking(self, cells: Sequence[str]) -> list[str]:
        """The candidates this ballot counts for, in order, under these rules.

        >>> CvrRules().ranking(["A", "undervote", "overvote", "B", "A"])
        ['A', 'B']
        >>> CvrRules().ranking(["undervote", "undervote", "B"])
        []
        """
        out: list[str] = []
        skipped = 0
        write_ins = dict(self.write_ins)
        for raw in cells:
            cell = raw.strip()
            if not cell or cell in self.undervote:
                skipped += 1
                continue
            if cell in self.overvote:
                if self.overvote_rule == "exhaust":
                    break
                continue
            if self.max_skipped is not None and skipped > self.max_skipped:
                break
            skipped = 0
            name = write_ins.get(cell, cell)
            if name in out:
                if self.duplicate_rule == "exhaust":
                    break
                continue
            out.append(name)
        return out


def read_cvr_csv(
    data: str | bytes, *, source: str = "<csv>", rules: CvrRules | None = None
) -> BallotFile:
    """Parse a CSV cast-vote record: a header, then one ballot (or group) per row.

    Rank columns are ``rank1 .. rankN`` (also ``choice``/``preference``), read in
    number order; an optional ``count`` column gives how many ballots the row
    stands for; other columns (precinct, ballot id) are ignored. Markers are
    turned into rankings by ``rules`` (default: Minneapolis's, see
    :class:`CvrRules`). Candidates are numbered in order of first appearance.
    Identical resulting rankings are merged. The file carries no seat count.

    >>> f = read_cvr_csv("id,rank1,rank2\\n1,A,B\\n2,B,overvote\\n3,A,B\\n")
    >>> f.profile.ballots_by_name()
    [(('A', 'B'), 2), (('B',), 1)]
    """
    rules = rules or CvrRules()
    text = _text(data, source)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise FileFormatError("empty file: expected a header row", path=source, line=1) from None
    except csv.Error as exc:
        raise FileFormatError(f"bad CSV: {exc}", path=source, line=1) from None
    columns = [h.strip() for h in header]
    ranks: list[tuple[int, int]] = []
    count_col: int | None = None
    for i, name in enumerate(columns):
        m = _RANK_COLUMN.match(name)
        if m:
            ranks.append((_blt_int(m.group(1), "a rank column's number", source, 1), i))
        elif name.lower() in _COUNT_COLUMNS and count_col is None:
            count_col = i
    if not ranks:
        raise FileFormatError(
            f"no rank columns (rank1, rank2, ...) in the header {columns}", path=source, line=1
        )
    ranks.sort()
    rank_cols = [i for _, i in ranks]
    index: dict[str, int] = {}
    merged: dict[tuple[int, ...], int] = {}
    total = 0
    try:
        for record in reader:
            lineno = reader.line_num
            if not record or all(not c.strip() for c in record):
                continue
            if len(record) != len(columns):
                raise FileFormatError(
                    f"expected {len(columns)} fields, found {len(record)}", path=source, line=lineno
                )
            weight = 1
            if count_col is not None:
                weight = _blt_int(record[count_col].strip(), "the count", source, lineno)
                if weight < 0:
                    raise FileFormatError(
                        f"the count cannot be negative ({weight})", path=source, line=lineno
                    )
            total = _add_votes(total, weight, "the count", source, lineno)
            names = rules.ranking([record[i] for i in rank_cols])
            key = tuple(index.setdefault(n, len(index)) for n in names)
            merged[key] = merged.get(key, 0) + weight
    except csv.Error as exc:
        raise FileFormatError(f"bad CSV: {exc}", path=source, line=reader.line_num) from None
    if len(index) > np.iinfo(np.int16).max:
        raise FileFormatError(f"too many candidates ({len(index)})", path=source)
    profile = _rows_to_profile(list(index), [list(k) for k in merged], list(merged.values()))
    return BallotFile(profile, None)


# -------------------------------------------------------------------- dispatcher

BALLOT_SUFFIXES = (".blt", ".soi", ".soc", ".toi", ".toc", ".csv")


def parse_ballots(name: str, data: bytes, *, cvr_rules: CvrRules | None = None) -> BallotFile:
    """Parse ballot file content by its name's suffix (``.gz`` is unpacked first).

    ``name`` is used for the format and in every message.

    >>> parse_ballots("x.blt", b"2 1\\n1 1 0\\n0\\nA\\nB\\n").profile.candidates
    ('A', 'B')
    """
    lowered = name.lower()
    inner = lowered
    if lowered.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise FileFormatError(f"not a readable gzip file: {exc}", path=name) from None
        inner = lowered[: -len(".gz")]
    suffix = "." + inner.rsplit(".", 1)[-1] if "." in inner else ""
    if suffix == ".blt":
        return read_blt(data, source=name)
    if suffix in (".soi", ".soc", ".toi", ".toc"):
        return read_preflib(data, source=name, kind=suffix)
    if suffix == ".csv":
        return read_cvr_csv(data, source=name, rules=cvr_rules)
    if suffix == ".pb":
        raise FileFormatError("a pabulib budget file: count it with 'sovet budget'", path=name)
    known = " ".join(BALLOT_SUFFIXES)
    raise FileFormatError(
        f"unknown ballot file type {suffix or '(none)'!r}; known: {known}", path=name
    )
