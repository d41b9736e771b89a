"""The pairwise matrix and the rules particular to each Condorcet method."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sovet.counting import Profile, TieBreak, condorcet
from sovet.counting.condorcet import (
    copeland,
    minimax,
    pairwise_matrix,
    ranked_pairs,
    schulze,
    strongest_paths,
)
from sovet.errors import InputError, UnresolvedTie


def _defeats(d: list[list[int]]) -> np.ndarray:
    n = np.array(d, dtype=np.int64)
    return np.where(n > n.T, n, 0)


def test_strongest_paths_of_schulze_example_1() -> None:
    # Wikipedia "Schulze method" (Schulze's Example 1): published d[X, Y] and p[X, Y].
    d = [
        [0, 20, 26, 30, 22],
        [25, 0, 16, 33, 18],
        [19, 29, 0, 17, 24],
        [15, 12, 28, 0, 14],
        [23, 27, 21, 31, 0],
    ]
    p = [
        [0, 28, 28, 30, 24],
        [25, 0, 28, 33, 24],
        [25, 29, 0, 29, 24],
        [25, 28, 28, 0, 24],
        [25, 28, 28, 31, 0],
    ]
    assert strongest_paths(_defeats(d)).tolist() == p


@pytest.mark.parametrize(
    ("ballots", "paths"),
    [
        # Electowiki "Schulze method" Example 2: published strongest paths.
        (
            [
                (5, "ACBD"),
                (2, "ACDB"),
                (3, "ADCB"),
                (4, "BACD"),
                (3, "CBDA"),
                (3, "CDBA"),
                (1, "DACB"),
                (5, "DBAC"),
                (4, "DCBA"),
            ],
            [[0, 20, 20, 17], [19, 0, 19, 17], [19, 21, 0, 17], [18, 18, 18, 0]],
        ),
        # Electowiki Example 3.
        (
            [
                (3, "ABDEC"),
                (5, "ADEBC"),
                (1, "ADECB"),
                (2, "BADEC"),
                (2, "BDECA"),
                (4, "CABDE"),
                (6, "CBADE"),
                (2, "DBECA"),
                (5, "DECAB"),
            ],
            [
                [0, 18, 20, 21, 21],
                [19, 0, 19, 19, 19],
                [19, 18, 0, 19, 19],
                [19, 18, 20, 0, 30],
                [19, 18, 20, 19, 0],
            ],
        ),
    ],
)
def test_strongest_paths_of_electowiki_examples(
    ballots: list[tuple[int, str]], paths: list[list[int]]
) -> None:
    names = sorted(set(ballots[0][1]))
    profile = Profile.from_rankings(names, [(list(order), w) for w, order in ballots])
    defeats = _defeats(pairwise_matrix(profile).tolist())
    assert strongest_paths(defeats).tolist() == paths


def _naive_pairwise(rows: list[list[int]], weights: list[int], m: int) -> list[list[int]]:
    out = [[0] * m for _ in range(m)]
    for row, weight in zip(rows, weights, strict=True):
        place = {c: i for i, c in enumerate(row)}
        for a in range(m):
            for b in range(m):
                if a != b and place.get(a, m) < place.get(b, m):
                    out[a][b] += weight
    return out


@st.composite
def ballots(draw: st.DrawFn) -> tuple[int, list[list[int]], list[int]]:
    m = draw(st.integers(1, 6))
    rows = draw(
        st.lists(
            st.permutations(range(m)).flatmap(
                lambda perm: st.integers(0, len(perm)).map(lambda k: list(perm[:k]))
            ),
            max_size=25,
        )
    )
    weights = draw(
        st.lists(st.integers(0, 2**40) | st.integers(1, 3), min_size=len(rows), max_size=len(rows))
    )
    return m, rows, weights


def _profile(m: int, rows: list[list[int]], weights: list[int]) -> Profile:
    names = [f"c{i}" for i in range(m)]
    return Profile.from_rankings(
        names, [([names[c] for c in row], w) for row, w in zip(rows, weights, strict=True)]
    )


@settings(max_examples=150, deadline=None)
@given(ballots())
def test_pairwise_matrix_counts_every_ballot_exactly(
    case: tuple[int, list[list[int]], list[int]],
) -> None:
    m, rows, weights = case
    got = pairwise_matrix(_profile(m, rows, weights))
    assert got.dtype == np.int64
    assert got.tolist() == _naive_pairwise(rows, weights, m)


def test_pairwise_matrix_in_blocks_equals_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(5)
    ranks = np.argsort(rng.random((997, 7)), axis=1).astype(np.int16)
    ranks[rng.random((997, 7)) < 0.2] = -1
    ranks = np.sort(np.where(ranks < 0, 99, ranks), axis=1)  # padding must trail
    ranks[ranks == 99] = -1
    profile = Profile(
        candidates=tuple("ABCDEFG"),
        rankings=ranks,
        weights=rng.integers(1, 50, 997),
    )
    whole = pairwise_matrix(profile)
    monkeypatch.setattr(condorcet, "_CHUNK_CELLS", 80)  # blocks of 10 ballots
    assert pairwise_matrix(profile).tolist() == whole.tolist()
    rows = [[c for c in r if c >= 0] for r in ranks.tolist()]
    assert whole.tolist() == _naive_pairwise(rows, profile.weights.tolist(), 7)


# 2 C>A, 4 B>C, 3 A: A beats B 5-4, B beats C 4-2, C beats A 6-3.
# Worst defeats by winning votes: A 6, B 5, C 4 -> C. By margins: A 3, B 1, C 2 -> B.
CYCLE = Profile.from_rankings(["A", "B", "C"], [(["C", "A"], 2), (["B", "C"], 4), (["A"], 3)])


def test_minimax_measures_defeats_by_winning_votes_not_margins() -> None:
    result = minimax(CYCLE)
    assert result.elected_names == ("C",)
    assert result.scores == {0: 6, 1: 5, 2: 4}


def test_schulze_uses_winning_votes() -> None:
    # With three candidates Schulze (winning votes) drops the weakest defeat, B>C (4).
    assert schulze(CYCLE).elected_names == ("C",)


def test_ranked_pairs_locks_by_margin() -> None:
    # Margins: C>A 3, A>B 1, B>C 2. Lock C>A, then B>C; A>B would close a cycle.
    result = ranked_pairs(CYCLE)
    assert result.elected_names == ("B",)
    assert result.ties == ()


def test_ranked_pairs_draws_a_tie_breaking_ranking_when_equal_margins_conflict() -> None:
    profile = Profile.from_rankings(
        ["A", "B", "C"], [["A", "B", "C"], ["B", "C", "A"], ["C", "A", "B"]]
    )
    with pytest.raises(UnresolvedTie):
        ranked_pairs(profile)
    beats = {0: 1, 1: 2, 2: 0}  # A>B, B>C, C>A, each by one vote
    winners = set()
    for seed in range(12):
        result = ranked_pairs(profile, tiebreak=TieBreak(seed=seed))
        assert result == ranked_pairs(profile, tiebreak=TieBreak(seed=seed))
        draws = [t for t in result.ties if t.purpose == "tie-breaking ranking"]
        assert [len(t.among) for t in draws] == [3, 2]
        order = [t.chosen for t in draws]
        last = ({0, 1, 2} - set(order)).pop()
        # The last-ranked winner's pair is taken last and dropped, so its loser is unbeaten.
        assert result.elected == (beats[last],)
        assert result.seed == seed
        winners.add(result.elected[0])
    assert winners == {0, 1, 2}


def test_copeland_counts_pairwise_ties_as_halves() -> None:
    profile = Profile.from_rankings(
        ["A", "B", "C", "D"], [["A", "B", "C", "D"], ["B", "A", "D", "C"], ["C", "A", "B"]]
    )
    # A-B 2:1, A-C 2:1, A-D 3:0, B-C 2:1, B-D 3:0, C-D 2:1 (the third ballot leaves D out).
    result = copeland(profile)
    assert result.elected_names == ("A",)
    two = {0: Fraction(3), 1: Fraction(2), 2: Fraction(1), 3: Fraction(0)}
    assert result.scores == two
    tie = Profile.from_rankings(["A", "B", "C"], [["A", "B"], ["B", "A"], ["C"]])
    # A-B 1:1 (half each), A-C 2:1, B-C 2:1.
    assert copeland(tie, tiebreak=TieBreak(seed=1)).scores == {
        0: Fraction(3, 2),
        1: Fraction(3, 2),
        2: Fraction(0),
    }


@pytest.mark.parametrize("method", [schulze, ranked_pairs, copeland, minimax])
def test_withdrawn_condorcet_winner_cannot_win(method: object) -> None:
    profile = Profile.from_rankings(
        ["A", "B", "C"],
        [(["A", "B", "C"], 5), (["B", "A", "C"], 3), (["C", "A", "B"], 2)],
        withdrawn=["A"],
    )
    result = method(profile, 3)  # type: ignore[operator]
    assert result.elected_names == ("B", "C")


@pytest.mark.parametrize("method", [schulze, ranked_pairs, copeland, minimax])
def test_several_seats_by_repeated_application(method: object) -> None:
    # Condorcet order A > B > C > D (a full ranking by 3 of 5 voters; the rest reversed).
    profile = Profile.from_rankings(
        ["D", "C", "B", "A"], [(["A", "B", "C", "D"], 3), (["D", "C", "B", "A"], 2)]
    )
    result = method(profile, 3)  # type: ignore[operator]
    assert result.elected_names == ("A", "B", "C")
    assert [r.elected for r in result.rounds] == [(3,), (2,), (1,)]


@pytest.mark.parametrize("method", [schulze, ranked_pairs, copeland, minimax])
def test_approval_ballots_are_refused(method: object) -> None:
    profile = Profile.from_rankings(["A", "B"], [["A"]], approval=True)
    with pytest.raises(InputError, match="ranked ballots"):
        method(profile)  # type: ignore[operator]
