"""The JSON API's bodies for production planning: declarations, the proposed plan.

Quantities come in as JSON numbers or decimal strings and go out as decimal strings
(the log holds no floats): the action checks each one and names the technique, the
product and the field of any that is wrong.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictFloat, StrictInt

from sovet.web.schemas import Id, MotionOut, RatificationOut, _In

__all__ = [
    "BindingOut",
    "CouncilNeedsOut",
    "NeedsIn",
    "PeriodDetail",
    "PeriodOut",
    "PlanOut",
    "ProductionIn",
    "ProposalIn",
    "ShortageOut",
    "TargetOut",
    "TechniqueIn",
    "TechniqueOut",
    "WorkplaceOut",
]

Name = Annotated[str, Field(min_length=1, max_length=200)]
Quantity = StrictInt | StrictFloat | Annotated[str, Field(max_length=40)]
"""A number ≥ 0, as a JSON number or a decimal string."""


class TechniqueIn(_In):
    name: Name
    product: Name
    labour: Quantity
    capacity: Quantity | None = None
    inputs: Annotated[dict[Name, Quantity], Field(max_length=100, default_factory=dict)]


class ProductionIn(_In):
    unit: Id
    techniques: Annotated[list[TechniqueIn], Field(min_length=1, max_length=100)]


class NeedsIn(_In):
    council: Id
    needs: Annotated[dict[Name, Quantity], Field(min_length=1, max_length=500)]


class ProposalIn(_In):
    council: Id


class TechniqueOut(BaseModel):
    name: str
    product: str
    labour: str
    capacity: str | None
    inputs: dict[str, str]


class WorkplaceOut(BaseModel):
    workplace: str
    name: str
    techniques: list[TechniqueOut]


class CouncilNeedsOut(BaseModel):
    council: str
    name: str
    needs: dict[str, str]


class PeriodOut(BaseModel):
    period: str
    workplaces: int
    councils: int
    products: list[str]
    adopted_by: str | None
    motions: list[str]


class PeriodDetail(PeriodOut):
    production: list[WorkplaceOut]
    needs: list[CouncilNeedsOut]
    plan_motions: list[MotionOut]
    ratifications: list[RatificationOut]


class TargetOut(BaseModel):
    workplace: str
    technique: str
    product: str
    quantity: str
    labour: str
    inputs: dict[str, str]


class BindingOut(BaseModel):
    workplace: str
    technique: str
    product: str
    capacity: str
    shadow_price: str


class ShortageOut(BaseModel):
    product: str
    needed: str
    available: str
    short: str
    causes: list[BindingOut]


class PlanOut(BaseModel):
    period: str
    status: Literal["optimal", "infeasible"]
    labour: str
    targets: list[TargetOut]
    unmet: list[ShortageOut]
    binding: list[BindingOut]
    labour_values: dict[str, str]
    needs: dict[str, str]
