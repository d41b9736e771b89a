"""What every counting method shares: the profile it reads and the result it returns.

One signature for every method::

    def count(profile: Profile, seats: int, *, tiebreak: TieBreak) -> Result

A :class:`Profile` holds ballots as integer arrays (so a million ballots fit in a few
megabytes and methods can vectorise over them); candidates are referred to by index
and named only in the result. Arithmetic on votes is exact: integers, fixed-point
integers, or :class:`fractions.Fraction`; never a float.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from sovet.errors import InputError, UnresolvedTie

__all__ = [
    "MAX_VOTES",
    "Method",
    "Profile",
    "Result",
    "Round",
    "Tie",
    "TieBreak",
    "check_weights",
    "format_value",
]

Value = Fraction
MAX_VOTES = int(np.iinfo(np.int64).max)
"""The most votes a profile may hold in all (2^63 - 1). Every tally is a sum of ballot
weights, so none can pass this and wrap round the 64-bit integers the methods count in;
a method that multiplies votes (Borda's points, fixed-point STV) checks for itself."""
IntArray = npt.NDArray[np.int64]
RankArray = npt.NDArray[np.int16]


@dataclass(frozen=True, slots=True, eq=False)
class Profile:
    """Ballots over ``candidates``.

    ``rankings`` is an ``(n, k)`` int16 array: row i is ballot i's preferences, most
    preferred first, as candidate indices, padded with -1. ``weights[i]`` is how many
    voters cast ballot i (identical ballots may be merged). For approval and
    participatory ballots, a row lists the approved candidates in any order and
    ``approval`` is True. ``withdrawn`` candidates stay on the papers but cannot be
    elected (BLT's negative first line).
    """

    candidates: tuple[str, ...]
    rankings: RankArray
    weights: IntArray
    withdrawn: frozenset[int] = frozenset()
    approval: bool = False
    title: str = ""

    def __post_init__(self) -> None:
        if self.rankings.ndim != 2:
            raise InputError("rankings must be a two-dimensional array")
        if self.rankings.shape[0] != self.weights.shape[0]:
            raise InputError("one weight per ballot is needed")
        if len(set(self.candidates)) != len(self.candidates):
            raise InputError("candidate names must be distinct")
        check_weights(self.weights)

    @classmethod
    def from_rankings(
        cls,
        candidates: Sequence[str],
        ballots: Iterable[Sequence[str] | tuple[Sequence[str], int]],
        *,
        approval: bool = False,
        withdrawn: Iterable[str] = (),
        title: str = "",
    ) -> Profile:
        """Build a profile from ballots given by name.

        Each ballot is a sequence of names (most preferred first), or a pair
        ``(names, weight)``.

        >>> p = Profile.from_rankings(["A", "B"], [["A", "B"], (["B"], 2)])
        >>> p.total_weight
        3
        """
        names = tuple(candidates)
        index = {name: i for i, name in enumerate(names)}
        rows: list[list[int]] = []
        weights: list[int] = []
        for ballot in ballots:
            if isinstance(ballot, tuple) and len(ballot) == 2 and isinstance(ballot[1], int):
                prefs, weight = ballot
            else:
                prefs, weight = ballot, 1
            row: list[int] = []
            for name in prefs:
                if name not in index:
                    raise InputError(f"ballot names an unknown candidate {name!r}")
                if index[name] in row:
                    raise InputError(f"ballot names {name!r} twice")
                row.append(index[name])
            if weight < 0:
                raise InputError("a ballot weight cannot be negative")
            if weight > MAX_VOTES:
                raise InputError(f"a ballot weight of {weight} is more than {MAX_VOTES} votes")
            rows.append(row)
            weights.append(weight)
        width = max((len(r) for r in rows), default=0)
        array = np.full((len(rows), width), -1, dtype=np.int16)
        for i, row in enumerate(rows):
            array[i, : len(row)] = row
        return cls(
            candidates=names,
            rankings=array,
            weights=np.asarray(weights, dtype=np.int64),
            withdrawn=frozenset(index[w] for w in withdrawn),
            approval=approval,
            title=title,
        )

    @property
    def total_weight(self) -> int:
        return int(self.weights.sum())

    def ballots_by_name(self) -> list[tuple[tuple[str, ...], int]]:
        """The ballots as names and weights, in stored order (for small profiles)."""
        out = []
        for row, weight in zip(self.rankings.tolist(), self.weights.tolist(), strict=True):
            out.append((tuple(self.candidates[c] for c in row if c >= 0), int(weight)))
        return out


def check_weights(weights: IntArray) -> None:
    """Raise :class:`InputError` unless ``weights`` are whole numbers, none negative, that
    add up to at most :data:`MAX_VOTES`.

    >>> check_weights(np.array([MAX_VOTES - 1, 1]))
    >>> check_weights(np.array([2**62, 2**62]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sovet.errors.InputError: the ballots carry 9223372036854775808 votes in all, more than ...
    """
    if weights.dtype.kind not in "iu":
        raise InputError(f"ballot weights must be whole numbers, not {weights.dtype}")
    if weights.size == 0:
        return
    low, high = int(weights.min()), int(weights.max())
    if low < 0:
        raise InputError(f"a ballot weight cannot be negative ({low})")
    if high * weights.size <= MAX_VOTES:
        return  # no sum of these can overflow
    total = sum(weights.tolist())  # exact, in Python integers
    if total > MAX_VOTES:
        raise InputError(
            f"the ballots carry {total} votes in all, more than the {MAX_VOTES}"
            " a count can hold exactly"
        )


@dataclass(frozen=True, slots=True)
class Tie:
    """A tie met during a count, and how it was broken."""

    stage: int
    purpose: str
    among: tuple[int, ...]
    chosen: int
    how: str  # "earlier-stage", "lot", "order", ...


@dataclass(slots=True)
class TieBreak:
    """Breaks ties by a seeded lot; the seed is part of the result.

    With ``seed=None`` a tie that needs a lot raises :class:`UnresolvedTie`.

    >>> TieBreak(seed=7).choose([3, 5, 9], purpose="exclude") in (3, 5, 9)
    True
    """

    seed: int | None = None
    draws: list[tuple[str, tuple[int, ...], int]] = field(default_factory=list)

    def choose(self, among: Sequence[int], *, purpose: str) -> int:
        options = tuple(sorted(among))
        if len(options) == 1:
            return options[0]
        if self.seed is None:
            raise UnresolvedTie(
                f"tie to {purpose} among candidates {list(options)} needs a lot; give a seed"
            )
        rng = random.Random(f"{self.seed}:{len(self.draws)}:{purpose}:{options}")
        chosen = rng.choice(options)
        self.draws.append((purpose, options, chosen))
        return chosen


@dataclass(frozen=True, slots=True)
class Round:
    """One stage of a count.

    ``tallies`` are each continuing (or elected) candidate's votes at the end of the
    stage; ``transfers`` the change this stage made; ``nontransferable`` the papers
    (or value) exhausted so far. Empty mappings where a method has no such notion.
    """

    number: int
    tallies: Mapping[int, Value]
    elected: tuple[int, ...] = ()
    excluded: tuple[int, ...] = ()
    transfers: Mapping[int, Value] = field(default_factory=dict)
    nontransferable: Value = Fraction(0)
    note: str = ""
    quota: Value | None = None  # when the quota changes from stage to stage (Meek)
    keep_values: Mapping[int, Value] = field(default_factory=dict)  # Meek keep values


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of a count, with everything needed to explain it."""

    method: str
    seats: int
    candidates: tuple[str, ...]
    elected: tuple[int, ...]
    excluded: tuple[int, ...] = ()
    quota: Value | None = None
    rounds: tuple[Round, ...] = ()
    ties: tuple[Tie, ...] = ()
    seed: int | None = None
    decimals: int | None = None
    scores: Mapping[int, Value] = field(default_factory=dict)
    valid_votes: Value | None = None

    @property
    def elected_names(self) -> tuple[str, ...]:
        return tuple(self.candidates[i] for i in self.elected)

    @property
    def excluded_names(self) -> tuple[str, ...]:
        return tuple(self.candidates[i] for i in self.excluded)

    def to_json(self) -> dict[str, object]:
        """The stable JSON form: names as given, vote values as decimal strings."""

        def named(values: Mapping[int, Value]) -> dict[str, str]:
            return {self.candidates[i]: format_value(v, self.decimals) for i, v in values.items()}

        return {
            "method": self.method,
            "seats": self.seats,
            "candidates": list(self.candidates),
            "elected": list(self.elected_names),
            "excluded": list(self.excluded_names),
            "quota": None if self.quota is None else format_value(self.quota, self.decimals),
            "valid_votes": None
            if self.valid_votes is None
            else format_value(self.valid_votes, self.decimals),
            "scores": named(self.scores),
            "rounds": [
                {
                    "number": r.number,
                    "tallies": named(r.tallies),
                    "transfers": named(r.transfers),
                    "nontransferable": format_value(r.nontransferable, self.decimals),
                    "elected": [self.candidates[i] for i in r.elected],
                    "excluded": [self.candidates[i] for i in r.excluded],
                    "note": r.note,
                    **({} if r.quota is None else {"quota": format_value(r.quota, self.decimals)}),
                    **({"keep_values": named(r.keep_values)} if r.keep_values else {}),
                }
                for r in self.rounds
            ],
            "ties": [
                {
                    "stage": t.stage,
                    "purpose": t.purpose,
                    "among": [self.candidates[i] for i in t.among],
                    "chosen": self.candidates[t.chosen],
                    "how": t.how,
                }
                for t in self.ties
            ],
            "seed": self.seed,
        }


def format_value(value: Value | int, decimals: int | None = None) -> str:
    """An exact decimal string for a vote value.

    With ``decimals`` the value is truncated to that many places (values under
    fixed-point rules are already exact there); without, a non-terminating
    fraction is shown to 9 places.

    >>> format_value(Fraction(5, 2))
    '2.5'
    >>> format_value(Fraction(1234567, 100000), 5)
    '12.34567'
    >>> format_value(7)
    '7'
    """
    v = Fraction(value)
    if v.denominator == 1:
        return str(v.numerator)
    places = decimals if decimals is not None else 9
    sign = "-" if v < 0 else ""
    v = abs(v)
    scaled = v.numerator * 10**places // v.denominator
    whole, frac = divmod(scaled, 10**places)
    digits = (
        str(frac).rjust(places, "0").rstrip("0")
        if decimals is None
        else str(frac).rjust(places, "0")
    )
    return f"{sign}{whole}.{digits}" if digits else f"{sign}{whole}"


Method = Callable[[Profile, int], Result]
"""Every method: ``method(profile, seats, *, tiebreak=TieBreak()) -> Result``."""
