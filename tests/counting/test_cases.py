"""Golden cases: every ``cases/*.yaml`` election counted and compared with its published result.

A case file holds one election (``candidates``, ``ballots`` as ``[weight, [names]]``,
optional ``approval``, ``withdrawn``, ``pairwise``) and its ``results``, or a list of
such elections under ``elections``. Each result names a ``method`` and ``seats``
(default 1) and may give:

- ``elected``: names in order of election; ``committees``: acceptable sets instead;
- ``scores``: ``Result.scores`` by name; ``quota``; ``valid_votes``;
- ``rounds``: per stage, ``tallies`` (a subset by name), ``elected``, ``excluded``;
- ``winning_tallies``: each stage's tally of the candidate it elected;
- ``unresolved_tie: true``: without a seed the count must raise ``UnresolvedTie``;
  ``seed`` is then used, and ``ties`` lists the sets of candidates drawn among.

Values may be integers or fractions written ``"11/32"``. The sources are cited in a
comment at the top of each file.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

from sovet.counting import METHODS, Profile, TieBreak
from sovet.counting.condorcet import pairwise_matrix
from sovet.errors import UnresolvedTie

CASES = Path(__file__).parent / "cases"
OURS = {
    "plurality",
    "two-round",
    "approval",
    "borda",
    "schulze",
    "ranked-pairs",
    "copeland",
    "minimax",
    "phragmen",
}


def _elections() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        elections = data.get("elections", [data])
        for i, election in enumerate(elections):
            name = path.stem if len(elections) == 1 else f"{path.stem}[{i + 1}]"
            out.append((name, election))
    return out


ELECTIONS = _elections()
RESULTS = [
    pytest.param(election, spec, id=f"{name}-{spec['method']}-{spec.get('seats', 1)}")
    for name, election in ELECTIONS
    for spec in election["results"]
]


def _profile(election: dict[str, Any]) -> Profile:
    return Profile.from_rankings(
        election["candidates"],
        [(list(names), int(weight)) for weight, names in election["ballots"]],
        approval=bool(election.get("approval", False)),
        withdrawn=election.get("withdrawn", ()),
    )


def _value(raw: object) -> Fraction:
    return Fraction(str(raw))


def test_cases_exist_for_each_of_our_methods() -> None:
    covered = {spec["method"] for _, election in ELECTIONS for spec in election["results"]}
    assert covered >= OURS


@pytest.mark.parametrize(("election", "spec"), RESULTS)
def test_published_result(election: dict[str, Any], spec: dict[str, Any]) -> None:
    profile = _profile(election)
    method = METHODS[spec["method"]]
    seats = int(spec.get("seats", 1))
    seed = spec.get("seed")
    if spec.get("unresolved_tie"):
        with pytest.raises(UnresolvedTie):
            method(profile, seats, tiebreak=TieBreak())
    result = method(profile, seats, tiebreak=TieBreak(seed=seed))
    names = profile.candidates

    if "elected" in spec:
        assert list(result.elected_names) == spec["elected"]
    if "committees" in spec:
        assert set(result.elected_names) in [set(c) for c in spec["committees"]]
        assert len(result.elected_names) == len(spec["committees"][0])
    if "scores" in spec:
        got = {names[c]: v for c, v in result.scores.items()}
        assert got == {name: _value(v) for name, v in spec["scores"].items()}
    if "quota" in spec:
        assert result.quota == _value(spec["quota"])
    if "valid_votes" in spec:
        assert result.valid_votes == _value(spec["valid_votes"])
    if "rounds" in spec:
        assert len(result.rounds) == len(spec["rounds"])
        for stage, want in zip(result.rounds, spec["rounds"], strict=True):
            tallies = {names[c]: v for c, v in stage.tallies.items()}
            for name, value in want.get("tallies", {}).items():
                assert tallies[name] == _value(value), (stage.number, name)
            if "elected" in want:
                assert [names[c] for c in stage.elected] == want["elected"]
            if "excluded" in want:
                assert sorted(names[c] for c in stage.excluded) == sorted(want["excluded"])
    if "winning_tallies" in spec:
        got_tallies = [stage.tallies[stage.elected[0]] for stage in result.rounds]
        assert got_tallies == [_value(v) for v in spec["winning_tallies"]]
    if "ties" in spec:
        assert [{names[c] for c in t.among} for t in result.ties] == [set(t) for t in spec["ties"]]
        assert all(t.how == "lot" for t in result.ties)
        assert result.seed == seed
    else:
        assert result.ties == ()


@pytest.mark.parametrize(
    "election",
    [pytest.param(e, id=name) for name, e in ELECTIONS if "pairwise" in e],
)
def test_published_pairwise_table(election: dict[str, Any]) -> None:
    profile = _profile(election)
    index = {name: i for i, name in enumerate(profile.candidates)}
    matrix = pairwise_matrix(profile)
    want = [[0] * len(index) for _ in index]
    for a, row in election["pairwise"].items():
        for b, value in row.items():
            want[index[a]][index[b]] = int(value)
    assert matrix.tolist() == want
