"""Apportionment: seats in proportion to votes (party lists) or population (delegations).

One signature for every method::

    apportion(method, claims, seats, *, threshold=None, min_seats=0, tiebreak=None)

``claims`` maps each party or constituency to its votes or membership, in the order
they should be reported. Two families are implemented, with exact arithmetic
throughout (integers and :class:`fractions.Fraction`; the geometric mean of
Huntington–Hill is compared through squares, never through a square root):

* **Divisor (highest averages) methods.** Seats are handed out one at a time to the
  claim with the largest quotient ``claim / d(n)``, where ``n`` is the number of seats it
  already holds: D'Hondt/Jefferson ``d(n) = n + 1``; Sainte-Laguë/Webster
  ``d(n) = 2n + 1`` (the same seats as ``n + 1/2``); modified Sainte-Laguë ``d(0) = 1.4``,
  then ``2n + 1`` (Norway, Sweden); Adams ``d(n) = n``; Huntington–Hill
  ``d(n) = sqrt(n(n + 1))`` (the U.S. House since 1941). ``d(0) = 0`` (Adams,
  Huntington–Hill) gives every claim without a seat priority over every claim with one;
  among those, the larger claim first.
* **Largest remainder methods.** Each claim gets the whole part of ``claim / quota`` and
  the seats left over go to the largest remainders: Hare–Niemeyer (Hamilton) with
  quota ``total / seats``, Droop with quota ``floor(total / (seats + 1)) + 1``.

A ``threshold`` (a share of the total of all claims, e.g. ``Fraction(4, 100)``) leaves
every claim below it without seats. ``min_seats`` gives every remaining claim that many
seats first; a divisor method then continues its sequence from there (as the U.S. House
does: one seat per state, then seats 51..435 by priority), a largest-remainder method
apportions the rest among the same claims and adds it.

A tie for the last seat(s) is broken by ``tiebreak`` (a seeded lot, recorded in
``ties``); without a seed it raises :class:`~sovet.errors.UnresolvedTie`.

>>> apportion("dhondt", {"A": 100, "B": 80, "C": 30}, 8).seats
{'A': 4, 'B': 3, 'C': 1}
>>> apportion("sainte-lague", {"A": 100, "B": 80, "C": 30}, 8).seats
{'A': 4, 'B': 3, 'C': 1}
>>> apportion("hare", {"A": 100, "B": 80, "C": 30}, 7).seats
{'A': 3, 'B': 3, 'C': 1}
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from sovet.counting.base import Tie, TieBreak
from sovet.errors import InputError, UnresolvedTie

__all__ = ["APPORTIONMENT_METHODS", "Apportionment", "apportion"]


@dataclass(frozen=True, slots=True)
class Apportionment:
    """The seats of each claim, in the order the claims were given.

    ``ties`` lists every tie for the last seats and how it was broken (indices into
    ``names``); ``excluded`` the claims left out by the threshold; ``seed`` the lot's
    seed when a lot was drawn.
    """

    method: str
    seats: dict[str, int]
    names: tuple[str, ...]
    ties: tuple[Tie, ...] = ()
    excluded: tuple[str, ...] = ()
    quota: Fraction | None = None
    seed: int | None = None

    @property
    def total(self) -> int:
        return sum(self.seats.values())

    def to_json(self) -> dict[str, object]:
        """Stable JSON: seats by name, ties by name, the quota as an exact string."""
        return {
            "method": self.method,
            "seats": dict(self.seats),
            "total": self.total,
            "excluded": list(self.excluded),
            "quota": None if self.quota is None else str(self.quota),
            "ties": [
                {
                    "purpose": t.purpose,
                    "among": [self.names[i] for i in t.among],
                    "chosen": self.names[t.chosen],
                    "how": t.how,
                }
                for t in self.ties
            ],
            "seed": self.seed,
        }


# A divisor method's priority for a claim of ``v`` holding ``n`` seats, as a sortable key.
# (1, v) is "infinite" priority (d(n) = 0), larger claims first; (0, q) is a finite
# quotient q. Huntington–Hill's key is the square of its quotient, which orders the same.
Priority = tuple[int, Fraction]


def _dhondt(v: int, n: int) -> Priority:
    return (0, Fraction(v, n + 1))


def _sainte_lague(v: int, n: int) -> Priority:
    return (0, Fraction(v, 2 * n + 1))


def _modified_sainte_lague(v: int, n: int) -> Priority:
    return (0, Fraction(v * 5, 7) if n == 0 else Fraction(v, 2 * n + 1))


def _adams(v: int, n: int) -> Priority:
    return (1, Fraction(v)) if n == 0 else (0, Fraction(v, n))


def _huntington_hill(v: int, n: int) -> Priority:
    # v / sqrt(n(n+1)) compared exactly through its square v^2 / (n(n+1)).
    return (1, Fraction(v)) if n == 0 else (0, Fraction(v * v, n * (n + 1)))


_DIVISORS: dict[str, Callable[[int, int], Priority]] = {
    "dhondt": _dhondt,
    "sainte-lague": _sainte_lague,
    "webster": _sainte_lague,
    "modified-sainte-lague": _modified_sainte_lague,
    "adams": _adams,
    "huntington-hill": _huntington_hill,
}


def _hare_quota(total: int, seats: int) -> Fraction:
    return Fraction(total, seats)


def _droop_quota(total: int, seats: int) -> Fraction:
    return Fraction(total // (seats + 1) + 1)


_QUOTAS: dict[str, Callable[[int, int], Fraction]] = {
    "hare": _hare_quota,
    "droop": _droop_quota,
}

APPORTIONMENT_METHODS: dict[str, str] = {
    "dhondt": "D'Hondt (Jefferson): divisors 1, 2, 3, ...",
    "sainte-lague": "Sainte-Laguë: divisors 1, 3, 5, ...",
    "modified-sainte-lague": "modified Sainte-Laguë: divisors 1.4, 3, 5, ...",
    "hare": "Hare–Niemeyer (Hamilton) largest remainder, quota total/seats",
    "droop": "largest remainder with the Droop quota floor(total/(seats+1))+1",
    "huntington-hill": "Huntington–Hill (equal proportions): divisors sqrt(n(n+1))",
    "webster": "Webster: divisors n + 1/2 (the seats of Sainte-Laguë)",
    "adams": "Adams: divisors 0, 1, 2, ...",
}
"""Every apportionment method id, with a one-line description."""


def apportion(
    method: str,
    claims: Mapping[str, int],
    seats: int,
    *,
    threshold: Fraction | None = None,
    min_seats: int = 0,
    tiebreak: TieBreak | None = None,
) -> Apportionment:
    """Apportion ``seats`` among ``claims`` by ``method`` (see the module docstring).

    >>> apportion("huntington-hill", {"A": 1000, "B": 10}, 3).seats
    {'A': 2, 'B': 1}
    >>> apportion("dhondt", {"A": 60, "B": 35, "C": 5}, 4, threshold=Fraction(1, 10)).seats
    {'A': 3, 'B': 1, 'C': 0}
    """
    if method not in APPORTIONMENT_METHODS:
        known = ", ".join(APPORTIONMENT_METHODS)
        raise InputError(f"unknown apportionment method {method!r}; known: {known}")
    names = tuple(claims)
    values = []
    for name in names:
        v = claims[name]
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise InputError(f"claim of {name!r} must be a non-negative integer, not {v!r}")
        values.append(v)
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 0:
        raise InputError(f"seats must be a non-negative integer, not {seats!r}")
    if min_seats < 0:
        raise InputError(f"min-seats cannot be negative, not {min_seats}")
    if threshold is not None and not 0 <= threshold <= 1:
        raise InputError(f"threshold must be a share between 0 and 1, not {threshold}")
    tiebreak = tiebreak if tiebreak is not None else TieBreak()
    total = sum(values)
    eligible = [
        i for i, v in enumerate(values) if threshold is None or Fraction(v) >= threshold * total
    ]
    excluded = tuple(names[i] for i in range(len(names)) if i not in set(eligible))
    if min_seats * len(eligible) > seats:
        raise InputError(
            f"{len(eligible)} claims × min-seats {min_seats} exceeds the {seats} seats"
        )
    held = [0] * len(names)
    for i in eligible:
        held[i] = min_seats
    rest = seats - min_seats * len(eligible)
    ties: list[Tie] = []
    quota: Fraction | None = None
    if rest > 0:
        competing = [i for i in eligible if values[i] > 0]
        if not competing:
            raise InputError("no claim with a positive value can take the seats")
        if method in _DIVISORS:
            _by_divisors(_DIVISORS[method], values, competing, held, rest, tiebreak, ties, names)
        else:
            quota = _QUOTAS[method](sum(values[i] for i in competing), rest)
            _by_remainders(quota, values, competing, held, rest, tiebreak, ties, names)
    return Apportionment(
        method=method,
        seats={name: held[i] for i, name in enumerate(names)},
        names=names,
        ties=tuple(ties),
        excluded=excluded,
        quota=quota,
        seed=tiebreak.seed if tiebreak.draws else None,
    )


def _by_divisors(
    priority: Callable[[int, int], Priority],
    values: list[int],
    competing: list[int],
    held: list[int],
    seats: int,
    tiebreak: TieBreak,
    ties: list[Tie],
    names: tuple[str, ...],
) -> None:
    """Hand out ``seats`` one by one to the highest priority (a heap, ties grouped)."""
    heap: list[tuple[int, Fraction, int]] = []
    for i in competing:
        kind, q = priority(values[i], held[i])
        heapq.heappush(heap, (-kind, -q, i))
    left = seats
    while left > 0:
        kind, q, i = heapq.heappop(heap)
        group = [i]
        while heap and heap[0][0] == kind and heap[0][1] == q:
            group.append(heapq.heappop(heap)[2])
        if len(group) > left:
            winners = _draw(group, left, tiebreak, ties, stage=seats - left + 1, names=names)
            for j in winners:
                held[j] += 1
            return
        for j in group:
            held[j] += 1
            left -= 1
            nkind, nq = priority(values[j], held[j])
            heapq.heappush(heap, (-nkind, -nq, j))


def _by_remainders(
    quota: Fraction,
    values: list[int],
    competing: list[int],
    held: list[int],
    seats: int,
    tiebreak: TieBreak,
    ties: list[Tie],
    names: tuple[str, ...],
) -> None:
    """Whole quotas first, then the largest remainders; ties for the last seat by lot."""
    remainders: dict[int, Fraction] = {}
    given = 0
    for i in competing:
        share = values[i] / quota
        whole = share.numerator // share.denominator
        held[i] += whole
        given += whole
        remainders[i] = share - whole
    left = seats - given
    # Largest remainders first; if seats remain after every claim had one (only with
    # tiny totals under the Droop quota), another pass in the same order.
    while left > 0:
        order = sorted(remainders, key=lambda i: -remainders[i])
        while left > 0 and order:
            r = remainders[order[0]]
            group = [i for i in order if remainders[i] == r]
            order = order[len(group) :]
            if len(group) > left:
                group = _draw(group, left, tiebreak, ties, stage=seats - left + 1, names=names)
            for j in group:
                held[j] += 1
            left -= len(group)


def _draw(
    group: list[int],
    k: int,
    tiebreak: TieBreak,
    ties: list[Tie],
    *,
    stage: int,
    names: tuple[str, ...],
) -> list[int]:
    """Choose ``k`` of the tied ``group`` by lot, recording each draw."""
    chosen: list[int] = []
    pool = sorted(group)
    if tiebreak.seed is None:
        tied = ", ".join(names[i] for i in pool)
        raise UnresolvedTie(f"{tied} tie for the last {k} seat(s); a lot is needed: give a seed")
    for _ in range(k):
        pick = tiebreak.choose(pool, purpose="give a seat")
        ties.append(
            Tie(stage=stage, purpose="give a seat", among=tuple(pool), chosen=pick, how="lot")
        )
        chosen.append(pick)
        pool.remove(pick)
    return chosen
