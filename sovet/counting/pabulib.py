"""Read participatory-budgeting instances in the pabulib format (``.pb``).

A pabulib file has three sections, each a ``;``-separated table with a header row::

    META                      key;value (budget, vote_type, rule, thresholds, ...)
    PROJECTS                  project_id;cost;[votes;][score;]name;...;[selected]
    VOTES                     voter_id;vote;[points;]...

For approval ballots ``vote`` lists the approved project ids; for ordinal ballots it
lists them most preferred first; cumulative and scoring ballots give a ``points`` list
of the same length. Line ends may be LF or CRLF. The reader is pure: it parses the
text it is given, and every problem is a :class:`~sovet.errors.FileFormatError` naming
the line.

>>> text = "META\\nkey;value\\nbudget;10\\nvote_type;approval\\nPROJECTS\\n" \\
...        "project_id;cost\\np1;6\\np2;5\\nVOTES\\nvoter_id;vote\\nv1;p1,p2\\nv2;p2\\n"
>>> inst = parse_pabulib(text)
>>> inst.project_ids, inst.costs, inst.num_voters, inst.budget
(('p1', 'p2'), (6, 5), 2, Fraction(10, 1))
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from sovet.counting.base import MAX_VOTES
from sovet.errors import FileFormatError

__all__ = ["VOTE_TYPES", "PBInstance", "PBProject", "exact_number", "parse_pabulib"]

VOTE_TYPES = ("approval", "ordinal", "cumulative", "scoring")
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class PBProject:
    """One project row: its id and cost, and what the file says about it."""

    id: str
    cost: int
    name: str = ""
    votes: int | None = None
    score: int | None = None
    selected: bool | None = None
    line: int = 0


@dataclass(frozen=True, slots=True, eq=False)
class PBInstance:
    """A parsed instance: META as given, projects in file order, ballots as arrays.

    Ballots are stored compactly (compressed rows): voter ``i`` chose the projects
    ``ballot_projects[ballot_start[i]:ballot_start[i+1]]`` (indices into ``projects``,
    in the order written), with ``ballot_points`` beside them when the file gives points.
    """

    meta: Mapping[str, str]
    projects: tuple[PBProject, ...]
    vote_type: str
    budget: Fraction
    voter_ids: tuple[str, ...]
    ballot_start: IntArray
    ballot_projects: IntArray
    ballot_points: IntArray | None = None
    source: str = ""
    index: Mapping[str, int] = field(default_factory=dict)

    @property
    def num_voters(self) -> int:
        return len(self.voter_ids)

    @property
    def project_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.projects)

    @property
    def costs(self) -> tuple[int, ...]:
        return tuple(p.cost for p in self.projects)

    @property
    def rule(self) -> str | None:
        """The rule the file declares in META (pabulib's label), if any."""
        return self.meta.get("rule") or None

    def approvals(self) -> IntArray:
        """How many voters chose each project (the ``votes`` a city publishes)."""
        return np.bincount(self.ballot_projects, minlength=len(self.projects)).astype(np.int64)

    def points(self) -> IntArray:
        """Total points each project received (``score``); approvals when no points."""
        if self.ballot_points is None:
            return self.approvals()
        return _sum_by(self.ballot_projects, self.ballot_points, len(self.projects))


def _sum_by(keys: IntArray, values: IntArray, size: int) -> IntArray:
    """Exact integer sums of ``values`` grouped by ``keys`` (no float weights)."""
    out = np.zeros(size, dtype=np.int64)
    np.add.at(out, keys, values)
    return out


_EXPONENT = re.compile(r"[eE]\s*([+-]?\d+)")


def exact_number(text: str) -> Fraction:
    """``Fraction(text)``, but an exponent past ±1000 is a ValueError: ``1e999999999``
    would have Python work out a number of a billion digits, for minutes.

    >>> exact_number("2.5e3"), exact_number("1/4")
    (Fraction(2500, 1), Fraction(1, 4))
    >>> exact_number("1e999999999")
    Traceback (most recent call last):
    ...
    ValueError: exponent out of range: '1e999999999'
    """
    found = _EXPONENT.search(text)
    if found is not None and abs(int(found[1])) > 1000:
        raise ValueError(f"exponent out of range: {text!r}")
    return Fraction(text)


def _whole(text: str, what: str, line: int, path: str | None) -> int:
    """A whole number, allowing a redundant ``.0`` as some exports write."""
    try:
        value = exact_number(text.strip())
    except (ValueError, ZeroDivisionError):  # also past int()'s 4300 digits
        shown = repr(text) if len(text) <= 40 else repr(text[:40]) + "…"
        raise FileFormatError(f"{what} {shown} is not a number", path=path, line=line) from None
    if value.denominator != 1:
        raise FileFormatError(f"{what} {text!r} is not a whole number", path=path, line=line)
    return value.numerator


def parse_pabulib(text: str, *, path: str | None = None) -> PBInstance:
    """Parse the text of a pabulib file (``path`` only names it in error messages)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    section = ""
    header: list[str] | None = None
    meta: dict[str, str] = {}
    projects: list[PBProject] = []
    index: dict[str, int] = {}
    raw_votes: list[tuple[int, str, str, str | None]] = []
    seen_sections: set[str] = set()
    vote_col = points_col = -1
    for row in reader:
        line = reader.line_num
        if not row or all(not cell.strip() for cell in row):
            continue
        first = row[0].strip()
        if len(row) == 1 and first.upper() in ("META", "PROJECTS", "VOTES"):
            section = first.upper()
            if section in seen_sections:
                raise FileFormatError(f"section {section} appears twice", path=path, line=line)
            seen_sections.add(section)
            header = None
            continue
        if not section:
            raise FileFormatError(
                "the file must start with a META, PROJECTS or VOTES line", path=path, line=line
            )
        if header is None:
            header = [cell.strip().lower() for cell in row]
            if section == "PROJECTS":
                for needed in ("project_id", "cost"):
                    if needed not in header:
                        raise FileFormatError(
                            f"PROJECTS header lacks the {needed!r} column", path=path, line=line
                        )
            elif section == "VOTES":
                for needed in ("voter_id", "vote"):
                    if needed not in header:
                        raise FileFormatError(
                            f"VOTES header lacks the {needed!r} column", path=path, line=line
                        )
                vote_col = header.index("vote")
                points_col = header.index("points") if "points" in header else -1
            continue
        if len(row) < len(header):
            row = row + [""] * (len(header) - len(row))
        if section == "META":
            key = first.lower()
            if len(row) < 2:
                raise FileFormatError(f"META line {first!r} has no value", path=path, line=line)
            meta[key] = row[1].strip()
        elif section == "PROJECTS":
            cells = dict(zip(header, (c.strip() for c in row), strict=False))
            pid = cells["project_id"]
            if not pid:
                raise FileFormatError("a project has an empty project_id", path=path, line=line)
            if pid in index:
                raise FileFormatError(f"project {pid!r} appears twice", path=path, line=line)
            cost = _whole(cells["cost"], f"cost of project {pid!r}", line, path)
            if cost < 0:
                raise FileFormatError(f"cost of project {pid!r} is negative", path=path, line=line)
            votes = cells.get("votes") or None
            score = cells.get("score") or None
            selected = cells.get("selected") or None
            index[pid] = len(projects)
            projects.append(
                PBProject(
                    id=pid,
                    cost=cost,
                    name=cells.get("name", ""),
                    votes=None if votes is None else _whole(votes, "votes", line, path),
                    score=None if score is None else _whole(score, "score", line, path),
                    selected=None if selected is None else selected not in ("0", "0.0"),
                    line=line,
                )
            )
        else:
            points = row[points_col] if points_col >= 0 else None
            raw_votes.append((line, first, row[vote_col], points))
    for needed in ("META", "PROJECTS", "VOTES"):
        if needed not in seen_sections:
            raise FileFormatError(f"the {needed} section is missing", path=path)
    if "budget" not in meta:
        raise FileFormatError("META has no budget", path=path)
    try:
        budget = exact_number(meta["budget"])
    except (ValueError, ZeroDivisionError):
        shown = meta["budget"][:40]
        raise FileFormatError(f"budget {shown!r} is not a number", path=path) from None
    if budget < 0:
        raise FileFormatError("the budget is negative", path=path)
    vote_type = meta.get("vote_type", "approval").lower()
    if vote_type not in VOTE_TYPES:
        raise FileFormatError(
            f"vote_type {vote_type!r} is not one of {', '.join(VOTE_TYPES)}", path=path
        )
    if vote_type in ("cumulative", "scoring") and points_col < 0:
        raise FileFormatError(f"{vote_type} ballots need a 'points' column", path=path)
    return _build(meta, projects, index, vote_type, budget, raw_votes, points_col >= 0, path)


def _build(
    meta: dict[str, str],
    projects: list[PBProject],
    index: dict[str, int],
    vote_type: str,
    budget: Fraction,
    raw_votes: list[tuple[int, str, str, str | None]],
    with_points: bool,
    path: str | None,
) -> PBInstance:
    starts = [0]
    chosen: list[int] = []
    points: list[int] = []
    total = 0  # all the points given, which every project's score is part of
    voter_ids: list[str] = []
    seen_voters: set[str] = set()
    for line, voter, vote, pts in raw_votes:
        if voter in seen_voters:
            raise FileFormatError(f"voter {voter!r} appears twice", path=path, line=line)
        seen_voters.add(voter)
        voter_ids.append(voter)
        ids = [v.strip() for v in vote.split(",")] if vote.strip() else []
        row: list[int] = []
        for pid in ids:
            j = index.get(pid)
            if j is None:
                raise FileFormatError(
                    f"voter {voter!r} voted for unknown project {pid!r}", path=path, line=line
                )
            row.append(j)
        if len(set(row)) != len(row):
            raise FileFormatError(f"voter {voter!r} names a project twice", path=path, line=line)
        chosen.extend(row)
        starts.append(len(chosen))
        if with_points:
            given = [p.strip() for p in (pts or "").split(",")] if (pts or "").strip() else []
            if len(given) != len(row):
                raise FileFormatError(
                    f"voter {voter!r} has {len(row)} projects but {len(given)} points",
                    path=path,
                    line=line,
                )
            for p in given:
                value = _whole(p, "points", line, path)
                if value < 0:
                    raise FileFormatError("points cannot be negative", path=path, line=line)
                total += value
                if total > MAX_VOTES:
                    raise FileFormatError(
                        f"points: {value} brings the points given to {total}, more than"
                        f" {MAX_VOTES}, the most a count can hold",
                        path=path,
                        line=line,
                    )
                points.append(value)
    return PBInstance(
        meta=dict(meta),
        projects=tuple(projects),
        vote_type=vote_type,
        budget=budget,
        voter_ids=tuple(voter_ids),
        ballot_start=np.asarray(starts, dtype=np.int64),
        ballot_projects=np.asarray(chosen, dtype=np.int64),
        ballot_points=np.asarray(points, dtype=np.int64) if with_points else None,
        source=path or "",
        index=dict(index),
    )
