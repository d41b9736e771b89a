"""Apportionment: real official tables, textbook examples, and properties."""

from __future__ import annotations

import json
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sovet.counting import APPORTIONMENT_METHODS, apportion
from sovet.counting.base import TieBreak
from sovet.errors import InputError, UnresolvedTie

# --- Golden cases: the U.S. House (official Census Bureau tables) -------------------------


@pytest.mark.parametrize("year", [1960, 1980, 2000, 2020])
def test_us_house_by_huntington_hill_gives_the_official_seats(shared_data: Path, year: int) -> None:
    """All 50 states' seats for 435 seats, one each first, as the Census Bureau published."""
    data = json.loads((shared_data / "apportionment" / f"us_house_{year}.json").read_text())
    states = data["states"]
    claims = {s["name"]: s["apportionment_population"] for s in states}
    result = apportion("huntington-hill", claims, data["house_size"], min_seats=1)
    official = {s["name"]: s["official_seats"] for s in states}
    assert len(official) == 50
    assert result.seats == official
    assert result.total == 435
    assert result.ties == ()


def test_us_house_2020_differs_under_webster(shared_data: Path) -> None:
    """The method matters: Webster moves at least one seat on the same 2020 populations."""
    data = json.loads((shared_data / "apportionment" / "us_house_2020.json").read_text())
    claims = {s["name"]: s["apportionment_population"] for s in data["states"]}
    hh = apportion("huntington-hill", claims, 435, min_seats=1)
    webster = apportion("webster", claims, 435, min_seats=1)
    assert hh.seats != webster.seats
    assert webster.total == 435


# --- Golden cases: the Norwegian Storting (official valgresultat.no figures) -----------------


@pytest.mark.parametrize("year", [2013, 2021])
def test_storting_district_seats_by_modified_sainte_lague(shared_data: Path, year: int) -> None:
    """Reproduced: every county's DISTRICT seats for every list (19 counties, 150 seats).

    Each county's ordinary seats (county seats minus its one levelling seat) go to all
    lists, no threshold, by modified Sainte-Laguë (1.4, 3, 5, ...).
    """
    data = json.loads((shared_data / "apportionment" / f"norway_storting_{year}.json").read_text())
    counties = data["counties"]
    assert len(counties) == 19
    for county in counties:
        claims = {p["code"]: p["votes"] for p in county["parties"]}
        result = apportion("modified-sainte-lague", claims, county["district_seats"])
        official = {p["code"]: p["district_seats_official"] for p in county["parties"]}
        assert result.seats == official, county["county"]
    assert sum(c["district_seats"] for c in counties) == 150


@pytest.mark.parametrize("year", [2013, 2021])
def test_storting_levelling_seats_per_party_nationally(shared_data: Path, year: int) -> None:
    """Reproduced: how many of the 19 levelling seats each party won NATIONALLY.

    The election act's national step: the 169 seats (less the district seats of lists
    under 4 %) are apportioned by modified Sainte-Laguë among parties with at least 4 % of
    the national vote; a party whose district seats exceed its national figure is set
    aside with its seats and the step repeated; a party's levelling seats are its national
    figure less its district seats. NOT reproduced here: which county each levelling seat
    lands in (a further quotient procedure across counties).
    """
    data = json.loads((shared_data / "apportionment" / f"norway_storting_{year}.json").read_text())
    votes: Counter[str] = Counter()
    district: Counter[str] = Counter()
    levelling: Counter[str] = Counter()
    for county in data["counties"]:
        for p in county["parties"]:
            votes[p["code"]] += p["votes"]
            district[p["code"]] += p["district_seats_official"]
            levelling[p["code"]] += p["leveling_seats_official"]
    total = sum(votes.values())
    parties = [k for k in votes if Fraction(votes[k], total) >= Fraction(4, 100)]
    seats = data["total_seats"] - sum(district[k] for k in votes if k not in parties)
    while True:
        national = apportion("modified-sainte-lague", {k: votes[k] for k in parties}, seats)
        over = [k for k in parties if district[k] > national.seats[k]]
        if not over:
            break
        for k in over:
            parties.remove(k)
            seats -= district[k]
    ours = {k: national.seats[k] - district[k] for k in parties if national.seats[k] > district[k]}
    official = {k: v for k, v in levelling.items() if v}
    assert sum(official.values()) == data["leveling_seats_total"] == 19
    assert ours == official


# --- Textbook examples (worked by hand, as in the standard references) --------------------

FOUR = {"A": 100_000, "B": 80_000, "C": 30_000, "D": 20_000}
SIX = {"Y": 47_000, "W": 16_000, "R": 15_800, "G": 12_000, "B": 6_100, "P": 3_100}


def test_dhondt_and_sainte_lague_textbook() -> None:
    assert apportion("dhondt", FOUR, 8).seats == {"A": 4, "B": 3, "C": 1, "D": 0}
    assert apportion("sainte-lague", FOUR, 8).seats == {"A": 3, "B": 3, "C": 1, "D": 1}
    assert apportion("webster", FOUR, 8).seats == {"A": 3, "B": 3, "C": 1, "D": 1}


