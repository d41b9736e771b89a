"""The economy model: CSV and JSON import, validation messages, demos, targets and flows."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sovet.errors import FileFormatError, InputError
from sovet.planning.demo import DEMOS, coop_federation, petrograd_1917
from sovet.planning.lp import capacity_plan
from sovet.planning.model import (
    Economy,
    Need,
    Technique,
    Workplace,
    economy_from_csv,
    economy_from_json,
    flows,
    targets,
    validate,
)
from sovet.planning.plan import least_labour_plan

HEADER = "workplace,technique,product,labour,capacity,input,amount\n"
NEEDS = "council,product,quantity\nDistrict,flour,10\n"


def test_csv_import_builds_the_technology() -> None:
    e = economy_from_csv(
        HEADER
        + "Mill,grinding,flour,0.5,100,grain,1.2\n"
        + "Mill,grinding,flour,0.5,100,fuel,0.1\n"
        + "Village,field,grain,2,,,\n"
        + "Village,woods,fuel,1,,,\n",
        NEEDS,
    )
    t = e.technology()
    assert t.products == ("flour", "grain", "fuel")
    assert t.techniques == ("Mill/grinding", "Village/field", "Village/woods")
    assert t.inputs.toarray()[:, 0].tolist() == [0.0, 1.2, 0.1]
    assert t.capacity.tolist() == [100.0, np.inf, np.inf]
    p = least_labour_plan(t, e.demand())
    assert p.labour == pytest.approx(10 * 0.5 + 12 * 2 + 1 * 1)


@pytest.mark.parametrize(
    ("rows", "needs", "message"),
    [
        ("Mill,grinding,flour,x,,grain,1\n", NEEDS, r"techniques.csv:2: field 'labour': 'x'"),
        ("Mill,grinding,flour,-1,,grain,1\n", NEEDS, r"techniques.csv:2: field 'labour'"),
        (",grinding,flour,1,,,\n", NEEDS, r"techniques.csv:2: field 'workplace': missing"),
        (
            "Mill,grinding,flour,1,,,\nMill,grinding,flour,2,,,\n",
            NEEDS,
            r"techniques.csv:3: workplace 'Mill', technique 'grinding'.*line 2",
        ),
        (
            "Mill,grinding,flour,1,,grain,1\n",
            NEEDS,
            r"techniques.csv:2: workplace 'Mill', technique 'grinding': input 'grain' is made by",
        ),
        (
            "Mill,grinding,flour,1,,,\n",
            "council,product,quantity\nDistrict,salt,1\n",
            r"needs.csv:2: field 'product': 'salt'",
        ),
        (
            "Mill,grinding,flour,1,,,\n",
            "council,product,quantity\nDistrict,flour,lots\n",
            r"needs.csv:2: field 'quantity'",
        ),
        ("Mill,grinding,flour,1,,flour,1\n", NEEDS, r"uses 1.0 flour per unit of flour"),
    ],
)
def test_csv_errors_name_file_line_and_field(rows: str, needs: str, message: str) -> None:
    with pytest.raises(FileFormatError, match=message):
        economy_from_csv(HEADER + rows, needs)


def test_csv_header_checked() -> None:
    with pytest.raises(FileFormatError, match=r"techniques.csv:1: header lacks column 'labour'"):
        economy_from_csv("workplace,technique,product\n", NEEDS)


def test_json_import_and_errors() -> None:
    doc = {
        "name": "toy",
        "products": [{"name": "grain", "unit": "pood"}, "flour"],
        "workplaces": [
            {
                "name": "Village",
                "place": "country",
                "techniques": [{"name": "field", "product": "grain", "labour": 2}],
            },
            {
                "name": "Mill",
                "techniques": [
                    {
                        "name": "grinding",
                        "product": "flour",
                        "labour": 0.5,
                        "capacity": 50,
                        "inputs": {"grain": 1.25},
                    }
                ],
            },
        ],
        "needs": [{"council": "District", "product": "flour", "quantity": 10}],
    }
    e = economy_from_json(json.dumps(doc))
    assert e.units == (("grain", "pood"),)
    assert e.workplaces[0].place == "country"
    assert e.demand().tolist() == [0.0, 10.0]
    doc["workplaces"][1]["techniques"][0]["inputs"] = {"grain": "lots"}  # type: ignore[index]
    with pytest.raises(
        FileFormatError, match=r"economy.json: workplaces\[1\].techniques\[0\].inputs.grain"
    ):
        economy_from_json(json.dumps(doc))
    with pytest.raises(FileFormatError, match=r"economy.json:1: not JSON"):
        economy_from_json("{")


def test_validate_names_workplace_technique_and_product() -> None:
    w = Workplace("Putilov Works", (Technique("furnace", "metal", 1.0, (("coal", 1.0),)),))
    with pytest.raises(
        InputError,
        match="workplace 'Putilov Works', technique 'furnace': input 'coal' is not in the product",
    ):
        validate(Economy("x", ("metal",), (w,), ()))
    pit = Workplace("Donbas", (Technique("pit", "coal", 0.3),))
    with pytest.raises(InputError, match="council 'Soviet': need for unknown product 'bread'"):
        validate(Economy("x", ("metal", "coal"), (w, pit), (Need("Soviet", "bread", 1.0),)))
    with pytest.raises(
        InputError,
        match="workplace 'Putilov Works', technique 'furnace': input 'coal' is made by no",
    ):
        validate(Economy("x", ("metal", "coal"), (w,), ()))


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_demo_capacity_plans_are_feasible_and_certified(name: str) -> None:
    economy = DEMOS[name][0]()
    tech = economy.technology()
    d = economy.demand()
    free = least_labour_plan(tech, d)
    lp = capacity_plan(tech, d)
    assert lp.status == "optimal"
    assert lp.gap < 1e-9
    assert np.all(tech.net_output(lp.activity) >= d - 1e-7)
    assert np.all(lp.activity <= tech.capacity + 1e-7)
    # Capacities bind in both demos, so the plan costs more labour than the unlimited one.
    assert lp.binding.any()
    assert lp.labour > free.labour * 1.01


def test_petrograd_plan_uses_both_ploughs_when_iron_ploughs_run_out() -> None:
    e = petrograd_1917()
    lp = capacity_plan(e.technology(), e.demand())
    ts = {(t.workplace, t.technique): t.quantity for t in targets(e, lp.activity)}
    assert ts[("Tsarskoye Selo volost", "iron plough")] == pytest.approx(1200.0)
    assert ts[("Tsarskoye Selo volost", "horse plough")] > 0


def test_flows_balance_supply_and_use() -> None:
    e = coop_federation()
    lp = capacity_plan(e.technology(), e.demand())
    fl = flows(e, lp.activity)
    supplied: dict[str, float] = {}
    for f in fl:
        supplied[f.product] = supplied.get(f.product, 0.0) + f.quantity
    used = e.technology().inputs @ lp.activity + e.demand()
    for i, p in enumerate(e.products):
        assert supplied.get(p, 0.0) == pytest.approx(used[i], rel=1e-9)
    # Town and country exchange: bread goes from the town bakery to a council.
    assert any(
        f.source == "Cornerstone Bakery Co-op" and f.target == "Hill District Council" for f in fl
    )
