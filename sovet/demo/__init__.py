"""Demo federations to explore: ``sovet demo --scenario NAME``."""

from __future__ import annotations

from sovet.demo.coop import COOP
from sovet.demo.petrograd import PETROGRAD
from sovet.demo.scenario import Scenario, run

__all__ = ["SCENARIOS", "Scenario", "run"]

SCENARIOS: dict[str, Scenario] = {"petrograd-1917": PETROGRAD, "coop-federation": COOP}