def test_largest_remainder_textbook() -> None:
    hare = apportion("hare", SIX, 10)
    assert hare.seats == {"Y": 5, "W": 2, "R": 1, "G": 1, "B": 1, "P": 0}
    assert hare.quota == 10_000
    droop = apportion("droop", SIX, 10)
    assert droop.quota == 9_091
    assert droop.seats == {"Y": 5, "W": 2, "R": 2, "G": 1, "B": 0, "P": 0}


def test_adams_gives_every_claim_a_seat_first() -> None:
    assert apportion("adams", FOUR, 8).seats == {"A": 3, "B": 3, "C": 1, "D": 1}
    assert apportion("adams", {"A": 1000, "B": 1, "C": 1}, 3).seats == {"A": 1, "B": 1, "C": 1}


def test_modified_sainte_lague_exact_tie_needs_a_lot() -> None:
    """100000/7 and 20000/1.4 are exactly equal: the 8th seat is a tie, never a float guess."""
    with pytest.raises(UnresolvedTie):
        apportion("modified-sainte-lague", FOUR, 8)
    result = apportion("modified-sainte-lague", FOUR, 8, tiebreak=TieBreak(seed=3))
    assert result.seats["B"] == 3 and result.seats["C"] == 1
    assert result.seats["A"] + result.seats["D"] == 4
    assert len(result.ties) == 1
    assert set(result.ties[0].among) == {0, 3}
    assert result.seed == 3
    assert apportion("modified-sainte-lague", FOUR, 7).seats == {"A": 3, "B": 3, "C": 1, "D": 0}


def test_huntington_hill_compares_geometric_means_exactly() -> None:
    """Seat 4: A (10, 1 seat) has priority 10/sqrt(2), B (17, 2 seats) 17/sqrt(6).

    Squared: 100/2 = 50 against 289/6 = 48.2, so A. Webster gives that seat to B
    instead: 17/5 = 3.4 against 10/3 = 3.33.
    """
    assert apportion("huntington-hill", {"A": 10, "B": 17}, 4).seats == {"A": 2, "B": 2}
    assert apportion("webster", {"A": 10, "B": 17}, 4).seats == {"A": 1, "B": 3}


def test_threshold_and_minimum() -> None:
    r = apportion("dhondt", {"A": 60, "B": 35, "C": 5}, 4, threshold=Fraction(1, 10))
    assert r.seats == {"A": 3, "B": 1, "C": 0}
    assert r.excluded == ("C",)
    # one seat each first, then D'Hondt continues from there: 1000/2 beats 10/2 twice.
    m = apportion("dhondt", {"A": 1000, "B": 10, "C": 10}, 5, min_seats=1)
    assert m.seats == {"A": 3, "B": 1, "C": 1}
    # largest remainder: the rest (2 seats) apportioned and added to the minimum.
    h = apportion("hare", {"A": 1000, "B": 10, "C": 10}, 5, min_seats=1)
    assert h.seats == {"A": 3, "B": 1, "C": 1}


def test_bad_input_is_refused() -> None:
    with pytest.raises(InputError, match="unknown apportionment method"):
        apportion("jefferson", FOUR, 3)
    with pytest.raises(InputError, match="non-negative"):
        apportion("dhondt", {"A": -1}, 3)
    with pytest.raises(InputError, match="exceeds"):
        apportion("dhondt", FOUR, 3, min_seats=1)
    with pytest.raises(InputError, match="positive"):
        apportion("dhondt", {"A": 0, "B": 0}, 3)


def test_registry_lists_every_method() -> None:
    assert set(APPORTIONMENT_METHODS) == {
        "dhondt",
        "sainte-lague",
        "modified-sainte-lague",
        "hare",
        "droop",
        "huntington-hill",
        "webster",
        "adams",
    }


# --- Properties -----------------------------------------------------------------------

claims_strategy = st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(values=claims_strategy, seats=st.integers(min_value=0, max_value=40), data=st.data())
def test_sum_and_minimum_hold_for_every_method(
    values: list[int], seats: int, data: st.DataObject
) -> None:
    method = data.draw(st.sampled_from(sorted(APPORTIONMENT_METHODS)))
    min_seats = data.draw(st.integers(min_value=0, max_value=2))
    assume(min_seats * len(values) <= seats)
    claims = {f"p{i}": v for i, v in enumerate(values)}
    result = apportion(method, claims, seats, min_seats=min_seats, tiebreak=TieBreak(seed=1))
    assert result.total == seats
    assert all(n >= min_seats for n in result.seats.values())
    assert list(result.seats) == list(claims)


@settings(max_examples=150, deadline=None)
@given(values=claims_strategy, seats=st.integers(min_value=1, max_value=40), data=st.data())
def test_house_monotonicity_of_huntington_hill_and_webster(
    values: list[int], seats: int, data: st.DataObject
) -> None:
    """Adding a seat never takes a seat from anyone (divisor methods)."""
    method = data.draw(st.sampled_from(["huntington-hill", "webster"]))
    min_seats = 1 if method == "huntington-hill" and seats >= len(values) else 0
    claims = {f"p{i}": v for i, v in enumerate(values)}
    try:
        small = apportion(method, claims, seats, min_seats=min_seats)
        large = apportion(method, claims, seats + 1, min_seats=min_seats)
    except UnresolvedTie:
        assume(False)
        return
    assert all(large.seats[k] >= small.seats[k] for k in claims)
    assert large.total == small.total + 1
