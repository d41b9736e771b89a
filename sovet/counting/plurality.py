"""Plurality and the two-round majority system, and the score helpers they share.

Both read each ballot's highest preference among the candidates still standing
(withdrawn candidates are skipped, as if not on the paper). Vote totals are
integers; ties are resolved only by a :class:`~sovet.counting.base.TieBreak` lot and
every lot is recorded in ``Result.ties``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from sovet.counting.base import Profile, Result, Round, Tie, TieBreak
from sovet.errors import InputError

__all__ = [
    "approved_mask",
    "check_rankings",
    "elect_top",
    "eligible",
    "first_preferences",
    "plurality",
    "require_ranked",
    "two_round",
    "valid_weight",
    "weighted_bincount",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def require_ranked(profile: Profile, method: str) -> None:
    """Raise :class:`InputError` if ``profile`` holds approval ballots.

    >>> require_ranked(Profile.from_rankings(["A"], [["A"]], approval=True), "borda")
    Traceback (most recent call last):
    ...
    sovet.errors.InputError: borda needs ranked ballots, not approval ballots
    """
    if profile.approval:
        raise InputError(f"{method} needs ranked ballots, not approval ballots")


def eligible(profile: Profile) -> list[int]:
    """The candidates who can be elected: every candidate not withdrawn, by index.

    >>> eligible(Profile.from_rankings(["A", "B", "C"], [], withdrawn=["B"]))
    [0, 2]
    """
    return [c for c in range(len(profile.candidates)) if c not in profile.withdrawn]


def check_rankings(profile: Profile) -> None:
    """Raise :class:`InputError` if a ballot names a candidate index out of range.

    >>> import numpy as np
    >>> check_rankings(Profile(("A",), np.array([[0, 3]], np.int16), np.array([1])))
    Traceback (most recent call last):
    ...
    sovet.errors.InputError: a ballot names candidate number 3, but there are only 1 candidates
    """
    ranks = profile.rankings
    if ranks.size == 0:
        return
    low, high = int(ranks.min()), int(ranks.max())
    if low < -1 or high >= len(profile.candidates):
        bad = low if low < -1 else high
        raise InputError(
            f"a ballot names candidate number {bad}, "
            f"but there are only {len(profile.candidates)} candidates"
        )


def approved_mask(profile: Profile) -> BoolArray:
    """``mask[i, j]`` is True where ballot i's entry j names a candidate still standing."""
    check_rankings(profile)
    lookup = np.zeros(len(profile.candidates) + 1, dtype=np.bool_)
    lookup[eligible(profile)] = True  # index -1 (padding) reads the last, False, slot
    mask: BoolArray = lookup[profile.rankings]
    return mask


def valid_weight(profile: Profile) -> int:
    """The weight of ballots naming at least one candidate still standing.

    >>> valid_weight(Profile.from_rankings(["A", "B"], [(["A"], 2), [], ["B"]], withdrawn=["B"]))
    2
    """
    ranks = profile.rankings
    if ranks.shape[1] == 0:
        return 0
    if profile.withdrawn:
        named = approved_mask(profile).any(axis=1)
    else:
        check_rankings(profile)
        named = ranks[:, 0] >= 0  # preferences come first, padding after
    return int(profile.weights[named].sum())


def weighted_bincount(keys: npt.NDArray[np.integer], weights: IntArray, length: int) -> IntArray:
    """Exact integer sums of ``weights`` per key in ``range(length)``.

    >>> weighted_bincount(np.array([0, 2, 2]), np.array([5, 1, 3]), 3).tolist()
    [5, 0, 4]
    """
    if weights.size and (weights == weights[0]).all() and weights[0] >= 0:
        counts = np.bincount(keys, minlength=length).astype(np.int64)
        return counts * np.int64(weights[0])
    out = np.zeros(length, dtype=np.int64)
    np.add.at(out, keys.astype(np.intp), weights.astype(np.int64))
    return out


def first_preferences(profile: Profile) -> tuple[IntArray, int]:
    """Each candidate's first-preference votes, and the number of valid ballots.

    A ballot counts for its highest-ranked candidate still standing; a ballot naming
    none is not valid.

    >>> p = Profile.from_rankings(["A", "B"], [["B", "A"], (["A"], 2), []])
    >>> tallies, valid = first_preferences(p)
    >>> tallies.tolist(), valid
    ([2, 1], 3)
    """
    m = len(profile.candidates)
    mask = approved_mask(profile)
    if mask.shape[1] == 0:
        return np.zeros(m, dtype=np.int64), 0
    has = mask.any(axis=1)
    column = mask.argmax(axis=1)
    first = profile.rankings[np.arange(mask.shape[0]), column][has]
    weights = profile.weights[has]
    return weighted_bincount(first, weights, m), int(weights.sum())


def elect_top(
    scores: Mapping[int, Fraction | int],
    seats: int,
    tiebreak: TieBreak,
    *,
    stage: int = 1,
    purpose: str = "elect",
) -> tuple[tuple[int, ...], tuple[Tie, ...]]:
    """Elect the ``seats`` highest scores; a tie at the last seat is drawn by lot.

    Candidates with equal scores that all fit are elected together (in index order);
    when more tie than seats remain, each remaining seat is drawn by
    ``tiebreak`` among the tied and recorded as a :class:`Tie`.

    >>> elect_top({0: 5, 1: 7, 2: 5}, 2, TieBreak(seed=1))[0][0]
    1
    >>> elect_top({0: 5, 1: 7, 2: 3}, 2, TieBreak())
    ((1, 0), ())
    """
    levels: dict[Fraction, list[int]] = {}
    for candidate, score in scores.items():
        levels.setdefault(Fraction(score), []).append(candidate)
    elected: list[int] = []
    ties: list[Tie] = []
    for level in sorted(levels, reverse=True):
        room = seats - len(elected)
        if room <= 0:
            break
        group = sorted(levels[level])
        if len(group) <= room:
            elected.extend(group)
            continue
        pool = list(group)
        for _ in range(room):
            chosen = tiebreak.choose(pool, purpose=purpose)
            ties.append(
                Tie(stage=stage, purpose=purpose, among=tuple(pool), chosen=chosen, how="lot")
            )
            pool.remove(chosen)
            elected.append(chosen)
    return tuple(elected), tuple(ties)


