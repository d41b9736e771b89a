"""Properties every registered counting method must have (Hypothesis).

The methods are taken from ``sovet.counting.METHODS`` when the tests are collected,
so a method added to the registry is checked without touching this file.

- anonymity: shuffling the ballots, or splitting a weighted ballot into single
  ballots, changes nothing;
- neutrality: relabelling the candidates relabels the result (counted without a
  seed, so no lot can hide a bias);
- Condorcet methods elect the Condorcet winner whenever there is one;
- every method gives a valid result for an empty election, a single voter and a
  perfectly tied election: without a seed either a result or a clear
  ``UnresolvedTie``; with a seed always a result, the same each time, carrying it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sovet.counting import METHODS, Profile, Result, TieBreak
from sovet.errors import InputError, UnresolvedTie

CONDORCET = ("schulze", "ranked-pairs", "copeland", "minimax")
# Methods that must fill several seats (the others may refuse seats > 1).
SEVERAL_SEATS = {
    "plurality",
    "approval",
    "borda",
    "phragmen",
    "scottish-stv",
    "meek-stv",
    *CONDORCET,
}
REGISTERED = sorted(METHODS)
SETTINGS = settings(max_examples=30, deadline=None)


def _reads_approval_ballots(method: str) -> bool:
    probe = Profile.from_rankings(["A", "B"], [["A"], ["A", "B"]], approval=True)
    try:
        METHODS[method](probe, 1, tiebreak=TieBreak(seed=0))
    except InputError:
        return False  # a ranked method refusing approval ballots
    return True


# (method, approval ballots?) pairs: every method on ranked ballots, and the methods
# that read approval ballots on those too.
KINDS = [pytest.param(m, False, id=f"{m}-ranked") for m in REGISTERED] + [
    pytest.param(m, True, id=f"{m}-approval") for m in REGISTERED if _reads_approval_ballots(m)
]

Method = Callable[..., Result]


@st.composite
def profiles(draw: st.DrawFn, *, approval: bool = False, max_candidates: int = 5) -> Profile:
    m = draw(st.integers(1, max_candidates))
    names = [f"c{i}" for i in range(m)]
    ballot = st.permutations(names).flatmap(
        lambda perm: st.integers(0 if approval else 1, len(perm)).map(lambda k: perm[:k])
    )
    rows = draw(st.lists(st.tuples(ballot, st.integers(1, 3)), max_size=12))
    return Profile.from_rankings(names, [(list(r), w) for r, w in rows], approval=approval)


def run(method: str, profile: Profile, seats: int, seed: int | None) -> Result | str:
    """The result, or "tie" if a lot was needed and no seed given."""
    try:
        return METHODS[method](profile, seats, tiebreak=TieBreak(seed=seed))
    except UnresolvedTie as err:
        assert "seed" in str(err)
        return "tie"
    except InputError:
        # The only refusal allowed: several seats for a single-winner method.
        assume(seats == 1 or method in SEVERAL_SEATS)
        raise


def reorder(profile: Profile, rows: list[int]) -> Profile:
    return Profile(
        candidates=profile.candidates,
        rankings=profile.rankings[rows],
        weights=profile.weights[rows],
        withdrawn=profile.withdrawn,
        approval=profile.approval,
    )


def split(profile: Profile) -> Profile:
    """Each ballot of weight w as w ballots of weight 1."""
    rows = np.repeat(np.arange(len(profile.weights)), profile.weights)
    return Profile(
        candidates=profile.candidates,
        rankings=profile.rankings[rows],
        weights=np.ones(len(rows), dtype=np.int64),
        approval=profile.approval,
    )


def as_json(outcome: Result | str) -> Any:
    return outcome if isinstance(outcome, str) else outcome.to_json()


@pytest.mark.parametrize(("method", "approval"), KINDS)
@SETTINGS
@given(data=st.data())
def test_anonymity(method: str, approval: bool, data: st.DataObject) -> None:
    profile = data.draw(profiles(approval=approval))
    seats = data.draw(st.integers(1, 3))
    seed = data.draw(st.none() | st.integers(0, 2**32))
    order = data.draw(st.permutations(range(len(profile.weights))))
    expected = as_json(run(method, profile, seats, seed))
    assert as_json(run(method, reorder(profile, list(order)), seats, seed)) == expected
    assert as_json(run(method, split(profile), seats, seed)) == expected


def relabel(profile: Profile, perm: list[int]) -> Profile:
    """Candidate c becomes candidate perm[c], keeping its name."""
    names = [""] * len(perm)
    for c, new in enumerate(perm):
        names[new] = profile.candidates[c]
    lookup = np.array([*perm, -1], dtype=np.int16)  # -1 (padding) stays -1
    return Profile(
        candidates=tuple(names),
        rankings=lookup[profile.rankings],
        weights=profile.weights,
        approval=profile.approval,
    )


def by_name(result: Result) -> dict[str, Any]:
    """The result with candidates named, orders within a stage and notes forgotten."""
    data = result.to_json()
    return {
        "elected": sorted(data["elected"]),  # type: ignore[arg-type]
        "excluded": sorted(data["excluded"]),  # type: ignore[arg-type]
        "quota": data["quota"],
        "scores": data["scores"],
        "rounds": [
            {
                **{k: v for k, v in r.items() if k != "note"},  # free text, may list by index
                "elected": sorted(r["elected"]),
                "excluded": sorted(r["excluded"]),
            }
            for r in data["rounds"]  # type: ignore[attr-defined]
        ],
        "ties": [{**t, "among": sorted(t["among"])} for t in data["ties"]],  # type: ignore[attr-defined]
    }


@pytest.mark.parametrize(("method", "approval"), KINDS)
@SETTINGS
@given(data=st.data())
def test_neutrality(method: str, approval: bool, data: st.DataObject) -> None:
    profile = data.draw(profiles(approval=approval))
    seats = data.draw(st.integers(1, 3))
    perm = list(data.draw(st.permutations(range(len(profile.candidates)))))
    first = run(method, profile, seats, None)
    second = run(method, relabel(profile, perm), seats, None)
    if isinstance(first, str) or isinstance(second, str):
        assert first == second  # a lot is needed in both labellings or in neither
        return
    assert not any(t.how == "lot" for t in first.ties + second.ties)
    assert by_name(first) == by_name(second)


def condorcet_winner(profile: Profile) -> int | None:
    m = len(profile.candidates)
    wins = np.zeros((m, m), dtype=np.int64)
    for row, weight in zip(profile.rankings.tolist(), profile.weights.tolist(), strict=True):
        place = {c: i for i, c in enumerate(row) if c >= 0}
        for a in range(m):
            for b in range(m):
                if place.get(a, m) < place.get(b, m):
                    wins[a, b] += weight
    for a in range(m):
        if all(wins[a, b] > wins[b, a] for b in range(m) if b != a):
            return a
    return None


@pytest.mark.parametrize("method", [m for m in CONDORCET if m in METHODS])
@settings(max_examples=80, deadline=None)
@given(profile=profiles(max_candidates=6))
def test_condorcet_winner_is_elected(method: str, profile: Profile) -> None:
    winner = condorcet_winner(profile)
    assume(winner is not None)
    result = METHODS[method](profile, 1, tiebreak=TieBreak(seed=1))
    assert result.elected == (winner,)
    assert not any(t.purpose == "elect" for t in result.ties)


def test_condorcet_methods_are_registered() -> None:
    assert set(CONDORCET) <= set(METHODS)


EDGE = {
    "empty": Profile.from_rankings(["A", "B", "C"], []),
    "one-voter": Profile.from_rankings(["A", "B", "C"], [["B", "C", "A"]]),
    "all-tied": Profile.from_rankings(
        ["A", "B", "C"], [["A", "B", "C"], ["B", "C", "A"], ["C", "A", "B"]]
    ),
}


def check_valid(result: Result, method: str, profile: Profile, seats: int) -> None:
    assert isinstance(result, Result)
    assert result.method == method
    assert result.seats == seats
    assert result.candidates == profile.candidates
    assert len(set(result.elected)) == len(result.elected)
    assert all(0 <= c < len(profile.candidates) for c in result.elected)
    assert len(result.elected) == min(seats, len(profile.candidates))
    assert not set(result.elected) & set(result.excluded)
    json.dumps(result.to_json())  # stable JSON: plain data only


@pytest.mark.parametrize("seats", [1, 2])
@pytest.mark.parametrize("case", sorted(EDGE))
@pytest.mark.parametrize("method", REGISTERED)
def test_edge_elections(method: str, case: str, seats: int) -> None:
    profile = EDGE[case]
    fn = METHODS[method]
    try:
        unseeded: Result | None = fn(profile, seats, tiebreak=TieBreak())
    except UnresolvedTie as err:
        assert "seed" in str(err)
        unseeded = None
    except InputError as err:
        assert seats > 1 and method not in SEVERAL_SEATS, err  # a single-winner method
        with pytest.raises(InputError):
            fn(profile, seats, tiebreak=TieBreak(seed=42))
        return
    if unseeded is not None:
        check_valid(unseeded, method, profile, seats)
        assert not any(t.how == "lot" for t in unseeded.ties)
        if case == "one-voter":
            assert unseeded.elected[0] == 1  # the only voter's favourite, B
    seeded = fn(profile, seats, tiebreak=TieBreak(seed=42))
    check_valid(seeded, method, profile, seats)
    assert seeded.to_json() == fn(profile, seats, tiebreak=TieBreak(seed=42)).to_json()
    lots = [t for t in seeded.ties if t.how == "lot"]
    if unseeded is None:
        assert lots, "a lot was needed, so the seeded result must record it"
    if lots or case != "one-voter":
        assert seeded.seed == 42
    if unseeded is not None:
        assert seeded.elected == unseeded.elected


@pytest.mark.parametrize("bad", [3, 7, -2])
@pytest.mark.parametrize("method", REGISTERED)
def test_ballots_naming_no_candidate_are_refused(method: str, bad: int) -> None:
    profile = Profile(
        candidates=("A", "B", "C"),
        rankings=np.array([[0, 1, -1], [bad, 0, -1]], dtype=np.int16),
        weights=np.array([1, 1], dtype=np.int64),
    )
    with pytest.raises(InputError):
        METHODS[method](profile, 1, tiebreak=TieBreak(seed=1))


def strike(profile: Profile, gone: int) -> Profile:
    """The profile as if candidate ``gone`` had never stood."""
    keep = [c for c in range(len(profile.candidates)) if c != gone]
    lookup = np.full(len(profile.candidates) + 1, -1, dtype=np.int16)
    lookup[keep] = np.arange(len(keep))
    rows = [[int(c) for c in lookup[row] if c >= 0] for row in profile.rankings.tolist()]
    width = max((len(r) for r in rows), default=0)
    rankings = np.full((len(rows), width), -1, dtype=np.int16)
    for i, row in enumerate(rows):
        rankings[i, : len(row)] = row
    return Profile(
        candidates=tuple(profile.candidates[c] for c in keep),
        rankings=rankings,
        weights=profile.weights,
        approval=profile.approval,
    )


@pytest.mark.parametrize(("method", "approval"), KINDS)
@SETTINGS
@given(data=st.data())
def test_withdrawn_candidate_counts_as_never_standing(
    method: str, approval: bool, data: st.DataObject
) -> None:
    profile = data.draw(profiles(approval=approval))
    assume(len(profile.candidates) >= 2)
    gone = data.draw(st.integers(0, len(profile.candidates) - 1))
    seats = data.draw(st.integers(1, 2))
    withdrawn = Profile(
        candidates=profile.candidates,
        rankings=profile.rankings,
        weights=profile.weights,
        withdrawn=frozenset({gone}),
        approval=profile.approval,
    )
    first = run(method, withdrawn, seats, None)
    second = run(method, strike(profile, gone), seats, None)
    if isinstance(first, str) or isinstance(second, str):
        assert first == second  # a lot is needed in both or in neither
        return
    assert first.elected_names == second.elected_names
    name = profile.candidates[gone]
    assert {k: v for k, v in first.to_json()["scores"].items() if k != name} == second.to_json()[
        "scores"
    ]
