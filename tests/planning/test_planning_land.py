"""Land division: exact shares by the norm, envy and proportionality figures."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sovet.errors import InputError
from sovet.planning.land import Household, Parcel, divide_land

PARCELS = [
    Parcel("black earth", F(12), F(3, 2)),
    Parcel("meadow", F(20), F(1)),
    Parcel("sand", F(10), F(1, 2)),
]
HOUSES = [Household("Ivanovs", 7, 2), Household("Petrovs", 3, 3), Household("Sidorovs", 2, 1)]


def _areas(division: object) -> dict[str, F]:
    out: dict[str, F] = {}
    for s in division.shares:  # type: ignore[attr-defined]
        out[s.parcel] = out.get(s.parcel, F(0)) + s.area
    return out


@pytest.mark.parametrize("cut", ["strips", "blocks"])
def test_exact_division_per_eater(cut: str) -> None:
    d = divide_land(PARCELS, HOUSES, norm="per_eater", cut=cut)
    total = F(12) * F(3, 2) + 20 + F(10) / 2  # 43 effective
    assert dict(d.entitlement) == {
        "Ivanovs": total * 7 / 12,
        "Petrovs": total * 3 / 12,
        "Sidorovs": total * 2 / 12,
    }
    assert dict(d.received) == dict(d.entitlement)
    assert d.envy == 0 and d.proportionality == 1
    assert _areas(d) == {"black earth": 12, "meadow": 20, "sand": 10}  # all land, no more


def test_per_worker_norm_changes_entitlements() -> None:
    d = divide_land(PARCELS, HOUSES, norm="per_worker", cut="blocks")
    ent = dict(d.entitlement)
    assert ent["Petrovs"] == F(43) * 3 / 6 and ent["Ivanovs"] == F(43) * 2 / 6


def test_blocks_cut_few_parcels() -> None:
    d = divide_land(PARCELS, HOUSES, norm="per_eater", cut="blocks")
    # Best land first: the Ivanovs' 25 1/12 effective = all 12 of black earth (18)
    # + 7 1/12 of meadow.
    assert [(s.household, s.parcel, s.area) for s in d.shares if s.household == "Ivanovs"] == [
        ("Ivanovs", "black earth", F(12)),
        ("Ivanovs", "meadow", F(85, 12)),
    ]
    assert len(d.shares) <= len(PARCELS) + len(HOUSES) - 1


def test_whole_parcels_go_to_least_land_per_head() -> None:
    parcels = [Parcel(f"p{i}", F(a)) for i, a in enumerate([9, 7, 5, 3, 2, 1])]
    d = divide_land(
        parcels, [Household("A", 2, 1), Household("B", 1, 1)], norm="per_eater", cut="whole"
    )
    got = dict(d.received)
    # p0 (9) -> A (tie, listed first); p1 (7) -> B; p2 (5): A 4.5/head, B 7 -> A;
    # p3 (3): A 7, B 7 -> A;
    # p4 (2): A 8.5, B 7 -> B; p5 (1): A 8.5, B 9 -> A.
    assert got == {"A": F(18), "B": F(9)}
    assert d.envy == 0 and d.proportionality == 1
    d2 = divide_land(
        parcels[:2], [Household("A", 1, 1), Household("B", 1, 1)], norm="per_eater", cut="whole"
    )
    assert d2.envy == 2 and d2.proportionality == F(7, 8)


def test_bad_input_is_named() -> None:
    with pytest.raises(InputError, match="household 'X': need 0 ≤ workers ≤ eaters"):
        divide_land(PARCELS, [Household("X", 1, 2)], norm="per_eater")
    with pytest.raises(InputError, match="parcel 'bog': quality"):
        divide_land([Parcel("bog", F(1), F(0))], HOUSES, norm="per_eater")
    with pytest.raises(InputError, match="per_hectare"):
        divide_land(PARCELS, HOUSES, norm="per_hectare")
    with pytest.raises(InputError, match="no household has anyone"):
        divide_land(PARCELS, [Household("Old", 2, 0)], norm="per_worker")


@settings(max_examples=60, deadline=None)
@given(
    areas=st.lists(
        st.fractions(min_value=0, max_value=50, max_denominator=8), min_size=1, max_size=6
    ),
    qualities=st.lists(
        st.fractions(min_value=F(1, 4), max_value=3, max_denominator=4), min_size=6, max_size=6
    ),
    eaters=st.lists(st.integers(1, 9), min_size=1, max_size=5),
    cut=st.sampled_from(["strips", "blocks", "whole"]),
)
def test_division_uses_all_land_exactly(
    areas: list[F], qualities: list[F], eaters: list[int], cut: str
) -> None:
    parcels = [
        Parcel(f"p{i}", a, q) for i, (a, q) in enumerate(zip(areas, qualities, strict=False))
    ]
    houses = [Household(f"h{i}", e, 1) for i, e in enumerate(eaters)]
    d = divide_land(parcels, houses, norm="per_eater", cut=cut)
    given_out = _areas(d)
    for p in parcels:
        assert given_out.get(p.name, F(0)) == p.area
    assert sum(dict(d.received).values()) == sum(p.area * p.quality for p in parcels)
    if cut != "whole":
        assert d.envy == 0 and d.proportionality == 1
    else:
        assert d.proportionality <= 1 and d.envy >= 0
