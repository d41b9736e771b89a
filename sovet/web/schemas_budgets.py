"""The JSON API's bodies for participatory budgets (pydantic lives only in ``web``).

Request models refuse unknown fields and bound every length; response models say what
the handlers build from the frozen :class:`~sovet.model.Budget` records.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from sovet.counting.budgets import RULE_ALIASES
from sovet.model import ElectionStatus
from sovet.web.schemas import Id, _In

__all__ = [
    "BudgetBallotIn",
    "BudgetDetail",
    "BudgetIn",
    "BudgetOut",
    "BudgetProjectIn",
    "BudgetProjectOut",
    "BudgetRecountOut",
]

Amount = Annotated[int, Field(ge=1, le=10**15)]


class BudgetProjectIn(_In):
    id: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^;,\s]+$")]
    name: Annotated[str, Field(min_length=1, max_length=500)]
    cost: Amount


class BudgetIn(_In):
    body: Id
    title: Annotated[str, Field(min_length=1, max_length=500)]
    total: Amount
    projects: Annotated[list[BudgetProjectIn], Field(min_length=1, max_length=1000)]
    rule: Annotated[str, Field(min_length=1, max_length=50)] = "equal-shares-add1"
    vote_type: Literal["approval", "scoring"] = "approval"
    max_points: Annotated[int, Field(ge=1, le=100)] | None = None

    @model_validator(mode="after")
    def _points_with_scoring(self) -> BudgetIn:
        if self.vote_type == "scoring" and self.max_points is None:
            raise ValueError("max_points: a scoring ballot needs the most points per project")
        if self.vote_type == "approval" and self.max_points is not None:
            raise ValueError("max_points: only a scoring ballot gives points")
        return self

    @field_validator("rule")
    @classmethod
    def _known_rule(cls, rule: str) -> str:
        if rule.strip().lower() not in RULE_ALIASES or RULE_ALIASES[rule.strip().lower()] == (
            "greedy-threshold"
        ):
            known = ", ".join(sorted(set(RULE_ALIASES.values())))
            raise ValueError(f"unknown budgeting rule {rule!r}; known: {known}")
        return rule


class BudgetBallotIn(_In):
    """Approved project ids, or for a scoring budget the points given to each project."""

    approved: Annotated[list[Id], Field(min_length=1, max_length=1000)] | None = None
    points: (
        Annotated[dict[str, Annotated[int, Field(ge=0, le=100)]], Field(max_length=1000)] | None
    ) = None


class BudgetProjectOut(BaseModel):
    id: str
    name: str
    cost: int
    approvals: int | None
    points: int | None
    selected: bool


class BudgetOut(BaseModel):
    id: str
    body: str
    title: str
    total: int
    rule: str
    vote_type: Literal["approval", "scoring"]
    max_points: int | None
    status: ElectionStatus
    opened_at: str
    opened_by: str
    deadline: str | None = Field(description="When the vote closes by itself")
    voted: int
    electorate: int
    selected: list[str]
    cost: int


class BudgetDetail(BudgetOut):
    projects: list[BudgetProjectOut]
    result: dict[str, Any] | None


class BudgetRecountOut(BaseModel):
    budget: str
    rule: str
    seed: int | None
    ballots: int
    selected: list[str]
    recorded: list[str]
    cost: int
    matches: bool
    result: dict[str, Any]
