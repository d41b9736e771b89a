"""Instant-runoff voting: one seat, won by a majority of the continuing votes.

The count goes in rounds. Each round every ballot counts for its highest-ranked
continuing candidate; ballots with none left are *exhausted* (inactive) and are
not part of the round's total. A candidate with more than half of the round's
continuing votes (``total // 2 + 1``) wins; otherwise the candidate with the
fewest votes is eliminated and the next round begins. When one candidate is
left, that candidate wins.

Equal lowest candidates are separated by the most recent earlier round in which
their votes differed (the lower is eliminated), then by the seeded lot of the
:class:`~sovet.counting.base.TieBreak`; every such tie is reported in
:attr:`Result.ties`.

Two options reproduce city rules (both off in the registered ``irv`` method):

* ``batch_elimination``: eliminate together the largest group of lowest
  candidates whose combined votes are fewer than the votes of the next candidate
  up (none of them could overtake anyone by transfers among themselves). Only
  used when the group has at least two candidates.
* ``eliminate_first``: candidates (e.g. "Undeclared Write-ins") eliminated in the
  first round before anyone else, whatever their votes.

Round ``r`` holds the tallies *before* its eliminations, as tabulation reports
do; ``excluded`` lists who is eliminated at its end, ``transfers`` what moved in
from the previous round's eliminations, and ``nontransferable`` the ballots
exhausted so far.
"""

from __future__ import annotations

from collections.abc import Collection
from fractions import Fraction

import numpy as np

from sovet.counting.base import Profile, Result, Round, Tie, TieBreak
from sovet.counting.stv import _Ballots, _recent_difference
from sovet.errors import InputError

__all__ = ["batch_to_eliminate", "count_irv", "majority_threshold"]


def majority_threshold(continuing_votes: int) -> int:
    """Votes needed to win a round: more than half of the continuing votes.

    >>> majority_threshold(104485), majority_threshold(10)
    (52243, 6)
    """
    return continuing_votes // 2 + 1


def batch_to_eliminate(tallies: dict[int, int]) -> list[int]:
    """The largest group of lowest candidates whose sum is below the next candidate.

    Returns the group (lowest first) when it has two or more candidates, else ``[]``.

    >>> batch_to_eliminate({0: 0, 1: 1, 2: 119, 3: 184, 4: 300})
    [0, 1, 2]
    >>> batch_to_eliminate({0: 5, 1: 6, 2: 7})
    []
    """
    ordered = sorted(tallies, key=lambda c: (tallies[c], c))
    best = 0
    running = 0
    for j in range(len(ordered) - 1):
        running += tallies[ordered[j]]
        if running < tallies[ordered[j + 1]]:
            best = j + 1
    return ordered[:best] if best >= 2 else []


def count_irv(
    profile: Profile,
    seats: int = 1,
    *,
    tiebreak: TieBreak | None = None,
    batch_elimination: bool = False,
    eliminate_first: Collection[str] = (),
) -> Result:
    """Count ``profile`` by instant-runoff voting (majority of continuing votes).

    >>> p = Profile.from_rankings(["A", "B", "C"], [(["A"], 4), (["B", "C"], 2), (["C", "B"], 3)])
    >>> r = count_irv(p, 1)
    >>> r.elected_names, r.excluded_names, [int(v) for v in r.rounds[-1].tallies.values()]
    (('C',), ('B',), [4, 5])
    """
    tiebreak = tiebreak if tiebreak is not None else TieBreak()
    if seats != 1:
        raise InputError(f"IRV fills one seat, not {seats}; use scottish-stv or meek-stv")
    if profile.approval:
        raise InputError("IRV counts ranked ballots, not approval ballots")
    if profile.weights.size and int(profile.weights.min()) < 0:
        raise InputError("a ballot weight cannot be negative")
    names = {n: i for i, n in enumerate(profile.candidates)}
    unknown = [n for n in eliminate_first if n not in names]
    if unknown:
        raise InputError(f"eliminate_first names unknown candidates {unknown}")
    first_out = sorted(names[n] for n in eliminate_first)

    ncand = len(profile.candidates)
    ballots = _Ballots(profile, value=1)
    continuing = np.ones(ncand, dtype=bool)
    for w in profile.withdrawn:
        continuing[w] = False
    ballots.set_continuing(continuing)
    everyone = np.arange(ballots.current.size)
    ballots.advance(everyone)
    tally, exhausted = ballots.credit(everyone)
    previous = np.zeros(ncand, dtype=np.int64)
    history: list[np.ndarray] = []
    rounds: list[Round] = []
    ties: list[Tie] = []
    eliminated: list[int] = []
    winner: int | None = None
    number = 0
    threshold = 0
    while winner is None:
        number += 1
        history.append(tally.copy())
        alive = [int(c) for c in np.flatnonzero(continuing)]
        if not alive:
            break
        votes = {c: int(tally[c]) for c in alive}
        total = sum(votes.values())
        top = max(votes.values())
        out: list[int] = []
        note = ""
        threshold = majority_threshold(total)
        if number == 1 and first_out:
            out = [c for c in first_out if continuing[c]]
            note = f"threshold {threshold}; eliminated first by rule"
        elif len(alive) == 1 or (total > 0 and top >= threshold):
            leaders = [c for c in alive if votes[c] == top]
            winner = leaders[0] if len(leaders) == 1 else tiebreak.choose(leaders, purpose="win")
            note = f"threshold {threshold}; " + (
                "majority" if len(alive) > 1 else "last continuing"
            )
        else:
            out = batch_to_eliminate(votes) if batch_elimination else []
            note = f"threshold {threshold}" + ("; batch elimination" if out else "")
            if not out:
                low = min(votes.values())
                lowest = [c for c in alive if votes[c] == low]
                loser = lowest[0]
                if len(lowest) > 1:
                    group = _recent_difference(lowest, history[:-1], lowest=True)
                    how = "earlier-stage"
                    if len(group) > 1:
                        group, how = [tiebreak.choose(group, purpose="elimination")], "lot"
                    loser = group[0]
                    ties.append(Tie(number, "elimination", tuple(lowest), loser, how))
                out = [loser]
        change = tally - previous
        rounds.append(
            Round(
                number=number,
                tallies={c: Fraction(votes[c]) for c in alive},
                elected=() if winner is None else (winner,),
                excluded=tuple(out),
                transfers={c: Fraction(int(change[c])) for c in alive if change[c]}
                if number > 1
                else {},
                nontransferable=Fraction(exhausted),
                note=note,
            )
        )
        if winner is not None:
            break
        previous = tally.copy()
        for c in out:
            continuing[c] = False
            eliminated.append(c)
        ballots.set_continuing(continuing)
        for c in out:
            idx = ballots.holding(c)
            ballots.advance(idx)
            gained, lost = ballots.credit(idx)
            tally += gained
            tally[c] = 0
            exhausted += lost

    return Result(
        method="irv",
        seats=1,
        candidates=profile.candidates,
        elected=() if winner is None else (winner,),
        excluded=tuple(eliminated),
        quota=Fraction(threshold) if rounds else None,
        rounds=tuple(rounds),
        ties=tuple(ties),
        seed=tiebreak.seed,
        valid_votes=Fraction(int(history[0].sum())) if history else Fraction(0),
    )
