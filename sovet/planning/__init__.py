"""Planning: labour values, least-labour plans, capacity LPs, participatory rounds, land.

Pure: no I/O, clock, randomness or environment. Planning is linear algebra and
uses floats; every solver reports its residual and checks feasibility.
"""

from __future__ import annotations

from sovet.planning.io import parse_coefficients, parse_interchange, parse_vector
from sovet.planning.land import Cut, Division, Household, Norm, Parcel, Share, divide_land
from sovet.planning.lp import LpPlan, capacity_plan
from sovet.planning.model import (
    Economy,
    Flow,
    Need,
    Target,
    Technique,
    Workplace,
    economy_from_csv,
    economy_from_json,
    flows,
    targets,
    validate,
)
from sovet.planning.participatory import ParticipatoryResult, Round, participatory_plan
from sovet.planning.plan import Plan, choose_techniques, least_labour_plan
from sovet.planning.report import Binding, PlanReport, Shortage, plan_report
from sovet.planning.technology import Technology, demand_vector, square
from sovet.planning.values import LeontiefSolution, labour_values, solve_leontief

__all__ = [
    "Binding",
    "Cut",
    "Division",
    "Economy",
    "Flow",
    "Household",
    "LeontiefSolution",
    "LpPlan",
    "Need",
    "Norm",
    "Parcel",
    "ParticipatoryResult",
    "Plan",
    "PlanReport",
    "Round",
    "Share",
    "Shortage",
    "Target",
    "Technique",
    "Technology",
    "Workplace",
    "capacity_plan",
    "choose_techniques",
    "demand_vector",
    "divide_land",
    "economy_from_csv",
    "economy_from_json",
    "flows",
    "labour_values",
    "least_labour_plan",
    "parse_coefficients",
    "parse_interchange",
    "parse_vector",
    "participatory_plan",
    "plan_report",
    "solve_leontief",
    "square",
    "targets",
    "validate",
]
