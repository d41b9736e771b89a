"""The Borda count."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from sovet.counting.base import Profile, Result, Round, TieBreak
from sovet.counting.plurality import (
    approved_mask,
    check_rankings,
    elect_top,
    eligible,
    require_ranked,
    valid_weight,
    weighted_bincount,
)

__all__ = ["borda", "borda_scores"]


def borda_scores(profile: Profile) -> dict[int, int]:
    """Each standing candidate's Borda score (n - 1 points for a first preference down to 0).

    With n candidates standing, the candidate a ballot ranks in place p (1-based,
    counting only candidates standing) gets n - p points. **Truncated ballots**:
    a candidate a ballot does not rank gets 0 points from it, and ranked candidates
    keep their full points (so a ballot ranking only its favourite gives it n - 1).

    >>> p = Profile.from_rankings(["A", "B", "C"], [["A", "B", "C"], ["B"]])
    >>> borda_scores(p)
    {0: 2, 1: 3, 2: 0}
    """
    standing = eligible(profile)
    n, m = len(standing), len(profile.candidates)
    if profile.withdrawn:
        mask = approved_mask(profile)
        place = np.cumsum(mask, axis=1) - 1  # 0-based place among candidates standing
        points = (n - 1 - place) * profile.weights[:, None]
        tallies = weighted_bincount(profile.rankings[mask], points[mask], m)
    else:  # place = column: count each column once, then weigh it by its points
        check_rankings(profile)
        tallies = np.zeros(m, dtype=np.int64)
        for column, names in enumerate(np.ascontiguousarray(profile.rankings.T)):
            ranked = names >= 0
            counts = weighted_bincount(names[ranked], profile.weights[ranked], m)
            tallies += counts * (n - 1 - column)
    return {c: int(tallies[c]) for c in standing}


def borda(profile: Profile, seats: int = 1, *, tiebreak: TieBreak | None = None) -> Result:
    """The Borda count (Borda, *Mémoire sur les élections au scrutin*, 1781).

    Points n - 1, n - 2, ..., 0 by place on each ballot among the n candidates
    standing; unranked candidates get 0 from a truncated ballot (see
    :func:`borda_scores`). The ``seats`` highest scores are elected; a tie for the
    last seat is drawn by lot.

    >>> p = Profile.from_rankings(
    ...     ["M", "N", "C", "K"],
    ...     [(["M", "N", "C", "K"], 42), (["N", "C", "K", "M"], 26),
    ...      (["C", "K", "N", "M"], 15), (["K", "C", "N", "M"], 17)])
    >>> r = borda(p)
    >>> r.elected_names, [int(v) for v in r.scores.values()]
    (('N',), [126, 194, 173, 107])
    """
    tiebreak = tiebreak if tiebreak is not None else TieBreak()
    require_ranked(profile, "borda")
    scores = {c: Fraction(v) for c, v in borda_scores(profile).items()}
    elected, ties = elect_top(scores, seats, tiebreak)
    valid = valid_weight(profile)
    return Result(
        method="borda",
        seats=seats,
        candidates=profile.candidates,
        elected=elected,
        rounds=(Round(number=1, tallies=scores, elected=elected),),
        ties=ties,
        seed=tiebreak.seed,
        scores=scores,
        valid_votes=Fraction(valid),
    )