def _as_values(tallies: IntArray, candidates: Sequence[int]) -> dict[int, Fraction]:
    return {c: Fraction(int(tallies[c])) for c in candidates}


def plurality(profile: Profile, seats: int = 1, *, tiebreak: TieBreak | None = None) -> Result:
    """Plurality ("first past the post"; for several seats, block-free single vote).

    Each ballot gives one vote to its highest preference still standing; the
    ``seats`` candidates with most votes are elected (Cox, *Making Votes Count*, 1997,
    ch. 2: plurality and its multi-member form, the single non-transferable vote).
    A tie for the last seat is drawn by lot.

    >>> p = Profile.from_rankings(["A", "B", "C"], [(["A"], 3), (["B", "A"], 2), ["C"]])
    >>> plurality(p, 2).elected_names
    ('A', 'B')
    """
    tiebreak = tiebreak if tiebreak is not None else TieBreak()
    require_ranked(profile, "plurality")
    standing = eligible(profile)
    tallies, valid = first_preferences(profile)
    scores = _as_values(tallies, standing)
    elected, ties = elect_top(scores, seats, tiebreak)
    return Result(
        method="plurality",
        seats=seats,
        candidates=profile.candidates,
        elected=elected,
        rounds=(Round(number=1, tallies=scores, elected=elected),),
        ties=ties,
        seed=tiebreak.seed,
        scores=scores,
        valid_votes=Fraction(valid),
    )


def _runoff(profile: Profile, a: int, b: int) -> tuple[int, int]:
    """Votes for ``a`` and for ``b``: each ballot counts for the finalist it ranks higher."""
    ranks = profile.rankings
    width = ranks.shape[1]
    if width == 0:
        return 0, 0
    is_a, is_b = ranks == a, ranks == b
    pos_a = np.where(is_a.any(axis=1), is_a.argmax(axis=1), width)
    pos_b = np.where(is_b.any(axis=1), is_b.argmax(axis=1), width)
    weights = profile.weights
    return int(weights[pos_a < pos_b].sum()), int(weights[pos_b < pos_a].sum())


def two_round(profile: Profile, seats: int = 1, *, tiebreak: TieBreak | None = None) -> Result:
    """The two-round majority system, decided from ranked ballots.

    Round one counts first preferences; a candidate with more than half of the valid
    votes is elected. Otherwise the two leading candidates go to a runoff, and each
    ballot counts for the finalist it ranks higher (ballots ranking neither are not
    counted): the contingent-vote reading of the two-round system (Cox, *Making Votes
    Count*, 1997, ch. 4). Ties for a place in the runoff and in the runoff itself are
    drawn by lot. One seat only.

    >>> p = Profile.from_rankings(
    ...     ["M", "N", "C", "K"],
    ...     [(["M", "N", "C", "K"], 42), (["N", "C", "K", "M"], 26),
    ...      (["C", "K", "N", "M"], 15), (["K", "C", "N", "M"], 17)])
    >>> r = two_round(p)
    >>> r.elected_names, [str(v) for v in r.rounds[1].tallies.values()]
    (('N',), ['42', '58'])
    """
    tiebreak = tiebreak if tiebreak is not None else TieBreak()
    require_ranked(profile, "two-round")
    if seats != 1:
        raise InputError(f"two-round elects one candidate, not {seats}")
    standing = eligible(profile)
    tallies, valid = first_preferences(profile)
    first = _as_values(tallies, standing)

    def result(
        elected: tuple[int, ...],
        rounds: tuple[Round, ...],
        ties: tuple[Tie, ...] = (),
        excluded: tuple[int, ...] = (),
    ) -> Result:
        return Result(
            method="two-round",
            seats=seats,
            candidates=profile.candidates,
            elected=elected,
            excluded=excluded,
            rounds=rounds,
            ties=ties,
            seed=tiebreak.seed,
            scores=first,
            valid_votes=Fraction(valid),
        )

    if not standing:
        return result((), (Round(number=1, tallies={}),))
    leader = max(standing, key=lambda c: first[c])
    if 2 * first[leader] > valid or len(standing) == 1:
        return result(
            (leader,),
            (Round(number=1, tallies=first, elected=(leader,), note="absolute majority"),),
        )
    finalists, ties = elect_top(first, 2, tiebreak, stage=1, purpose="enter the runoff")
    out = tuple(c for c in standing if c not in finalists)
    round1 = Round(number=1, tallies=first, excluded=out, note="no absolute majority")
    a, b = sorted(finalists)
    votes_a, votes_b = _runoff(profile, a, b)
    second = {a: Fraction(votes_a), b: Fraction(votes_b)}
    elected, runoff_ties = elect_top(second, 1, tiebreak, stage=2, purpose="win the runoff")
    round2 = Round(
        number=2,
        tallies=second,
        elected=elected,
        nontransferable=Fraction(valid - votes_a - votes_b),
        note="runoff between the two leading candidates",
    )
    return result(elected, (round1, round2), ties + runoff_ties, out)
