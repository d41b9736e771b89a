"""Condorcet methods: Schulze, ranked pairs, Copeland and minimax.

All four read one pairwise matrix, ``N[a, b]`` = the weight of ballots that rank
``a`` above ``b``. A ranked candidate is above every candidate the ballot leaves
unranked; two unranked candidates are equal on that ballot. Withdrawn candidates
cannot win (their pairwise contests with others are simply not consulted).

Each method picks one winner. **Several seats** are filled by repeated application:
the winner is removed and the method is applied again to the candidates left, with
the same ballots (the pairwise matrix restricted to them), until the seats are
filled; the order of election is the order of these wins. Ties the rules leave open
are drawn by lot with the :class:`~sovet.counting.base.TieBreak` and recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from sovet.counting.base import Profile, Result, Round, Tie, TieBreak
from sovet.counting.plurality import check_rankings, eligible, require_ranked, valid_weight
from sovet.errors import InputError

__all__ = [
    "copeland",
    "minimax",
    "pairwise_matrix",
    "ranked_pairs",
    "schulze",
    "strongest_paths",
]

IntArray = npt.NDArray[np.int64]
RankArray = npt.NDArray[np.int16]
# (pairwise matrix, candidates left, stage, ties so far) -> (tallies, best, note)
_CHUNK_CELLS = 1 << 24  # ballots are counted in blocks of about this many positions
Pick = Callable[[IntArray, list[int], int, list[Tie]], tuple[dict[int, Fraction], list[int], str]]


def _unweighted_pairwise(ranks: RankArray, m: int) -> IntArray:
    """``N[a, b]`` counted once per ballot (weights ignored), vectorised over ballots.

    Each chunk of ballots becomes a position matrix ``pos[c, i]`` (the place of
    candidate c on ballot i, or the ballot width if unranked); then each ordered
    pair is one comparison of two rows and a count of the True values.
    """
    out = np.zeros((m, m), dtype=np.int64)
    n, width = ranks.shape
    dtype = np.int8 if width < 127 else np.int16
    places = np.arange(width, dtype=dtype)
    chunk = max(1, _CHUNK_CELLS // (m + 1))
    for start in range(0, n, chunk):
        block = ranks[start : start + chunk]
        rows = block.shape[0]
        pos = np.full((m + 1, rows), width, dtype=dtype)  # row m soaks up the padding
        target = np.where(block >= 0, block, m)
        pos[target, np.arange(rows)[:, None]] = places
        above = np.empty(rows, dtype=np.bool_)
        for a in range(m):
            for b in range(m):
                if a != b:
                    np.less(pos[a], pos[b], out=above)
                    out[a, b] += np.count_nonzero(above)
    return out


def pairwise_matrix(profile: Profile) -> IntArray:
    """The pairwise matrix: ``N[a, b]`` is the weight of ballots ranking a above b.

    Exact integers. Ballot weights are applied by their binary digits (each digit
    counts a subset of ballots once), so no arithmetic leaves the integers.

    >>> p = Profile.from_rankings(["A", "B", "C"], [(["A", "B"], 3), ["C"]])
    >>> pairwise_matrix(p).tolist()
    [[0, 3, 3], [0, 0, 3], [1, 1, 0]]
    """
    check_rankings(profile)
    m = len(profile.candidates)
    ranks, weights = profile.rankings, profile.weights
    if m == 0 or ranks.shape[0] == 0:
        return np.zeros((m, m), dtype=np.int64)
    if (weights < 0).any():
        raise InputError("a ballot weight cannot be negative")
    first = int(weights[0])
    if (weights == first).all():
        return _unweighted_pairwise(ranks, m) * first
    out = np.zeros((m, m), dtype=np.int64)
    for bit in range(int(weights.max()).bit_length()):
        chosen = ((weights >> bit) & 1).astype(np.bool_)
        if chosen.any():
            out += _unweighted_pairwise(ranks[chosen], m) << bit
    return out


def strongest_paths(defeats: IntArray) -> IntArray:
    """Strengths of the strongest paths (Schulze 2011), by Floyd–Warshall.

    ``defeats[a, b]`` is the strength of the direct link a→b (0 if none); the
    strength of a path is its weakest link, and ``p[a, b]`` the strongest path's.

    >>> strongest_paths(np.array([[0, 5, 0], [0, 0, 7], [2, 0, 0]])).tolist()
    [[0, 5, 5], [2, 0, 7], [2, 2, 0]]
    """
    p = defeats.copy()
    for i in range(p.shape[0]):
        p = np.maximum(p, np.minimum(p[:, i : i + 1], p[i : i + 1, :]))
    np.fill_diagonal(p, 0)
    return p


def _count(method: str, profile: Profile, seats: int, tiebreak: TieBreak, pick: Pick) -> Result:
    require_ranked(profile, method)
    matrix = pairwise_matrix(profile)
    remaining = eligible(profile)
    elected: list[int] = []
    rounds: list[Round] = []
    ties: list[Tie] = []
    for stage in range(1, min(seats, len(remaining)) + 1):
        tallies, best, note = pick(matrix, remaining, stage, ties)
        chosen = tiebreak.choose(best, purpose="elect")
        if len(best) > 1:
            ties.append(
                Tie(stage=stage, purpose="elect", among=tuple(best), chosen=chosen, how="lot")
            )
        remaining.remove(chosen)
        elected.append(chosen)
        rounds.append(Round(number=stage, tallies=tallies, elected=(chosen,), note=note))
    valid = valid_weight(profile)
    return Result(
        method=method,
        seats=seats,
        candidates=profile.candidates,
        elected=tuple(elected),
        rounds=tuple(rounds),
        ties=tuple(ties),
        seed=tiebreak.seed,
        scores=rounds[0].tallies if rounds else {},
        valid_votes=Fraction(valid),
    )


def _schulze_pick(
    matrix: IntArray, remaining: list[int], stage: int, ties: list[Tie]
) -> tuple[dict[int, Fraction], list[int], str]:
    sub = matrix[np.ix_(remaining, remaining)]
    defeats = np.where(sub > sub.T, sub, 0)  # winning votes
    p = strongest_paths(defeats)
    beats = p > p.T
    tallies = {c: Fraction(int(beats[i].sum())) for i, c in enumerate(remaining)}
    best = [c for i, c in enumerate(remaining) if not beats[:, i].any()]
    return tallies, best, "candidates beaten by strongest paths (winning votes)"


def schulze(profile: Profile, seats: int = 1, *, tiebreak: TieBreak | None = None) -> Result:
    """The Schulze method (Schulze, "A new monotonic, clone-independent, reversal
    symmetric, and Condorcet-consistent single-winner election method", *Social
    Choice and Welfare* 36, 2011), with winning votes as the strength of a link.

    A link a→b has strength ``N[a, b]`` when ``N[a, b] > N[b, a]``; the winner is
    a candidate whose strongest path to every other is at least as strong as the
    path back. Several potential winners: lot. Round tallies are how many candidates
    each beats by strongest paths. Seats > 1: repeated application (module docs).

    >>> p = Profile.from_rankings(["A", "B", "C"], [(["A", "B", "C"], 4),
    ...     (["B", "C", "A"], 3), (["C", "A", "B"], 2)])
    >>> schulze(p).elected_names
    ('A',)
    """
    tiebreak = tiebreak if tiebreak is not None else TieBreak()
    return _count("schulze", profile, seats, tiebreak, _schulze_pick)


def _reaches(locked: dict[int, set[int]], start: int, goal: int) -> bool:
    seen, todo = {start}, [start]
    while todo:
        here = todo.pop()
        if here == goal:
            return True
        for nxt in locked[here] - seen:
            seen.add(nxt)
            todo.append(nxt)
    return False


def ranked_pairs(profile: Profile, seats: int = 1, *, tiebreak: TieBreak | None = None) -> Result:
    """Ranked pairs (Tideman, "Independence of clones as a criterion for voting
    rules", *Social Choice and Welfare* 4, 1987), pairs ordered by margin.

    Every majority a over b (``N[a, b] > N[b, a]``) is taken in decreasing order of
    its margin ``N[a, b] - N[b, a]`` and locked unless it would close a cycle with
    the pairs already locked; the winner is the candidate no locked pair defeats.
    Pairs with equal margins are locked together when the order cannot matter
    (together they close no cycle). When it can, a tie-breaking ranking of the
    candidates is drawn by lot once per count (Zavist and Tideman, "Complete
    independence of clones in the ranked pairs rule", *Social Choice and Welfare* 6,
    1989) and the tied pairs are taken in its order: first the pair whose winner
    ranks higher in it, then the pair whose loser ranks lower; every draw is
    recorded. Several undefeated candidates (pairwise ties): lot. Round tallies are
    how many candidates each one defeats through locked pairs. Seats > 1: repeated
    application (module docs).

    >>> p = Profile.from_rankings(
    ...     ["M", "N", "C", "K"],
    ...     [(["M", "N", "C", "K"], 42), (["N", "C", "K", "M"], 26),
    ...      (["C", "K", "N", "M"], 15), (["K", "C", "N", "M"], 17)])
    >>> ranked_pairs(p, 4).elected_names
    ('N', 'C', 'K', 'M')
    """
    tiebreak = tiebreak if tiebreak is not None else TieBreak()
    order: list[int] = []  # the tie-breaking ranking, drawn when first needed

    def tie_ranking(stage: int, ties: list[Tie], pool: list[int]) -> list[int]:
        if not order:
            left = sorted(pool)
            while left:
                chosen = tiebreak.choose(left, purpose="tie-breaking ranking")
                if len(left) > 1:
                    ties.append(
                        Tie(
                            stage=stage,
                            purpose="tie-breaking ranking",
                            among=tuple(left),
                            chosen=chosen,
                            how="lot",
                        )
                    )
                left.remove(chosen)
                order.append(chosen)
        return order

    def pick(
        matrix: IntArray, remaining: list[int], stage: int, ties: list[Tie]
    ) -> tuple[dict[int, Fraction], list[int], str]:
        margins: dict[int, list[tuple[int, int]]] = {}
        for a in remaining:
            for b in remaining:
                if matrix[a, b] > matrix[b, a]:
                    margins.setdefault(int(matrix[a, b] - matrix[b, a]), []).append((a, b))
        locked: dict[int, set[int]] = {c: set() for c in remaining}
        for margin in sorted(margins, reverse=True):
            group = [(a, b) for a, b in margins[margin] if not _reaches(locked, b, a)]
            trial = {c: set(d) for c, d in locked.items()}
            for a, b in group:
                trial[a].add(b)
            if not any(_reaches(trial, b, a) for a, b in group):
                locked = trial
                continue
            rank = {c: i for i, c in enumerate(tie_ranking(stage, ties, eligible(profile)))}
            for a, b in sorted(group, key=lambda ab: (rank[ab[0]], -rank[ab[1]])):
                if not _reaches(locked, b, a):
                    locked[a].add(b)
        defeated = {b for a in remaining for b in locked[a]}
        best = [c for c in remaining if c not in defeated]
        tallies = {
            c: Fraction(sum(1 for d in remaining if d != c and _reaches(locked, c, d)))
            for c in remaining
        }
        return tallies, best, "candidates defeated through locked pairs (by margin)"

    return _count("ranked-pairs", profile, seats, tiebreak, pick)


def _copeland_pick(
    matrix: IntArray, remaining: list[int], stage: int, ties: list[Tie]
) -> tuple[dict[int, Fraction], list[int], str]:
    half = Fraction(1, 2)
    tallies: dict[int, Fraction] = {}
    for a in remaining:
        score = Fraction(0)
        for b in remaining:
            if a != b:
                if matrix[a, b] > matrix[b, a]:
                    score += 1
                elif matrix[a, b] == matrix[b, a]:
                    score += half
        tallies[a] = score
    top = max(tallies.values())
    return tallies, [c for c in remaining if tallies[c] == top], "pairwise wins, ties 1/2"


def copeland(profile: Profile, seats: int = 1, *, tiebreak: TieBreak | None = None) -> Result:
    """Copeland's method (Copeland, "A 'reasonable' social welfare function",
    University of Michigan seminar, 1951; as in Saari and Merlin, *Economic Theory*
    8, 1996): each pairwise win scores 1 and each pairwise tie 1/2 (exact
    ``Fraction``); the highest score wins, a tie at the top is drawn by lot. Seats > 1:
    repeated application (module docs).

    >>> p = Profile.from_rankings(["A", "B", "C"], [["A", "B", "C"], ["B", "A", "C"]])
    >>> r = copeland(p, tiebreak=TieBreak(seed=3))
    >>> [str(v) for v in r.scores.values()]
    ['3/2', '3/2', '0']
    """
    tiebreak = tiebreak if tiebreak is not None else TieBreak()
    return _count("copeland", profile, seats, tiebreak, _copeland_pick)


def _minimax_pick(
    matrix: IntArray, remaining: list[int], stage: int, ties: list[Tie]
) -> tuple[dict[int, Fraction], list[int], str]:
    tallies: dict[int, Fraction] = {}
    for a in remaining:
        worst = 0
        for b in remaining:
            if matrix[b, a] > matrix[a, b]:
                worst = max(worst, int(matrix[b, a]))
        tallies[a] = Fraction(worst)
    least = min(tallies.values())
    best = [c for c in remaining if tallies[c] == least]
    return tallies, best, "worst pairwise defeat (winning votes); least is elected"


def minimax(profile: Profile, seats: int = 1, *, tiebreak: TieBreak | None = None) -> Result:
    """The minimax (Simpson–Kramer) method, winning-votes variant (Simpson, "On
    defining areas of voter choice", *Quarterly Journal of Economics* 83, 1969;
    Kramer, *Journal of Economic Theory* 16, 1977).

    A candidate's score is its worst pairwise defeat, measured by the votes of the
    winning side (``N[b, a]`` for each b with ``N[b, a] > N[a, b]``; 0 if undefeated);
    the least score wins, a tie is drawn by lot. Seats > 1: repeated application
    (module docs).

    >>> p = Profile.from_rankings(["A", "B", "C"], [(["A", "B", "C"], 4),
    ...     (["B", "C", "A"], 3), (["C", "A", "B"], 2)])
    >>> r = minimax(p)
    >>> r.elected_names, [int(v) for v in r.scores.values()]
    (('A',), [5, 6, 7])
    """
    tiebreak = tiebreak if tiebreak is not None else TieBreak()
    return _count("minimax", profile, seats, tiebreak, _minimax_pick)
