"""The Borda count's result beyond its winners: what mutation testing showed no test read."""

from __future__ import annotations

from fractions import Fraction

import pytest

from sovet.counting.base import Profile, TieBreak
from sovet.counting.borda import borda, borda_scores
from sovet.errors import InputError


def test_borda_reports_valid_votes_and_one_round_with_the_elected() -> None:
    p = Profile.from_rankings(
        ["A", "B", "C"], [(["A", "B", "C"], 3), (["C"], 2), ([], 4), (["B"], 1)]
    )
    r = borda(p, 1, tiebreak=TieBreak(seed=1))
    assert r.valid_votes == 6  # the 4 empty ballots name nobody
    assert [(x.number, x.elected) for x in r.rounds] == [(1, r.elected)]
    assert r.rounds[0].tallies == r.scores == {0: 6, 1: 5, 2: 4}
    assert r.method == "borda" and r.seats == 1 and r.elected_names == ("A",)


def test_borda_refuses_approval_ballots_by_name() -> None:
    p = Profile.from_rankings(["A", "B"], [["A"]], approval=True)
    with pytest.raises(InputError, match=r"^borda needs ranked ballots"):
        borda(p, 1)


def test_borda_scores_are_exact_integers_past_what_a_float_holds() -> None:
    weight = 2**62 + 1  # 2 × weight = 2^63 + 2, which no float64 holds
    p = Profile.from_rankings(["A", "B", "C"], [(["A", "B", "C"], weight)])
    assert borda_scores(p) == {0: 2 * weight, 1: weight, 2: 0}
    withdrawn = Profile.from_rankings(
        ["A", "B", "C", "D"], [(["D", "A", "B", "C"], weight)], withdrawn=["D"]
    )
    assert borda_scores(withdrawn) == {0: 2 * weight, 1: weight, 2: 0}
    assert all(type(v) is int for v in borda_scores(withdrawn).values())
    assert borda(p, 1).scores[0] == Fraction(2 * weight)


def test_borda_with_no_ballot_column_scores_zero() -> None:
    p = Profile.from_rankings(["A", "B"], [])
    assert borda_scores(p) == {0: 0, 1: 0}
