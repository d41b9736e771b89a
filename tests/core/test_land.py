"""Land and housing divided by a base unit: only its own convenors may do it, by the
constitution's norm, in one ledger entry that anyone can recompute."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from sovet import actions
from sovet.errors import BaseProtected, Forbidden, InputError, NotFound, SovetError
from sovet.federation import KINDS, Event, fold
from sovet.ledger.events import decode_entry
from sovet.model import LandDivision
from sovet.planning.land import recompute
from sovet.storage import Database, open_database
from sovet.storage.codec import dump_record
from sovet.storage.rebuild import rebuild_projection

from .conftest import OP, TEST_CONSTITUTION, clock, elect_office

# Illustrative village fields and households (not historical figures).
FIELDS = [("north", "12", "1"), ("river", "6", "3/2"), ("hill", "10.5", "2/3")]
HOUSES = [("Ivanovs", 6, 2), ("Petrovs", 4, 3), ("Sidorovs", 2, 1)]


def refused(
    db: Database, error: type[SovetError], match: str, attempt: Callable[[], object]
) -> None:
    size, land = db.size(), dump_record(db.state.land)
    with pytest.raises(error, match=match):
        attempt()
    assert (db.size(), dump_record(db.state.land)) == (size, land)
    db.forget()
    assert (db.size(), dump_record(db.state.land)) == (size, land)


def divide(db: Database, actor: str, unit: str = "v", **kwargs: object) -> object:
    args: dict[str, object] = {"title": "Spring fields", "parcels": FIELDS, "households": HOUSES}
    args.update(kwargs)
    return actions.divide_land(db, actor=actor, unit=unit, **args)  # type: ignore[arg-type]


def test_the_units_convenor_divides_per_eater_in_one_ledger_entry(small: Database) -> None:
    before = small.size()
    d = actions.divide_land(
        small,
        actor="c1",
        unit="v",
        title="Spring fields",
        parcels=FIELDS,
        households=HOUSES,
        division_id="land-1",
    )
    assert small.size() == before + 1
    entry = decode_entry(next(iter(small.raw_entries(before, before + 1))), expected_index=before)
    assert entry.type == "land.divided" and entry.actor == "c1"
    assert entry.data["parcels"][2] == {"id": "hill", "area": "21/2", "quality": "2/3"}
    assert entry.data["households"][0] == {"name": "Ivanovs", "eaters": 6, "workers": 2}
    # effective land: 12 + 9 + 7 = 28, per eater 28/12 = 7/3
    assert (d.norm, d.cut) == ("per_eater", "blocks")
    assert dict(d.entitlement) == {"Ivanovs": "14", "Petrovs": "28/3", "Sidorovs": "14/3"}
    assert dict(d.received) == dict(d.entitlement)
    assert (d.envy, d.proportionality) == ("0", "1")
    by_house: dict[str, Fraction] = {}
    quality = {p: Fraction(q) for p, _, q in FIELDS}
    for s in d.shares:
        by_house[s.household] = (
            by_house.get(s.household, Fraction(0)) + Fraction(s.area) * quality[s.parcel]
        )
    assert by_house == {h: Fraction(a) for h, a in d.entitlement}
    for pid, area, _ in FIELDS:  # every parcel given out, and no more
        assert sum(Fraction(s.area) for s in d.shares if s.parcel == pid) == Fraction(area)
    assert recompute(d).matches
    assert small.state.land["land-1"] == d and d.by == "c1" and d.unit == "v"


def test_the_norm_comes_from_the_constitution_in_force(tmp_path: Path) -> None:
    text = TEST_CONSTITUTION.replace('norm = "per_eater"', 'norm = "per_worker"')
    assert text != TEST_CONSTITUTION
    db = open_database(f"sqlite:///{tmp_path / 'w.db'}")
    ticks = clock()
    db.clock = lambda: next(ticks)
    actions.found_federation(db, name="W", constitution=text)
    actions.register_members(db, actor=OP, rows=[("c1", "C1", [])])
    actions.found_unit(db, actor="c1", unit_id="v", name="V", kind="village")
    elect_office(db, "v", ["c1"], {"c1": ["c1"]}, opener="c1")
    d = actions.divide_land(
        db,
        actor="c1",
        unit="v",
        title="t",
        parcels=[("f", 10, 1)],
        households=[("A", 4, 1), ("B", 1, 1)],
        cut="strips",
    )
    assert (d.norm, d.cut) == ("per_worker", "strips")
    assert dict(d.entitlement) == {"A": "5", "B": "5"}  # per eater it would be 8 and 2
    db.engine.dispose()


def test_a_council_convenor_cannot_divide_a_units_land(seated: Database) -> None:
    # a1 convenes the district soviet that v sends delegates to
    refused(seated, BaseProtected, "only Village's own convenors", lambda: divide(seated, "a1"))


def test_a_seated_delegate_of_a_higher_council_cannot_divide_it(seated: Database) -> None:
    # b1 convenes another unit and sits in the soviet above v
    refused(seated, BaseProtected, "higher council", lambda: divide(seated, "b1"))


def test_a_member_of_another_unit_cannot_divide_it(small: Database) -> None:
    refused(small, Forbidden, "only a convenor of Village", lambda: divide(small, "b2"))


def test_a_member_who_is_not_a_convenor_cannot_divide_it(small: Database) -> None:
    refused(small, Forbidden, "only a convenor of Village", lambda: divide(small, "c2"))


def test_a_council_has_no_land_to_divide(small: Database) -> None:
    refused(
        small,
        BaseProtected,
        "District Soviet is a council: land and housing are divided by the base units",
        lambda: divide(small, "a1", unit="soviet"),
    )


def test_no_such_unit(small: Database) -> None:
    refused(small, NotFound, "no unit or council 'nowhere'", lambda: divide(small, "c1", "nowhere"))


@pytest.mark.parametrize(
    ("parcels", "households", "message"),
    [
        ([("north", "12,5", "1")], HOUSES, "parcel 'north': area: '12,5' is not a number"),
        ([("north", "12", "0")], HOUSES, "parcel 'north': quality must be more than 0"),
        ([("north", "-1", "1")], HOUSES, "parcel 'north': area must be 0 or more"),
        ([("north", "1", "1"), ("north", "2", "1")], HOUSES, "parcel 'north' is listed twice"),
        ([(" ", "1", "1")], HOUSES, "parcel 1: the name is empty"),
        (FIELDS, [("Ivanovs", "six", "2")], "household 'Ivanovs': eaters: 'six' is not a whole"),
        (FIELDS, [("Ivanovs", 2, 3)], "household 'Ivanovs': workers \\(3\\) cannot be more"),
        (FIELDS, [("Ivanovs", 0, 0)], "no household has anyone counted by the norm"),
        ([], HOUSES, "parcels: there is nothing to divide"),
        (FIELDS, [], "households: there is no household"),
    ],
)
def test_bad_input_names_the_parcel_or_household_and_field(
    small: Database, parcels: object, households: object, message: str
) -> None:
    refused(
        small,
        InputError,
        message,
        lambda: divide(small, "c1", parcels=parcels, households=households),
    )


def test_a_division_too_large_to_publish_is_refused(small: Database) -> None:
    many = [(f"p{i}", "1", "1") for i in range(101)]
    houses = [(f"h{i}", 2, 1) for i in range(100)]
    refused(
        small,
        InputError,
        "cut: strips would make 10100 pieces",
        lambda: divide(small, "c1", parcels=many, households=houses, cut="strips"),
    )
    rows = [(f"p{i}", "1", "1") for i in range(501)]
    refused(small, InputError, "parcels: at most 500", lambda: divide(small, "c1", parcels=rows))


def test_an_unknown_cut_and_a_taken_id_are_refused(small: Database) -> None:
    refused(
        small,
        InputError,
        "cut: unknown way to cut 'squares'",
        lambda: divide(small, "c1", cut="squares"),
    )
    divide(small, "c1", division_id="land-1")
    refused(
        small,
        InputError,
        "division id 'land-1' is taken",
        lambda: divide(small, "c1", division_id="land-1"),
    )


def test_recompute_finds_a_published_division_that_does_not_follow_from_its_inputs(
    small: Database,
) -> None:
    d = divide(small, "c1", cut="whole")
    assert isinstance(d, LandDivision)
    check = recompute(d)
    assert check.matches and check.differences == ()
    tampered = replace(d, shares=(replace(d.shares[0], area="1"), *d.shares[1:]))
    assert recompute(tampered).differences == (
        "shares: the published list differs from the recomputed one",
    )
    # whole parcels: Ivanovs get 12 of their 14, Petrovs 9 for 4 eaters, Sidorovs 7 for 2
    assert (d.envy, d.proportionality) == ("3/2", "6/7")
    assert recompute(replace(d, proportionality="1")).differences == (
        "proportionality: published 1, recomputed 6/7",
    )
    assert recompute(replace(d, norm="per_worker")).matches is False
    bad = recompute(replace(d, parcels=(replace(d.parcels[0], area="x"),)))
    assert not bad.matches and "do not divide" in bad.differences[0]


def test_the_division_is_a_fold_of_the_log_and_rebuilds_identically(small: Database) -> None:
    divide(small, "c1", division_id="land-1")
    divide(small, "c1", division_id="land-2", cut="whole", households=HOUSES[:2])
    events = [
        Event(e.type, e.at, e.actor, e.data)
        for e in (
            decode_entry(raw, expected_index=i)
            for i, raw in enumerate(small.raw_entries(0, small.size()))
        )
    ]
    replayed = fold(events)
    assert dump_record(replayed.land) == dump_record(small.state.land)
    assert set(replayed.land) == {"land-1", "land-2"}
    assert "land" in KINDS
    rows = small.projection_rows("land")
    assert [r[0] for r in rows] == ["land-1", "land-2"]
    rebuild_projection(small)
    assert small.projection_rows("land") == rows
