"""The JSON API's request and response bodies (pydantic lives only in ``web``).

Request models are strict about their fields (unknown fields refused, lengths
bounded); response models describe what the handlers build from the frozen records,
so the OpenAPI description at ``/api/v1/openapi.json`` says exactly what comes back.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sovet.counting import METHODS
from sovet.model import (
    Choice,
    ElectionPurpose,
    ElectionStatus,
    MandateStatus,
    MotionKind,
    MotionStatus,
    PetitionStatus,
    RatificationStatus,
    SessionStatus,
    UnitKind,
)

__all__ = [
    "AccountCreate",
    "AccountEventOut",
    "AccountOut",
    "AmendmentDecision",
    "AmendmentIn",
    "AmendmentOut",
    "BallotIn",
    "BallotsOut",
    "CandidateOut",
    "ConsistencyProofOut",
    "CouncilDetail",
    "CouncilIn",
    "CouncilOut",
    "DelegateOut",
    "ElectionDetail",
    "ElectionIn",
    "ElectionOut",
    "EntryOut",
    "EntryPage",
    "ErrorBody",
    "ErrorOut",
    "FactionChoice",
    "FactionIn",
    "FactionOut",
    "FactionSeats",
    "FederationOut",
    "ForwardIn",
    "GiveFloorIn",
    "HeadOut",
    "Id",
    "InclusionProofOut",
    "InvitationAccept",
    "InvitationIn",
    "InvitationInfo",
    "InvitationOut",
    "InvitationToken",
    "JoinCouncilIn",
    "JoinIn",
    "LoginIn",
    "MandateOut",
    "MemberOut",
    "MinutesIn",
    "MotionDetail",
    "MotionIn",
    "MotionOut",
    "NominateIn",
    "NominationOut",
    "OfficerOut",
    "Ok",
    "PasswordIn",
    "PasswordResetNotice",
    "PetitionIn",
    "PetitionOut",
    "PublishedBallot",
    "RatificationOut",
    "ReceiptOut",
    "RecountOut",
    "RollCallVote",
    "SessionIn",
    "SessionOut",
    "SignedIn",
    "StandIn",
    "TokenCreate",
    "TokenIssued",
    "TokenOut",
    "UnitDetail",
    "UnitIn",
    "UnitOut",
    "VoteIn",
    "VoteOut",
]

Id = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(max_length=20_000)]
Line = Annotated[str, Field(max_length=500)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---- errors and small answers ------------------------------------------------------------


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    ok: Literal[False] = False
    error: ErrorBody


class Ok(BaseModel):
    ok: Literal[True] = True


# ---- accounts ---------------------------------------------------------------------------


class LoginIn(_In):
    login: Annotated[str, Field(min_length=1, max_length=200)]
    password: Annotated[str, Field(min_length=1, max_length=1000)]


class PasswordResetNotice(BaseModel):
    at: str
    by: str


class AccountOut(BaseModel):
    login: str
    member: str | None
    operator: bool
    disabled: bool = False
    password_reset: PasswordResetNotice | None = None
    name: str | None = None
    units: list[str] = []
    convenes: list[str] = []
    mandates: list[str] = []


class SignedIn(BaseModel):
    ok: Literal[True] = True
    account: AccountOut
    csrf_token: str


class TokenCreate(_In):
    name: Annotated[str, Field(min_length=1, max_length=200)] = "script"
    login: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    password: Annotated[str, Field(min_length=1, max_length=1000)] | None = None


class TokenIssued(BaseModel):
    token: str
    id: str
    name: str


class TokenOut(BaseModel):
    id: str
    name: str
    created_at: str
    revoked: bool


class AccountCreate(_In):
    login: Annotated[str, Field(min_length=1, max_length=200)]
    password: Annotated[str, Field(min_length=8, max_length=1000)]
    member: Id | None = None
    operator: bool = False


class PasswordIn(_In):
    password: Annotated[str, Field(min_length=8, max_length=1000)]


class InvitationIn(_In):
    days: Annotated[int, Field(ge=1, le=90)] = 7


class InvitationOut(BaseModel):
    token: str
    unit: str
    path: str
    expires_at: str


class InvitationInfo(BaseModel):
    unit: str
    unit_name: str
    expires_at: str


class InvitationToken(_In):
    token: Annotated[str, Field(min_length=1, max_length=200)]


class InvitationAccept(_In):
    token: Annotated[str, Field(min_length=1, max_length=200)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    login: Annotated[str, Field(min_length=1, max_length=200)]
    password: Annotated[str, Field(min_length=8, max_length=1000)]


# ---- the federation ---------------------------------------------------------------------


class HeadOut(BaseModel):
    size: int
    root: str
    timestamp: str
    signature: str
    key_id: str
    public_key: str


class FactionSeats(BaseModel):
    faction: str | None
    name: str
    short: str
    colour: str
    seats: int


class FederationOut(BaseModel):
    name: str
    constitution_version: int
    members: int
    units: int
    councils: int
    open_elections: int
    open_motions: int
    pending_ratifications: int
    head: HeadOut | None


class FactionOut(BaseModel):
    id: str
    name: str
    short: str
    colour: str
    members: int


class OfficerOut(BaseModel):
    """An office held: by whom, from which election (or as next on its list), until when."""

    office: str
    member: str
    name: str
    mandate: str
    election: str
    started_at: str
    ends_at: str
    next_on_list: bool


class UnitOut(BaseModel):
    id: str
    name: str
    kind: UnitKind
    place: str
    members: int
    convenors: list[str]
    councils: list[str]
    dissolved: bool


class DelegateOut(BaseModel):
    member: str
    name: str
    faction: str | None
    constituency: str
    mandate: str
    ends_at: str


class UnitDetail(UnitOut):
    member_list: list[MemberOut]
    delegates: list[DelegateOut]
    officers: list[OfficerOut]


class CouncilOut(BaseModel):
    id: str
    name: str
    level: str
    constituents: list[str]
    convenors: list[str]
    seats: int
    seated: int
    dissolved: bool
    invited: list[str]


class CouncilDetail(CouncilOut):
    apportioned: dict[str, int]
    composition: list[FactionSeats]
    delegates: list[DelegateOut]
    open_session: str | None
    officers: list[OfficerOut]


class AccountEventOut(BaseModel):
    kind: str
    at: str
    by: str
    detail: str = ""


class MemberOut(BaseModel):
    id: str
    name: str
    units: list[str]
    faction: str | None


class MandateOut(BaseModel):
    id: str
    member: str
    name: str
    body: str
    constituency: str
    election: str
    started_at: str
    ends_at: str
    faction: str | None
    status: MandateStatus
    office: str | None = None


Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,59}$")]


class UnitIn(_In):
    """A unit founded by its founding members (the signed-in member among them; alone
    if none are named)."""

    id: Slug
    name: Annotated[str, Field(min_length=1, max_length=200)]
    kind: UnitKind
    place: Line = ""
    founders: Annotated[list[Id], Field(max_length=1000)] = []


class CouncilIn(_In):
    id: Slug
    name: Annotated[str, Field(min_length=1, max_length=200)]
    level: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,39}$")]
    constituents: Annotated[list[Id], Field(min_length=1, max_length=1000)]


class FactionIn(_In):
    id: Slug
    name: Annotated[str, Field(min_length=1, max_length=200)]
    short: Annotated[str, Field(min_length=1, max_length=20)]
    colour: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")] = "#777777"


class JoinCouncilIn(_In):
    """The constituent (a unit or council the signed-in member convenes) that joins."""

    constituent: Id


class FactionChoice(_In):
    faction: Id | None = None


class JoinIn(_In):
    member: Id


# ---- elections --------------------------------------------------------------------------


class ElectionIn(_In):
    """An election opens on the constitution's terms: ``seats`` and ``method``, when
    given, are only checked against it; nobody lists the candidates (members stand)."""

    constituency: Id
    target: Id
    purpose: ElectionPurpose
    office: Id | None = None
    seats: Annotated[int, Field(ge=1, le=1000)] | None = None
    method: Annotated[str, Field(min_length=1, max_length=50)] | None = None

    @field_validator("method")
    @classmethod
    def _known_method(cls, method: str | None) -> str | None:
        if method is not None and method not in METHODS:
            raise ValueError(f"unknown method {method!r}; known: {', '.join(sorted(METHODS))}")
        return method


class StandIn(_In):
    statement: Annotated[str, Field(max_length=4000)] = ""


class NominateIn(_In):
    member: Id


class CandidateOut(BaseModel):
    member: str
    name: str
    faction: str | None
    statement: str = ""


class NominationOut(CandidateOut):
    nominators: list[str]
    accepted: bool
    withdrawn: bool


class ElectionOut(BaseModel):
    id: str
    constituency: str
    target: str
    purpose: ElectionPurpose
    seats: int
    method: str
    status: ElectionStatus
    opened_at: str
    voted: int
    electorate: int
    elected: list[str]
    office: str | None = None
    nominations_close: str | None = None
    voting_opened_at: str | None = None
    deadline: str | None = None
    unopposed: bool = False


class ElectionDetail(ElectionOut):
    candidates: list[CandidateOut]
    nominations: list[NominationOut]
    nominators: int
    reserve: list[str]
    opened_by: str
    seed: int | None
    result: dict[str, Any] | None
    ballots: int


class BallotIn(_In):
    ranking: Annotated[list[Id], Field(min_length=1, max_length=500)]


class ReceiptOut(BaseModel):
    ok: Literal[True] = True
    receipt: str


class PublishedBallot(BaseModel):
    receipt: str
    ranking: list[str]


class BallotsOut(BaseModel):
    election: str
    candidates: list[CandidateOut]
    ballots: list[PublishedBallot]


class RecountOut(BaseModel):
    election: str
    method: str
    seats: int
    seed: int | None
    ballots: int
    elected: list[str]
    recorded: list[str]
    matches: bool
    result: dict[str, Any]


# ---- motions, petitions, ratifications -----------------------------------------------------


class MotionIn(_In):
    body: Id
    title: Annotated[str, Field(min_length=1, max_length=500)]
    text: Text = ""
    kind: MotionKind = MotionKind.ORDINARY
    matter: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    payload: Annotated[dict[str, Text], Field(max_length=20)] = {}

    @model_validator(mode="after")
    def _instruction_position(self) -> MotionIn:
        position = self.payload.get("position")
        if self.kind is MotionKind.INSTRUCTION and position not in {c.value for c in Choice}:
            raise ValueError(
                f"payload.position: an instruction is yes, no or abstain, not {position!r}"
            )
        return self


class AmendmentIn(_In):
    text: Annotated[str, Field(min_length=1, max_length=20_000)]


class AmendmentDecision(_In):
    accepted: bool
    new_text: Text | None = None


class VoteIn(_In):
    choice: Choice


class VoteOut(BaseModel):
    ok: Literal[True] = True
    receipt: str | None


class ForwardIn(_In):
    to: Id


class AmendmentOut(BaseModel):
    id: str
    text: str
    proposed_by: str
    status: str


class RollCallVote(BaseModel):
    member: str
    name: str
    faction: str | None
    choice: Choice
    flagged: bool


class MotionOut(BaseModel):
    id: str
    body: str
    title: str
    kind: MotionKind
    status: MotionStatus
    proposed_by: str
    proposed_at: str
    secret: bool
    yes: int
    no: int
    abstain: int
    voted: int
    deadline: str | None = Field(
        description="When the vote closes by itself (set when voting opens; null before)"
    )
    electorate: int = Field(description="How many may vote: fixed when voting opens")


class MotionDetail(MotionOut):
    text: str
    matter: str | None
    amendments: list[AmendmentOut]
    roll_call: list[RollCallVote]
    flagged: list[str]
    forwarded_to: str | None
    forwarded_from: str | None
    session: str | None
    payload: dict[str, str]


class PetitionIn(_In):
    mandate: Id
    reason: Text = ""


class PetitionOut(BaseModel):
    id: str
    mandate: str
    delegate: str
    body: str
    constituency: str
    opened_by: str
    opened_at: str
    reason: str
    signatures: int
    signers: list[str]
    threshold: str
    status: PetitionStatus
    vote_motion: str | None


class RatificationOut(BaseModel):
    motion: str
    title: str
    council: str
    units: list[str]
    decisions: dict[str, bool]
    ratified_by: int
    members_ratifying: int
    members_total: int
    opened_at: str
    deadline: str
    status: RatificationStatus


# ---- sessions ---------------------------------------------------------------------------


class SessionIn(_In):
    council: Id
    agenda: Annotated[list[Line], Field(max_length=100)] = []


class GiveFloorIn(_In):
    member: Id


class MinutesIn(_In):
    text: Annotated[str, Field(min_length=1, max_length=20_000)]


class SessionOut(BaseModel):
    id: str
    council: str
    opened_at: str
    opened_by: str
    agenda: list[str]
    present: list[str]
    speakers: list[str]
    spoken: list[str]
    minutes: list[str]
    status: SessionStatus
    closed_at: str | None
    quorum_present: bool
    seats: int


# ---- ledger -----------------------------------------------------------------------------


class EntryOut(BaseModel):
    index: int
    type: str
    at: str
    actor: str | None
    data: dict[str, Any]
    prev: str
    leaf_hash: str


class EntryPage(BaseModel):
    start: int
    size: int
    entries: list[EntryOut]
    next: int | None


class InclusionProofOut(BaseModel):
    index: int
    size: int
    leaf_hash: str
    root: str
    proof: list[str]


class ConsistencyProofOut(BaseModel):
    old_size: int
    new_size: int
    old_root: str
    new_root: str
    proof: list[str]


UnitDetail.model_rebuild()
