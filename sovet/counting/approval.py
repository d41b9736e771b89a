"""Approval voting and sequential Phragmén.

Both read approval ballots (``Profile.approval``); a ranked ballot is read as
approving every candidate it ranks. Withdrawn candidates are ignored. Loads in
Phragmén's method are exact :class:`~fractions.Fraction` values.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from sovet.counting.base import Profile, Result, Round, Tie, TieBreak
from sovet.counting.plurality import approved_mask, elect_top, eligible, weighted_bincount

__all__ = ["approval", "approval_groups", "phragmen"]


def approval_groups(profile: Profile) -> dict[frozenset[int], int]:
    """Identical ballots merged: each set of approved candidates still standing, and its weight.

    Ballots approving nobody still standing are left out.

    >>> p = Profile.from_rankings(["A", "B"], [["A", "B"], ["B", "A"], ["B"]], approval=True)
    >>> sorted((sorted(s), w) for s, w in approval_groups(p).items())
    [([0, 1], 2), ([1], 1)]
    """
    mask = approved_mask(profile)
    groups: dict[frozenset[int], int] = {}
    for row, keep, weight in zip(
        profile.rankings.tolist(), mask.tolist(), profile.weights.tolist(), strict=True
    ):
        approved = frozenset(c for c, k in zip(row, keep, strict=True) if k)
        if approved and weight:
            groups[approved] = groups.get(approved, 0) + int(weight)
    return groups


def approval(profile: Profile, seats: int = 1, *, tiebreak: TieBreak | None = None) -> Result:
    """Approval voting: each ballot gives one vote to every candidate it approves.

    The ``seats`` candidates approved by most voters are elected (Brams and
    Fishburn, "Approval Voting", *APSR* 72(3), 1978; for several seats, block
    approval voting). A tie for the last seat is drawn by lot.

    >>> p = Profile.from_rankings(
    ...     ["A", "B", "C"], [(["A", "B"], 2), (["C"], 2), ["B"]], approval=True)
    >>> r = approval(p)
    >>> r.elected_names, int(r.scores[1])
    (('B',), 3)
    """
    tiebreak = tiebreak if tiebreak is not None else TieBreak()
    standing = eligible(profile)
    mask = approved_mask(profile)
    weights = np.broadcast_to(profile.weights[:, None], mask.shape)[mask]
    tallies = weighted_bincount(profile.rankings[mask], weights, len(profile.candidates))
    scores = {c: Fraction(int(tallies[c])) for c in standing}
    elected, ties = elect_top(scores, seats, tiebreak)
    valid = int(profile.weights[mask.any(axis=1)].sum()) if mask.size else 0
    return Result(
        method="approval",
        seats=seats,
        candidates=profile.candidates,
        elected=elected,
        rounds=(Round(number=1, tallies=scores, elected=elected),),
        ties=ties,
        seed=tiebreak.seed,
        scores=scores,
        valid_votes=Fraction(valid),
    )


def phragmen(profile: Profile, seats: int = 1, *, tiebreak: TieBreak | None = None) -> Result:
    """Sequential Phragmén (Phragmén 1894, as stated by Janson, arXiv:1611.08826).

    Every elected candidate brings a load of 1 that its supporters share. At each
    stage, for every candidate c still standing with supporters S_c (total weight
    W_c), the maximal load after electing c would be
    ``(1 + sum of w_v * load_v over S_c) / W_c``; the candidate with the least such
    load is elected and each of its supporters' loads becomes that value. Ties for
    the least load are drawn by lot; when no candidate left has a supporter the
    remaining seats are drawn by lot among them. Round tallies are these loads
    (lower is better); ``scores`` are each elected candidate's load when elected.

    >>> p = Profile.from_rankings(
    ...     ["A", "B", "C"], [(["A", "B"], 3), ["A"], (["C"], 2)], approval=True)
    >>> r = phragmen(p, 2)
    >>> r.elected_names, str(r.rounds[1].tallies[1]), str(r.rounds[1].tallies[2])
    (('A', 'C'), '7/12', '1/2')
    """
    tiebreak = tiebreak if tiebreak is not None else TieBreak()
    groups = list(approval_groups(profile).items())
    loads = [Fraction(0)] * len(groups)
    supporters: dict[int, list[int]] = {c: [] for c in eligible(profile)}
    for g, (approved, _) in enumerate(groups):
        for c in approved:
            supporters[c].append(g)
    remaining = eligible(profile)
    elected: list[int] = []
    rounds: list[Round] = []
    ties: list[Tie] = []
    scores: dict[int, Fraction] = {}
    for stage in range(1, min(seats, len(remaining)) + 1):
        offers: dict[int, Fraction] = {}
        for c in remaining:
            support = sum(groups[g][1] for g in supporters[c])
            if support:
                carried = sum((groups[g][1] * loads[g] for g in supporters[c]), Fraction(0))
                offers[c] = (1 + carried) / support
        if offers:
            least = min(offers.values())
            pool = sorted(c for c, load in offers.items() if load == least)
            note = "least maximal load is elected"
        else:
            least, pool = Fraction(0), sorted(remaining)
            note = "no candidate left has a supporter: seat drawn by lot"
        purpose = "elect"
        chosen = tiebreak.choose(pool, purpose=purpose)
        if len(pool) > 1:
            ties.append(
                Tie(stage=stage, purpose=purpose, among=tuple(pool), chosen=chosen, how="lot")
            )
        for g in supporters[chosen]:
            loads[g] = least
        remaining.remove(chosen)
        elected.append(chosen)
        scores[chosen] = least
        rounds.append(Round(number=stage, tallies=offers, elected=(chosen,), note=note))
    valid = sum(weight for _, weight in groups)
    return Result(
        method="phragmen",
        seats=seats,
        candidates=profile.candidates,
        elected=tuple(elected),
        rounds=tuple(rounds),
        ties=tuple(ties),
        seed=tiebreak.seed,
        scores=scores,
        valid_votes=Fraction(valid),
    )
