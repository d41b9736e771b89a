"""Meek STV by the New Zealand method of counting single transferable votes.

The rules are Schedule 1A, Part 1 (multi-member vacancies) of the Local Electoral
Regulations 2001 (New Zealand), the "STV calculator" rules used by New Zealand
councils and district health boards under the Local Electoral Act 2001. They are
Meek's method (Hill, Wichmann and Woodall, *Algorithm 123*, 1987) in fixed-point
arithmetic with 9 decimal places:

* **Quota** (clauses 5 and 11): ``q = (v - vnt) / (n + 1) + 0.000000001``, truncated
  to 9 decimal places, where ``v`` is the number of valid voting documents, ``vnt``
  the non-transferable votes and ``n`` the number of vacancies. It is recomputed
  at every iteration from the votes that are still active.
* **Keep values** (clauses 7 and 17): a hopeful candidate keeps 1, an excluded one
  0, a successful one ``kc = q * kc / vc``, where the product ``q * kc`` is rounded
  up to 9 places and so is the quotient.
* **Votes** (clause 10): a voting document gives its m-th preference
  ``v * (1 - k1) * ... * (1 - k[m-1]) * km``, every multiplication taken to 9
  places and rounded up if not exact; what is left after the last preference is
  non-transferable.
* **Successful** (clauses 6 and 12): a hopeful candidate whose votes equal or
  exceed the quota.
* **Exclusion** (clause 13): the hopeful candidate with the fewest votes is
  excluded when those votes plus the total surplus are less than the votes of
  every other hopeful candidate, or when the total surplus is less than 0.0001.
  One candidate at a time: the rules have no bulk exclusion.
* **Ties** (clauses 19 and 40): among candidates tied for exclusion, the one(s)
  with fewer votes at the earliest step at which they differed ("ahead at first
  difference"); if that leaves more than one, a lot. The lot is drawn by the
  :class:`~sovet.counting.base.TieBreak` passed in, whose seed is recorded, in
  place of the rules' own pseudo-random numbers (Part 5).
* **End** (clause 3): counting is complete when the successful candidates fill the
  vacancies, or when successful and hopeful candidates together are as many as
  the vacancies (the hopeful ones are then elected).

Two points the rules leave open are settled here and listed in ``docs/meek.md``:
if the keep values come back to a set already used since the last election or
exclusion, the iteration can make no further progress at 9 decimal places and the
count proceeds as if the total surplus were below 0.0001; and if more hopeful
candidates reach the quota at once than there are vacancies left (possible only
through rounding), those with the most votes are successful, ties by lot.

Every iteration is one :class:`~sovet.counting.base.Round` with the votes, the
quota of that iteration, the keep values and the non-transferable votes.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from sovet.counting.base import Profile, Result, Round, Tie, TieBreak
from sovet.errors import CountingError, InputError

__all__ = ["DECIMALS", "SURPLUS_LIMIT", "count_meek"]

DECIMALS = 9
"""Places of the fixed-point arithmetic (clause 5: "9 decimal digits after the point")."""

_ONE: int = 10**DECIMALS
SURPLUS_LIMIT = Fraction(1, 10_000)
"""Clause 13: exclude the lowest hopeful candidate once the total surplus is below this."""
_LIMIT = _ONE // 10_000

_EXCLUDED, _SUCCESSFUL, _HOPEFUL = 0, 1, 2
_MAX_ITERATIONS = 1_000_000

I64 = npt.NDArray[np.int64]


def _ceil_div(a: int, b: int) -> int:
    return -((-a) // b)


def _value(units: int) -> Fraction:
    return Fraction(units, _ONE)


class _Patterns:
    """The ballots reduced to what the current statuses make of them.

    With every candidate hopeful (keep value 1), excluded (0) or successful, a
    voting document's value runs through the successful candidates it ranks and
    stops whole at the first hopeful one. Ballots with the same successful
    candidates in the same order before the same hopeful candidate therefore get
    the same values, so they are counted as one pattern with their total weight.
    ``chain[i]`` lists pattern i's successful candidates (-1 padded), ``last[i]``
    its hopeful candidate or -1 when the document is exhausted. Rebuilt from all
    ballots at each change; :class:`_Walk` does the same faster when it can.
    """

    def __init__(self, rankings: npt.NDArray[np.int16], weights: I64, status: list[int]) -> None:
        n, width = rankings.shape
        depth = status.count(_SUCCESSFUL)
        table = np.asarray([*status, -1], dtype=np.int8)  # index -1 -> padding
        # Walk the preferences, following only the ballots still running.
        matrix = np.full((n, depth + 1), -1, dtype=np.int64)
        filled = np.zeros(n, dtype=np.int64)
        active = np.arange(n)
        for j in range(width):
            if not active.size:
                break
            cand = rankings[active, j].astype(np.int64)
            st = table[cand]
            hope = st == _HOPEFUL
            matrix[active[hope], depth] = cand[hope]
            succ = st == _SUCCESSFUL
            if depth and succ.any():
                rows = active[succ]
                matrix[rows, filled[rows]] = cand[succ]
                filled[rows] += 1
            active = active[succ | (st == _EXCLUDED)]
        unique_rows, inverse = np.unique(matrix, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        order = np.argsort(inverse, kind="stable")
        starts = np.flatnonzero(np.diff(inverse[order], prepend=-1))
        self.weight: I64 = np.add.reduceat(weights[order], starts) if n else weights[:0]
        self.chain: I64 = unique_rows[:, :depth]
        self.last: I64 = unique_rows[:, depth]

    def distribute(self, keep: Sequence[int], ncand: int) -> tuple[list[int], int]:
        return _distribute(self.chain, self.last, self.weight, keep, ncand)


def _distribute(
    chain: I64, last: I64, weight: I64, keep: Sequence[int], ncand: int
) -> tuple[list[int], int]:
    """Clause 10: each candidate's votes and the non-transferable votes, in units."""
    kv = np.asarray([*keep, 0], dtype=np.int64)  # index -1 -> no candidate
    votes = np.zeros(ncand + 1, dtype=np.int64)
    remain = np.full(len(weight), _ONE, dtype=np.int64)
    for j in range(chain.shape[1]):
        cand = chain[:, j]
        k = kv[cand]
        kept = (remain * k + (_ONE - 1)) // _ONE  # rounded up
        np.add.at(votes, cand, kept * weight)
        remain = np.where(cand >= 0, (remain * (_ONE - k) + (_ONE - 1)) // _ONE, remain)
    np.add.at(votes, last, remain * weight)
    exhausted = int((remain * weight)[last < 0].sum())
    return [int(x) for x in votes[:ncand]], exhausted


class _Walk:
    """The same patterns as :class:`_Patterns`, kept up to date ballot by ballot.

    Each ballot remembers where it stopped (the column of its hopeful candidate),
    the successful candidates before it (as a number in base ``ncand + 1``) and the
    hopeful candidate. When candidates become successful or are excluded, only the
    ballots stopped at them walk on; the pattern weights are adjusted for those.
    Used when a pattern fits in 62 bits (``(ncand + 1) ** (seats + 1)``).
    """

    def __init__(self, rankings: npt.NDArray[np.int16], weights: I64, status: list[int]) -> None:
        n = rankings.shape[0]
        self.rankings = rankings
        self.weights = weights
        self.base = len(status) + 1
        self.pos = np.zeros(n, dtype=np.int64)
        self.prefix = np.zeros(n, dtype=np.int64)
        self.stop = np.full(n, -1, dtype=np.int64)
        self.groups: dict[int, int] = {}
        rows = np.arange(n)
        self._walk(rows, status)
        self._add(rows, +1)
        self._arrays(len(status))

    @staticmethod
    def fits(ncand: int, seats: int) -> bool:
        """Whether a pattern fits in 62 bits; never raises a huge power (a file may ask
        for 10^11 seats: ``(ncand + 1) ** (seats + 1)`` would not finish).

        >>> _Walk.fits(10, 5), _Walk.fits(10, 99_999_999_999)
        (True, False)
        """
        return seats + 1 < 62 and (ncand + 1) ** (seats + 1) < 2**62

    def _keys(self, rows: I64) -> I64:
        keys: I64 = self.prefix[rows] * self.base + (self.stop[rows] + 1)
        return keys

    def _add(self, rows: I64, sign: int) -> None:
        if not rows.size:
            return
        keys, inverse = np.unique(self._keys(rows), return_inverse=True)
        sums = np.zeros(len(keys), dtype=np.int64)
        np.add.at(sums, inverse.reshape(-1), self.weights[rows])
        for key, total in zip(keys.tolist(), sums.tolist(), strict=True):
            left = self.groups.get(key, 0) + sign * total
            if left:
                self.groups[key] = left
            else:
                self.groups.pop(key, None)

    def _walk(self, rows: I64, status: list[int]) -> None:
        table = np.asarray([*status, -1], dtype=np.int8)  # index -1 -> padding
        width = self.rankings.shape[1]
        active = rows
        while active.size:
            at = self.pos[active]
            inside = at < width
            self.stop[active[~inside]] = -1
            active, at = active[inside], at[inside]
            cand = self.rankings[active, at].astype(np.int64)
            st = table[cand]
            hope = st == _HOPEFUL
            self.stop[active[hope]] = cand[hope]
            self.stop[active[st == -1]] = -1
            succ = st == _SUCCESSFUL
            moving = active[succ]
            self.prefix[moving] = self.prefix[moving] * self.base + cand[succ] + 1
            onward = succ | (st == _EXCLUDED)
            active = active[onward]
            self.pos[active] += 1

    def update(self, changed: Sequence[int], status: list[int]) -> None:
        """Candidates in ``changed`` became successful or were excluded."""
        rows = np.flatnonzero(np.isin(self.stop, np.asarray(changed, dtype=np.int64)))
        self._add(rows, -1)
        was = self.stop[rows]
        table = np.asarray(status, dtype=np.int8)
        succ = table[was] == _SUCCESSFUL
        self.prefix[rows[succ]] = self.prefix[rows[succ]] * self.base + was[succ] + 1
        self.pos[rows] += 1
        self._walk(rows, status)
        self._add(rows, +1)
        self._arrays(len(status))

    def _arrays(self, ncand: int) -> None:
        keys = np.asarray(sorted(self.groups), dtype=np.int64)
        self.weight: I64 = np.asarray([self.groups[k] for k in keys.tolist()], dtype=np.int64)
        self.last: I64 = keys % self.base - 1
        prefix = keys // self.base
        digits: list[I64] = []
        while prefix.size and prefix.any():
            digits.append(prefix % self.base - 1)
            prefix = prefix // self.base
        chain = np.full((len(keys), len(digits)), -1, dtype=np.int64)
        for j, column in enumerate(reversed(digits)):
            chain[:, j] = column
        # left-align: shorter chains have leading -1 (a zero digit); move them left
        order = np.argsort(chain < 0, axis=1, kind="stable")
        self.chain: I64 = np.take_along_axis(chain, order, axis=1)

    def distribute(self, keep: Sequence[int], ncand: int) -> tuple[list[int], int]:
        return _distribute(self.chain, self.last, self.weight, keep, ncand)


def count_meek(profile: Profile, seats: int, *, tiebreak: TieBreak | None = None) -> Result:
    """Count ``profile`` by Meek STV under the New Zealand rules (Schedule 1A).

    Values are exact fixed-point numbers with 9 decimal places, rounded as the
    rules say; see the module docstring for each clause.

    >>> p = Profile.from_rankings(["Castor", "Pollux", "Helen"],
    ...                           [(["Castor", "Pollux"], 4), (["Helen"], 2)])
    >>> r = count_meek(p, 2)
    >>> r.elected_names, str(r.rounds[1].tallies[1])
    (('Castor', 'Helen'), '499999999/250000000')
    """
    tiebreak = tiebreak if tiebreak is not None else TieBreak()
    if profile.approval:
        raise InputError("meek-stv needs ranked ballots, not approval ballots")
    if seats < 1:
        raise InputError(f"seats must be at least 1, not {seats}")
    ncand = len(profile.candidates)
    weights = profile.weights.astype(np.int64)
    if (weights < 0).any():
        raise InputError("a ballot weight cannot be negative")
    rankings = profile.rankings
    if rankings.size and (int(rankings.max()) >= ncand or int(rankings.min()) < -1):
        raise InputError("a ballot names a candidate that does not exist")
    used = (
        (weights > 0) & (rankings[:, 0] >= 0)
        if rankings.shape[1]
        else np.zeros(len(weights), dtype=bool)
    )
    rankings, weights = rankings[used], weights[used]
    valid: int = int(weights.sum())
    if valid * _ONE >= 2**62:
        raise CountingError(f"{valid} ballots are more than this count can hold exactly")

    status = [_HOPEFUL] * ncand
    for c in profile.withdrawn:
        status[c] = _EXCLUDED
    keep = [_ONE if s == _HOPEFUL else 0 for s in status]
    elected: list[int] = []
    excluded: list[int] = []
    ties: list[Tie] = []
    rounds: list[Round] = []
    history: list[list[int]] = []  # every step's votes, for clause 19

    def quota_of(exhausted: int) -> int:  # clauses 5 and 11
        return (valid * _ONE - exhausted) // (seats + 1) + 1

    def hopeful() -> list[int]:
        return [c for c in range(ncand) if status[c] == _HOPEFUL]

    def by_votes(cands: list[int], votes: list[int]) -> list[int]:
        return sorted(cands, key=lambda c: (-votes[c], c))

    def elect_reaching(votes: list[int], quota: int, stage: int) -> list[int]:
        """Clauses 6 and 12: hopeful candidates at or above the quota."""
        reaching = by_votes([c for c in hopeful() if votes[c] >= quota], votes)
        room = seats - len(elected)
        if len(reaching) > room:
            reaching = _most_votes(reaching, votes, room, stage, tiebreak, ties)
        for c in reaching:
            status[c] = _SUCCESSFUL
            elected.append(c)
        return reaching

    def record(
        stage: int,
        votes: list[int],
        exhausted: int,
        quota: int,
        new_elected: Sequence[int],
        new_excluded: Sequence[int],
        note: str,
    ) -> None:
        shown = [c for c in range(ncand) if status[c] != _EXCLUDED or c in new_excluded]
        before = history[-2] if len(history) > 1 else None
        kv = {c: _value(keep[c]) for c in elected if c not in new_elected}
        kv_text = ", ".join(f"{profile.candidates[c]} {_fixed(keep[c])}" for c in kv)
        rounds.append(
            Round(
                number=stage,
                tallies={c: _value(votes[c]) for c in shown},
                elected=tuple(new_elected),
                excluded=tuple(new_excluded),
                transfers={}
                if before is None
                else {c: _value(votes[c] - before[c]) for c in shown if votes[c] != before[c]},
                nontransferable=_value(exhausted),
                note=f"quota {_fixed(quota)}"
                + (f"; keep values {kv_text}" if kv else "")
                + (f"; {note}" if note else ""),
                quota=_value(quota),
                keep_values=kv,
            )
        )

    # Step 1: first preferences.
    walk = _Walk(rankings, weights, status) if _Walk.fits(ncand, seats) else None
    patterns: _Walk | _Patterns = walk or _Patterns(rankings, weights, status)
    votes, exhausted = patterns.distribute(keep, ncand)
    quota = quota_of(exhausted)
    history.append(votes)
    stage = 1
    new = elect_reaching(votes, quota, stage) if len(elected) < seats else []
    record(stage, votes, exhausted, quota, new, (), "first preferences")
    if new:
        patterns = _refresh(walk, new, rankings, weights, status)
    seen: set[tuple[int, ...]] = set()

    while len(elected) < seats:
        left = hopeful()
        if len(elected) + len(left) <= seats:  # clause 3
            rest = by_votes(left, votes)
            for c in rest:
                status[c] = _SUCCESSFUL
                elected.append(c)
            if rest and rounds:
                last = rounds[-1]
                rounds[-1] = _with_elected(last, rest, "the remaining hopeful candidates fill")
            break
        stage += 1
        if stage > _MAX_ITERATIONS:
            raise CountingError("the count did not settle; this should not happen")
        # Clauses 7 and 17: keep values of successful candidates.
        for c in range(ncand):
            if status[c] == _SUCCESSFUL:
                kept = _ceil_div(quota * keep[c], _ONE)
                keep[c] = min(_ONE, _ceil_div(kept * _ONE, votes[c]))
        state = tuple(keep)
        stalled = state in seen
        seen.add(state)
        votes, exhausted = patterns.distribute(keep, ncand)  # clause 10
        quota = quota_of(exhausted)  # clause 11
        history.append(votes)
        new = elect_reaching(votes, quota, stage)  # clause 12
        gone: list[int] = []
        note = ""
        if len(elected) < seats:
            surplus = sum(max(0, votes[c] - quota) for c in elected)
            left = by_votes(hopeful(), votes)
            if len(elected) + len(left) > seats:
                lowest = [c for c in left if votes[c] == votes[left[-1]]]
                others = [c for c in left if votes[c] > votes[left[-1]]]
                sure = (
                    len(lowest) == 1
                    and bool(others)
                    and (votes[lowest[0]] + surplus < min(votes[c] for c in others))
                )
                if sure or surplus < _LIMIT or stalled:
                    loser = _lowest(lowest, history, stage, tiebreak, ties)
                    status[loser] = _EXCLUDED
                    keep[loser] = 0
                    excluded.append(loser)
                    gone.append(loser)
                    if sure:
                        note = "excluded: cannot overtake the next hopeful candidate"
                    elif surplus < _LIMIT:
                        note = "excluded: total surplus below 0.0001"
                    else:
                        note = "excluded: keep values repeat, the surplus cannot fall further"
        record(stage, votes, exhausted, quota, new, gone, note)
        if new or gone:
            patterns = _refresh(walk, [*new, *gone], rankings, weights, status)
            seen = set()

    return Result(
        method="meek-stv",
        seats=seats,
        candidates=profile.candidates,
        elected=tuple(elected),
        excluded=tuple(excluded),
        quota=_value(quota),
        rounds=tuple(rounds),
        ties=tuple(ties),
        seed=tiebreak.seed,
        decimals=DECIMALS,
        scores={c: _value(votes[c]) for c in range(ncand) if status[c] != _EXCLUDED},
        valid_votes=Fraction(valid),
    )


def _refresh(
    walk: _Walk | None,
    changed: Sequence[int],
    rankings: npt.NDArray[np.int16],
    weights: I64,
    status: list[int],
) -> _Walk | _Patterns:
    if walk is None:
        return _Patterns(rankings, weights, status)
    walk.update(changed, status)
    return walk


def _fixed(units: int) -> str:
    whole, frac = divmod(units, _ONE)
    return f"{whole}.{frac:0{DECIMALS}d}"


def _with_elected(last: Round, rest: Sequence[int], why: str) -> Round:
    note = f"{last.note}; {why} the vacancies" if last.note else why
    return Round(
        number=last.number,
        tallies=last.tallies,
        elected=(*last.elected, *rest),
        excluded=last.excluded,
        transfers=last.transfers,
        nontransferable=last.nontransferable,
        note=note,
        quota=last.quota,
        keep_values=last.keep_values,
    )


def _lowest(
    tied: list[int],
    history: Sequence[Sequence[int]],
    stage: int,
    tiebreak: TieBreak,
    ties: list[Tie],
) -> int:
    """Clauses 19 and 40: the candidate to exclude among those with the fewest votes.

    Ahead at first difference: at the earliest step at which the tied candidates
    had different votes, those who had no more votes than another tied candidate
    remain; one left is excluded, several go to the lot.
    """
    if len(tied) == 1:
        return tied[0]
    among = tuple(sorted(tied))
    for votes in history:
        values = {votes[c] for c in tied}
        if len(values) > 1:
            low = min(values)
            behind = [c for c in tied if votes[c] == low]
            if len(behind) == 1:
                ties.append(Tie(stage, "exclude", among, behind[0], "earlier-stage"))
                return behind[0]
            tied = behind
            break
    chosen = tiebreak.choose(tied, purpose="exclude")
    ties.append(Tie(stage, "exclude", among, chosen, "lot"))
    return chosen


def _most_votes(
    reaching: list[int],
    votes: Sequence[int],
    room: int,
    stage: int,
    tiebreak: TieBreak,
    ties: list[Tie],
) -> list[int]:
    """More candidates reach the quota than vacancies remain: those with most votes."""
    boundary = votes[reaching[room - 1]]  # ``reaching`` is sorted by votes, most first
    sure = [c for c in reaching if votes[c] > boundary]
    pool = [c for c in reaching if votes[c] == boundary]
    while len(sure) < room:
        pick = tiebreak.choose(pool, purpose="elect")
        ties.append(Tie(stage, "elect", tuple(sorted(pool)), pick, "lot"))
        sure.append(pick)
        pool.remove(pick)
    return sure
