"""Single transferable vote as counted in Scottish council elections.

The rules are those of the Scottish Local Government Elections Order 2007
(SSI 2007/42, schedule 1, rules 45 to 52; the same count is kept in the 2011
Order that replaced it):

* **Quota** (rule 46): the number of valid papers divided by one more than the
  number of seats, fractions ignored, plus one.
* **Election** (rule 47): a candidate whose votes equal or exceed the quota is
  elected.
* **Surplus** (rule 48): every paper the elected candidate holds is passed on to
  its next continuing preference (the *inclusive* method) at the value
  ``surplus × value of the paper ÷ the candidate's total``, calculated to five
  decimal places with any remainder ignored (the *weighted* Gregory method).
  Papers with no further continuing preference are non-transferable; the value
  lost by truncation goes with them. The candidate keeps exactly the quota.
* **Order of surpluses** (rule 49): the largest surplus first; equal surpluses
  by the totals at the end of the most recent preceding stage at which the
  candidates had unequal votes (the higher first), and by lot if they never did.
* **Exclusion** (rules 50 and 51): when no surplus remains, the continuing
  candidate with the fewest votes is excluded and every paper is passed on at the
  value it has. Equal lowest candidates are separated by the most recent
  preceding stage at which they had unequal votes (the lower is excluded), then
  by lot.
* **Last vacancies** (rule 52): when the continuing candidates are no more than
  the vacancies, they are all elected and no further transfer is made.

Candidates elected at the same stage are listed highest vote first. Ties are
recorded in :attr:`Result.ties` with how they were broken (``"earlier-stage"``
or ``"lot"``).

Every value is held as an integer count of 1/100000 of a vote, so the arithmetic
is exact and equal to the declared figures to the fifth decimal.

The count is vectorised over ballots: each ballot keeps a pointer to its current
preference and its current value; a stage touches only the ballots of the one
candidate whose papers move.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from sovet.counting.base import Profile, Result, Round, Tie, TieBreak
from sovet.errors import InputError

__all__ = ["DECIMALS", "SCALE", "count_scottish_stv", "droop_quota"]

DECIMALS = 5
SCALE = 10**DECIMALS
"""Values are integers in units of 1/SCALE of a vote (five decimal places)."""

_I64 = npt.NDArray[np.int64]
_MAX_SAFE = np.iinfo(np.int64).max


def droop_quota(valid: int, seats: int) -> int:
    """The Droop quota of rule 46: ``valid // (seats + 1) + 1``.

    >>> droop_quota(5176, 4)
    1036
    """
    return valid // (seats + 1) + 1


class _Ballots:
    """Where each ballot is in the count: its current preference and value."""

    def __init__(self, profile: Profile, *, value: int = SCALE) -> None:
        rankings = profile.rankings
        n, width = rankings.shape
        self.ncand = len(profile.candidates)
        if rankings.size and (int(rankings.min()) < -1 or int(rankings.max()) >= self.ncand):
            raise InputError(f"a ranking names a candidate outside 0..{self.ncand - 1}")
        # A column of -1 on the right stops every pointer at the end of the row.
        rows = np.full((n, width + 1), -1, dtype=np.int16)
        rows[:, :width] = rankings
        self.flat = rows.ravel()
        self.weights = profile.weights.astype(np.int64, copy=False)
        # pointer[i]: the position of ballot i's current preference in ``flat``,
        # starting just before its row.
        self.pointer = np.arange(n, dtype=np.intp) * (width + 1) - 1
        self.current = np.full(n, -1, dtype=np.int16)
        self.value = np.full(n, value, dtype=np.int64)
        # stop[c] is True where a paper may rest on c: a continuing candidate,
        # or the end of the row (index -1, the last entry).
        self.stop = np.ones(self.ncand + 1, dtype=bool)

    def set_continuing(self, continuing: npt.NDArray[np.bool_]) -> None:
        self.stop[: self.ncand] = continuing

    def holding(self, candidate: int) -> npt.NDArray[np.intp]:
        return np.flatnonzero(self.current == candidate)

    def advance(self, idx: npt.NDArray[np.intp]) -> None:
        """Move ballots ``idx`` on to their next continuing preference (or none)."""
        sel = idx
        pos = self.pointer[sel] + 1
        while sel.size:
            cand = self.flat[pos]
            rest = self.stop[cand]
            if rest.all():
                self.pointer[sel] = pos
                self.current[sel] = cand
                break
            done = sel[rest]
            self.pointer[done] = pos[rest]
            self.current[done] = cand[rest]
            keep = ~rest
            sel = sel[keep]
            pos = pos[keep] + 1

    def credit(self, idx: npt.NDArray[np.intp]) -> tuple[_I64, int]:
        """Votes the ballots ``idx`` give each candidate now, and the value exhausted."""
        out = np.zeros(self.ncand + 1, dtype=np.int64)
        np.add.at(out, self.current[idx].astype(np.intp) + 1, self.weights[idx] * self.value[idx])
        return out[1:], int(out[0])


def _reweigh(values: _I64, surplus: int, total: int) -> _I64:
    """Rule 48(3): ``surplus × value ÷ total``, truncated, on fixed-point integers."""
    if values.size == 0:
        return values
    if surplus * int(values.max()) <= _MAX_SAFE:
        return (values * surplus) // total
    levels, inverse = np.unique(values, return_inverse=True)
    new = np.array([surplus * int(v) // total for v in levels.tolist()], dtype=np.int64)
    return new[inverse]


def _recent_difference(among: Sequence[int], history: Sequence[_I64], *, lowest: bool) -> list[int]:
    """Narrow ``among`` by the most recent stage at which their totals differed."""
    group = list(among)
    for totals in reversed(history):
        if len(group) == 1:
            break
        values = [int(totals[c]) for c in group]
        target = min(values) if lowest else max(values)
        group = [c for c, v in zip(group, values, strict=True) if v == target]
    return group


def count_scottish_stv(profile: Profile, seats: int, *, tiebreak: TieBreak | None = None) -> Result:
    """Count ``profile`` for ``seats`` by Scottish STV (SSI 2007/42, schedule 1, rules 45-52).

    Values are exact to five decimal places (see the module docstring for the rules).

    >>> p = Profile.from_rankings(["A", "B", "C"], [(["A", "B"], 7), (["B"], 2), (["C"], 4)])
    >>> r = count_scottish_stv(p, 2)
    >>> r.elected_names, r.quota, [str(r.rounds[-1].tallies[i]) for i in range(3)]
    (('A', 'C'), Fraction(5, 1), ['5', '0', '4'])
    """
    tiebreak = tiebreak if tiebreak is not None else TieBreak()
    if seats < 1:
        raise InputError(f"seats must be at least 1, not {seats}")
    if profile.approval:
        raise InputError("Scottish STV counts ranked ballots, not approval ballots")
    if profile.weights.size and int(profile.weights.min()) < 0:
        raise InputError("a ballot weight cannot be negative")
    ncand = len(profile.candidates)
    ballots = _Ballots(profile)
    continuing = np.ones(ncand, dtype=bool)
    for w in profile.withdrawn:
        continuing[w] = False
    ballots.set_continuing(continuing)
    everyone = np.arange(ballots.current.size)
    ballots.advance(everyone)

    valid_papers = int(ballots.weights[ballots.current >= 0].sum())
    quota = droop_quota(valid_papers, seats)
    quota_value = quota * SCALE
    if valid_papers * SCALE * SCALE > _MAX_SAFE:
        raise InputError(f"too many ballots for exact fixed-point counting ({valid_papers})")

    tally, _ = ballots.credit(everyone)
    exhausted = 0  # value of non-transferable papers and truncation, so far
    history: list[_I64] = [tally.copy()]
    elected: list[int] = []
    excluded: list[int] = []
    pending: list[int] = []  # elected candidates whose surplus is still to transfer
    ties: list[Tie] = []
    rounds: list[Round] = []

    def choose(among: list[int], stage: int, purpose: str, *, lowest: bool) -> int:
        group = _recent_difference(among, history, lowest=lowest)
        if len(group) == 1:
            chosen, how = group[0], "earlier-stage"
        else:
            chosen, how = tiebreak.choose(group, purpose=purpose), "lot"
        ties.append(
            Tie(stage=stage, purpose=purpose, among=tuple(sorted(among)), chosen=chosen, how=how)
        )
        return chosen

    def order_by_votes(cands: list[int], stage: int) -> list[int]:
        """Candidates elected at one stage, highest vote first (ties by earlier stages)."""
        out: list[int] = []
        rest = sorted(cands)
        while rest:
            top = max(int(tally[c]) for c in rest)
            best = [c for c in rest if int(tally[c]) == top]
            pick = (
                best[0]
                if len(best) == 1
                else choose(best, stage, "order of election", lowest=False)
            )
            out.append(pick)
            rest.remove(pick)
        return out

    def settle(stage: int) -> tuple[int, ...]:
        """Rule 47 and rule 51 at the end of a stage: who is elected now."""
        new = [int(c) for c in np.flatnonzero(continuing & (tally >= quota_value))]
        new = order_by_votes(new, stage)
        for c in new:
            continuing[c] = False
            elected.append(c)
            if tally[c] > quota_value:
                pending.append(c)
        vacancies = seats - len(elected)
        remaining = [int(c) for c in np.flatnonzero(continuing)]
        if vacancies > 0 and len(remaining) <= vacancies:
            last = order_by_votes(remaining, stage)
            for c in last:
                continuing[c] = False
                elected.append(c)
            new.extend(last)
        ballots.set_continuing(continuing)
        return tuple(new)

    def record(
        stage: int, new: tuple[int, ...], out: tuple[int, ...], change: _I64, note: str
    ) -> None:
        rounds.append(
            Round(
                number=stage,
                tallies={c: Fraction(int(tally[c]), SCALE) for c in range(ncand)},
                elected=new,
                excluded=out,
                transfers={c: Fraction(int(change[c]), SCALE) for c in range(ncand) if change[c]},
                nontransferable=Fraction(exhausted, SCALE),
                note=note,
            )
        )

    stage = 1
    new = settle(stage)
    record(stage, new, (), np.zeros(ncand, dtype=np.int64), "first preferences")
    while len(elected) < seats:
        stage += 1
        before = tally.copy()
        if pending:
            surpluses = {c: int(tally[c]) - quota_value for c in pending}
            top = max(surpluses.values())
            largest = [c for c in pending if surpluses[c] == top]
            source = (
                largest[0]
                if len(largest) == 1
                else choose(largest, stage, "surplus transfer", lowest=False)
            )
            pending.remove(source)
            surplus, total = surpluses[source], int(tally[source])
            idx = ballots.holding(source)
            ballots.value[idx] = _reweigh(ballots.value[idx], surplus, total)
            ballots.advance(idx)
            gained, lost = ballots.credit(idx)
            tally += gained
            tally[source] = quota_value
            exhausted += surplus - int(gained.sum())
            _ = lost
            out: tuple[int, ...] = ()
            note = f"surplus of {profile.candidates[source]}"
        else:
            remaining = [int(c) for c in np.flatnonzero(continuing)]
            if not remaining:  # fewer eligible candidates than seats
                break
            low = min(int(tally[c]) for c in remaining)
            lowest = [c for c in remaining if int(tally[c]) == low]
            loser = (
                lowest[0] if len(lowest) == 1 else choose(lowest, stage, "exclusion", lowest=True)
            )
            continuing[loser] = False
            ballots.set_continuing(continuing)
            excluded.append(loser)
            held = int(tally[loser])
            idx = ballots.holding(loser)
            ballots.advance(idx)
            gained, lost = ballots.credit(idx)
            tally += gained
            tally[loser] = 0
            exhausted += held - int(gained.sum())
            out = (loser,)
            note = f"exclusion of {profile.candidates[loser]}"
        history.append(tally.copy())
        new = settle(stage)
        record(stage, new, out, tally - before, note)

    return Result(
        method="scottish-stv",
        seats=seats,
        candidates=profile.candidates,
        elected=tuple(elected),
        excluded=tuple(excluded),
        quota=Fraction(quota),
        rounds=tuple(rounds),
        ties=tuple(ties),
        seed=tiebreak.seed,
        decimals=DECIMALS,
        valid_votes=Fraction(valid_papers),
    )
