"""Participatory rounds converge on both demo economies and the final plan meets needs."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from sovet.planning.demo import DEMOS
from sovet.planning.lp import capacity_plan
from sovet.planning.participatory import participatory_plan
from sovet.planning.plan import least_labour_plan


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_rounds_converge_and_meet_needs(name: str) -> None:
    make, wants = DEMOS[name]
    economy = make()
    tech = economy.technology()
    result = participatory_plan(economy, wants())
    assert result.converged
    assert 2 < len(result.rounds) < 200
    needs = economy.demand()
    assert result.meets(needs, tech)
    assert result.meets(result.requests, tech)
    # Capacities respected (to the tolerance of the rounds).
    assert np.all(result.activity <= tech.capacity * (1 + 1e-6))
    # The first round overran capacity (the wants do not all fit); the last does not.
    assert result.rounds[0].overrun > 0.05
    assert result.rounds[-1].overrun < 1e-6
    # Wants were trimmed, never needs; requests lie between needs and needs + wants.
    extra = np.zeros(tech.n_products)
    index = tech.index()
    for w in wants():
        extra[index[w.product]] += w.quantity
    assert np.all(result.requests >= needs - 1e-12)
    assert np.all(result.requests <= needs + extra + 1e-9)
    assert result.requests.sum() < (needs + extra).sum() - 1.0
    # The requests the rounds settled on can be met within capacity by the LP too,
    # and the rounds' plan costs no less labour than the least-labour one.
    lp = capacity_plan(tech, result.requests * (1 - 1e-7))
    assert lp.status == "optimal"
    assert result.labour >= lp.labour * (1 - 1e-6)


def test_without_scarcity_wants_are_met_at_labour_values() -> None:
    economy = DEMOS["coop"][0]()
    unlimited = replace(
        economy,
        workplaces=tuple(
            replace(w, techniques=tuple(replace(t, capacity=None) for t in w.techniques))
            for w in economy.workplaces
        ),
    )
    wants = DEMOS["coop"][1]()
    result = participatory_plan(unlimited, wants)
    assert result.converged
    assert len(result.rounds) <= 3
    free = least_labour_plan(unlimited.technology(), unlimited.demand())
    assert result.prices == pytest.approx(free.values, rel=1e-9)
    total_wants = sum(w.quantity for w in wants)
    assert result.requests.sum() == pytest.approx(unlimited.demand().sum() + total_wants)
