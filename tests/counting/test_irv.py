"""Instant-runoff voting, checked by hand and against Minneapolis 2017."""

from __future__ import annotations

import gzip
import json
from fractions import Fraction
from pathlib import Path

import pytest

from sovet.counting import count
from sovet.counting.base import Profile, TieBreak
from sovet.counting.formats import parse_ballots
from sovet.counting.irv import batch_to_eliminate, count_irv, majority_threshold
from sovet.errors import InputError, UnresolvedTie

MPLS = "2017_minneapolis_mayor_ballots.csv.gz"


def test_majority_of_continuing_votes_after_exhaustion() -> None:
    # Round 1: A 4, B 3, C 2, D 1 (10): no majority. D's ballot exhausts.
    # Round 2: A 4, B 3, C 2 (9), threshold 5. C's 2 ballots go to B: B 5 of 9 wins.
    p = Profile.from_rankings(
        ["A", "B", "C", "D"],
        [(["A"], 4), (["B"], 3), (["C", "B"], 2), (["D"], 1)],
    )
    r = count("irv", p, 1)
    assert r.elected_names == ("B",)
    assert r.excluded_names == ("D", "C")
    assert [dict(x.tallies) for x in r.rounds] == [
        {0: 4, 1: 3, 2: 2, 3: 1},
        {0: 4, 1: 3, 2: 2},
        {0: 4, 1: 5},
    ]
    assert r.rounds[1].nontransferable == 1
    assert r.rounds[2].transfers == {1: Fraction(2)}
    assert r.quota == majority_threshold(9) == 5


def test_elimination_tie_goes_by_earlier_round_then_lot() -> None:
    # Round 1: A 5, B 3, C 2, D 2 -> C and D tie; C and D never differed -> lot.
    p = Profile.from_rankings(
        ["A", "B", "C", "D"],
        [(["A"], 5), (["B"], 3), (["C", "B"], 2), (["D", "B"], 2)],
    )
    with pytest.raises(UnresolvedTie):
        count_irv(p, 1)
    r = count_irv(p, 1, tiebreak=TieBreak(seed=1))
    assert r.ties[0].how == "lot" and set(r.ties[0].among) == {2, 3}
    # Round 1: A 6, B 4, C 3, D 1; D's ballot goes to C -> B 4, C 4: C was lower
    # in round 1, so C goes (not B, which a first-listed rule would pick).
    q = Profile.from_rankings(
        ["A", "B", "C", "D"],
        [(["A"], 6), (["B"], 4), (["C"], 3), (["D", "C"], 1)],
    )
    r2 = count_irv(q, 1)
    assert r2.excluded_names[:2] == ("D", "C")
    assert r2.ties[0].how == "earlier-stage"


def test_batch_elimination_rule() -> None:
    assert batch_to_eliminate({0: 0, 1: 1, 2: 119, 3: 137, 4: 184}) == [0, 1, 2]
    assert batch_to_eliminate({0: 1, 1: 2, 2: 2, 3: 10}) == [0, 1, 2]
    assert batch_to_eliminate({0: 2, 1: 2, 2: 3}) == []
    assert batch_to_eliminate({0: 1, 1: 5}) == []


def test_irv_refuses_more_than_one_seat() -> None:
    p = Profile.from_rankings(["A", "B"], [["A"]])
    with pytest.raises(InputError, match="one seat"):
        count_irv(p, 2)


def test_minneapolis_2017_matches_the_reference_tabulation(shared_data: Path) -> None:
    root = shared_data / "elections" / "us_rcv"
    data = (root / MPLS).read_bytes()
    reference = json.loads((root / "2017_minneapolis_mayor_reference_result.json").read_text())
    rules = reference["tabulation_rules_used (RCTab config)"]
    # The reader's defaults are these rules; the count options are the others.
    assert rules["overvoteRule"] == "alwaysSkipToNextRank"
    assert rules["maxSkippedRanksAllowed"] == "1"
    assert rules["exhaustOnDuplicateCandidate"] is False
    assert rules["batchElimination"] is True
    assert rules["winnerElectionMode"] == "singleWinnerMajority"
    profile = parse_ballots(MPLS, data).profile
    result = count_irv(profile, 1, batch_elimination=True, eliminate_first=["Undeclared Write-ins"])
    assert list(result.elected_names) == reference["winners"] == ["Jacob Frey"]
    assert len(result.rounds) == len(reference["rounds"])
    blank = sum(
        1
        for line in gzip.decompress(data).decode().splitlines()[1:]
        if line.split(",")[1:4] == ["undervote"] * 3
    )
    first = reference["rounds"][0]["inactive_ballots"]
    for ours, theirs in zip(result.rounds, reference["rounds"], strict=True):
        tallies = {profile.candidates[c]: v for c, v in ours.tallies.items()}
        assert tallies == theirs["tally"], ours.number
        assert {profile.candidates[c] for c in ours.excluded} == set(theirs["eliminated"])
        assert ours.note.startswith(f"threshold {theirs['threshold']}")
        inactive = theirs["inactive_ballots"]
        # The reference does not list blank ballots (all three ranks undervote)
        # as inactive; everything else that stops counting is.
        assert (
            ours.nontransferable - blank
            == inactive["exhaustedChoices"]
            + inactive["skippedRankings"]
            + inactive["overvotes"]
            + inactive["repeatedRankings"]
        )
    assert first["skippedRankings"] == 38
    assert [profile.candidates[c] for c in result.rounds[-1].elected] == ["Jacob Frey"]
