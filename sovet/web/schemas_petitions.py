"""Request and response bodies of members' petitions to their own body, and of factions
founded by members."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from sovet.model import DemandKind, DemandStatus

__all__ = ["DemandIn", "DemandOut", "FactionDetail", "FoundingIn", "FoundingOut"]

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,59}$")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DemandIn(_In):
    """``session``: convene the body (``title`` what for, ``text`` the agenda, one item a
    line); ``motion``: put the motion ``title``/``text`` on the next session's agenda;
    ``election``: hold an election of the body's ``committee`` or of an ``office``."""

    kind: DemandKind
    title: Annotated[str, Field(max_length=200)] = ""
    text: Annotated[str, Field(max_length=20_000)] = ""
    office: Annotated[str, Field(min_length=1, max_length=200)] | None = None


class DemandOut(BaseModel):
    id: str
    body: str
    kind: DemandKind
    title: str
    text: str
    office: str | None
    opened_by: str
    opened_at: str
    deadline: str
    signatures: int
    needed: int
    signers: list[str]
    share: str
    status: DemandStatus
    met_at: str | None
    outcome: str | None


class FoundingIn(_In):
    id: Slug
    name: Annotated[str, Field(min_length=1, max_length=200)]
    short: Annotated[str, Field(min_length=1, max_length=20)]
    colour: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")] = "#777777"


class FoundingOut(BaseModel):
    id: str
    name: str
    short: str
    colour: str
    proposed_by: str
    proposed_at: str
    founders: list[str]
    needed: int
    founded: bool


class FactionDetail(BaseModel):
    id: str
    name: str
    short: str
    colour: str
    founders: list[str]
    founded_at: str
    members: list[str]
