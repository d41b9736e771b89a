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
    # at[c, p]: the votes that put candidate c in place p (each at most the total weight,
    # so exact in int64); the points are weighed in Python integers, where a score may
    # pass 2^63 although every weight fits
    if profile.withdrawn:
        mask = approved_mask(profile)
        place = np.cumsum(mask, axis=1) - 1  # 0-based place among candidates standing
        weights = np.broadcast_to(profile.weights[:, None], mask.shape)[mask]
        keys = profile.rankings[mask].astype(np.int64) * max(n, 1) + place[mask]
        at = weighted_bincount(keys, weights, m * max(n, 1)).reshape(m, max(n, 1))
    else:  # place = column: count each column once
        check_rankings(profile)
        columns = [
            weighted_bincount(names[names >= 0], profile.weights[names >= 0], m)
            for names in np.ascontiguousarray(profile.rankings.T)
        ]
        at = np.stack(columns, axis=1) if columns else np.zeros((m, 0), dtype=np.int64)
    points = np.asarray([n - 1 - p for p in range(at.shape[1])], dtype=object)
    tallies = at.astype(object) @ points if at.shape[1] else [0] * m
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
