"""The federation's nouns: frozen records that the log's events create and change.

Every record is a ``@dataclass(frozen=True, slots=True)``; ids are strings chosen by
the action that creates the record (never by the database), so that replaying the
log gives the same ids. Times are ISO-8601 UTC strings taken from the event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

__all__ = [
    "AccountEvent",
    "AccountRecord",
    "Amendment",
    "Ballot",
    "BodyKind",
    "Budget",
    "BudgetProject",
    "Candidate",
    "Choice",
    "Council",
    "Demand",
    "DemandKind",
    "DemandStatus",
    "Election",
    "ElectionPurpose",
    "ElectionStatus",
    "Faction",
    "FactionFounding",
    "Import",
    "Instruction",
    "LandDivision",
    "LandHousehold",
    "LandParcel",
    "LandShare",
    "Mandate",
    "MandateStatus",
    "Member",
    "Motion",
    "MotionKind",
    "MotionStatus",
    "Nomination",
    "Petition",
    "PetitionStatus",
    "Ratification",
    "RatificationStatus",
    "Session",
    "SessionStatus",
    "Unit",
    "UnitKind",
    "VoteTally",
]


class UnitKind(StrEnum):
    """What kind of base unit: its general assembly is all its members."""

    WORKPLACE = "workplace"
    VILLAGE = "village"
    NEIGHBOURHOOD = "neighbourhood"
    UNION_LOCAL = "union-local"
    COOP = "coop"
    MILITARY = "military"
    OTHER = "other"


class BodyKind(StrEnum):
    """The two kinds of body: a base unit (an assembly of members) or a council of delegates."""

    UNIT = "unit"
    COUNCIL = "council"


class Choice(StrEnum):
    """A vote on a motion."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    name: str
    joined_at: str
    units: frozenset[str] = frozenset()
    faction: str | None = None
    active: bool = True


@dataclass(frozen=True, slots=True)
class Unit:
    """A base unit: factory committee, village committee, union local, co-op ..."""

    id: str
    name: str
    kind: UnitKind
    founded_at: str
    members: frozenset[str] = frozenset()
    convenors: frozenset[str] = frozenset()
    place: str = ""
    dissolved: bool = False


@dataclass(frozen=True, slots=True)
class Council:
    """A body of delegates sent by its constituents (units or other councils)."""

    id: str
    name: str
    level: str  # "territorial", "industrial", "congress", ...
    founded_at: str
    constituents: tuple[str, ...]
    convenors: frozenset[str] = frozenset()
    dissolved: bool = False
    invited: tuple[str, ...] = ()  # named at its founding, not yet joined by their own decision


@dataclass(frozen=True, slots=True)
class Faction:
    """A party, list or tendency, founded by its members (``founders``, in the order they
    signed; empty for a faction registered before members founded their own)."""

    id: str
    name: str
    short: str
    colour: str = "#777777"
    founders: tuple[str, ...] = ()
    founded_at: str = ""


@dataclass(frozen=True, slots=True)
class FactionFounding:
    """A proposal to found a faction, co-signed by members; when the constitution's
    number of founders have signed, the faction exists and its founders belong to it."""

    id: str  # the faction's id once founded
    name: str
    short: str
    colour: str
    proposed_by: str
    proposed_at: str
    founders: tuple[str, ...] = ()  # in the order they signed, the proposer first
    founded: bool = False


class ElectionPurpose(StrEnum):
    COMMITTEE = "committee"  # a unit's own committee
    DELEGATION = "delegation"  # a constituency's delegates to a council
    BY_ELECTION = "by-election"  # one seat left by a recall
    OFFICE = "office"  # a body's officers (convenors ...), by its own voters


class ElectionStatus(StrEnum):
    NOMINATING = "nominating"  # members stand and nominate; nobody votes yet
    OPEN = "open"  # voting: the candidates and the electorate are fixed
    CLOSED = "closed"
    COUNTED = "counted"


@dataclass(frozen=True, slots=True)
class Candidate:
    member: str
    name: str
    faction: str | None = None
    statement: str = ""  # what the candidate tells the voters, shown on the ballot page


@dataclass(frozen=True, slots=True)
class Nomination:
    """A member put forward while an election takes nominations: by standing, or by other
    members who sign the nomination. It is a candidacy once the member accepts (standing
    is accepting: any eligible member may stand), until they withdraw."""

    member: str
    name: str
    faction: str | None = None
    statement: str = ""
    nominators: tuple[str, ...] = ()  # the members who signed, in order (never the nominee)
    accepted: bool = False  # the member stood or accepted the nomination
    withdrawn: bool = False

    @property
    def valid(self) -> bool:
        """A candidacy: accepted and not withdrawn."""
        return self.accepted and not self.withdrawn


@dataclass(frozen=True, slots=True)
class Election:
    """Fills ``seats`` of ``target`` (a council, or a unit's committee) by the votes of
    the members (or seated delegates) of ``constituency``."""

    id: str
    constituency: str
    target: str
    purpose: ElectionPurpose
    seats: int
    method: str
    candidates: tuple[Candidate, ...]
    opened_at: str
    opened_by: str
    status: ElectionStatus = ElectionStatus.OPEN
    voters: frozenset[str] = frozenset()
    electorate: int = 0
    elected: tuple[str, ...] = ()
    reserve: tuple[str, ...] = ()  # the next on the list, best first
    ballots_published: tuple[tuple[tuple[str, ...], str], ...] = ()  # (ranking, receipt)
    result: dict[str, object] | None = field(default=None, compare=False, hash=False)
    seed: int | None = None
    replaces: str | None = None  # the recalled mandate a by-election fills
    office: str | None = None  # the office an OFFICE election fills
    nominators: int = 0  # signatures a nomination by others needs (fixed at opening)
    nominations: tuple[Nomination, ...] = ()
    nominations_close: str | None = None  # end of the nomination period (None: none held)
    voting_opened_at: str | None = None
    deadline: str | None = None  # voting ends; the election is then closed and counted
    electors: frozenset[str] = frozenset()  # who may vote: fixed when voting opens
    unopposed: bool = False  # no more candidates than seats: all elected without a vote

    def standing(self) -> tuple[Nomination, ...]:
        """The nominations that are candidacies now, in the order they were made."""
        return tuple(n for n in self.nominations if n.valid)


@dataclass(frozen=True, slots=True)
class Ballot:
    """A secret ballot in the sealed box: no voter, only a receipt the voter keeps."""

    election: str
    receipt: str
    ranking: tuple[str, ...]


class MandateStatus(StrEnum):
    ACTIVE = "active"
    RECALLED = "recalled"
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class Mandate:
    """A delegate's seat: who holds it, in which body, for which constituency; or, with
    ``office`` set, an office of ``body`` (its convenor ...), held by the election of the
    body's own voters (``constituency == body``). An office is not a seat."""

    id: str
    member: str
    body: str
    constituency: str
    election: str
    started_at: str
    ends_at: str
    faction: str | None = None
    status: MandateStatus = MandateStatus.ACTIVE
    office: str | None = None  # the office held ("convenor" ...); None for a seat


@dataclass(frozen=True, slots=True)
class Instruction:
    """A binding instruction of a constituency to its delegates on one motion."""

    constituency: str
    motion: str
    position: Choice
    source_motion: str


class PetitionStatus(StrEnum):
    OPEN = "open"
    VOTING = "voting"
    RECALLED = "recalled"
    REJECTED = "rejected"
    NOT_DECIDED = "not-decided"  # the recall vote did not reach its quorum


@dataclass(frozen=True, slots=True)
class Petition:
    """A recall petition against one mandate, signed by its constituents."""

    id: str
    mandate: str
    opened_by: str
    opened_at: str
    reason: str
    signatures: frozenset[str] = frozenset()
    status: PetitionStatus = PetitionStatus.OPEN
    vote_motion: str | None = None


class MotionKind(StrEnum):
    ORDINARY = "ordinary"
    RESERVED = "reserved"  # on a reserved matter: needs ratification from below
    AMENDMENT = "constitution-amendment"
    RECALL = "recall"  # the recall vote of a constituency
    INSTRUCTION = "instruction"  # binds the body's delegates on a motion of a council
    RATIFICATION = "ratification"  # a unit's decision on a motion awaiting ratification


class MotionStatus(StrEnum):
    OPEN = "open"  # under debate, amendments accepted
    VOTING = "voting"
    PASSED = "passed"
    REJECTED = "rejected"
    RATIFYING = "ratifying"
    RATIFIED = "ratified"
    NOT_RATIFIED = "not-ratified"
    FORWARDED = "forwarded"
    NOT_DECIDED = "not-decided"  # the vote closed without its quorum: no decision either way


@dataclass(frozen=True, slots=True)
class Amendment:
    id: str
    text: str
    proposed_by: str
    status: str = "proposed"  # proposed, accepted, rejected


@dataclass(frozen=True, slots=True)
class VoteTally:
    yes: int = 0
    no: int = 0
    abstain: int = 0

    def add(self, choice: Choice) -> VoteTally:
        return VoteTally(
            yes=self.yes + (choice is Choice.YES),
            no=self.no + (choice is Choice.NO),
            abstain=self.abstain + (choice is Choice.ABSTAIN),
        )

    def passes(self, majority: Fraction) -> bool:
        """More than ``majority`` of the votes cast for or against are for."""
        cast = self.yes + self.no
        return cast > 0 and Fraction(self.yes, cast) > majority


@dataclass(frozen=True, slots=True)
class Motion:
    """A proposal before a body, voted by roll call (council) or by the assembly (unit)."""

    id: str
    body: str
    title: str
    text: str
    kind: MotionKind
    proposed_by: str
    proposed_at: str
    matter: str | None = None
    status: MotionStatus = MotionStatus.OPEN
    secret: bool = False
    amendments: tuple[Amendment, ...] = ()
    roll_call: tuple[tuple[str, Choice], ...] = ()  # open votes, in order cast
    voters: frozenset[str] = frozenset()  # who voted (for secret votes: only that)
    tally: VoteTally = VoteTally()
    flagged: tuple[str, ...] = ()  # mandates that voted against a binding instruction
    forwarded_to: str | None = None
    forwarded_from: str | None = None
    session: str | None = None
    payload: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    deadline: str | None = None  # when the vote closes by itself (set when voting opens)
    electorate: frozenset[str] = frozenset()  # who may vote, fixed when voting opens


class RatificationStatus(StrEnum):
    PENDING = "pending"
    RATIFIED = "ratified"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Ratification:
    """A passed motion on a reserved matter, waiting for the base units to ratify."""

    motion: str
    council: str
    units: tuple[str, ...]
    members: tuple[tuple[str, int], ...]  # member count per unit when ratification opened
    opened_at: str
    deadline: str
    decisions: tuple[tuple[str, bool], ...] = ()
    status: RatificationStatus = RatificationStatus.PENDING


class DemandKind(StrEnum):
    """What members (or a council's delegates) force by petition."""

    SESSION = "session"  # convene the body's assembly (unit) or session (council)
    MOTION = "motion"  # put a motion on the next session's agenda
    ELECTION = "election"  # open an election of the body: its committee or an office


class DemandStatus(StrEnum):
    OPEN = "open"  # gathering signatures
    MET = "met"  # the threshold was met and the demand acted on
    LAPSED = "lapsed"  # the period ended first


@dataclass(frozen=True, slots=True)
class Demand:
    """A members' petition to their own body: at the constitution's share of its voters'
    signatures (``petitions.members`` of a unit's members, ``petitions.delegates`` of a
    council's seated delegates) within ``petitions.period_days``, it is acted on at once
    by the log itself: no convenor stands between the signatures and the result."""

    id: str
    body: str
    kind: DemandKind
    opened_by: str
    opened_at: str
    deadline: str
    title: str = ""  # the motion's title, or what the session is convened for
    text: str = ""  # the motion's text, or the session's agenda (one item a line)
    office: str | None = None  # an election's: "committee" or an office of the constitution
    signatures: frozenset[str] = frozenset()
    status: DemandStatus = DemandStatus.OPEN
    met_at: str | None = None
    outcome: str | None = None  # the session, motion or election it brought about


class SessionStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Session:
    """A sitting of a council, or of a unit's assembly (``council`` is then the unit's id):
    agenda, attendance, speaker list, minutes. ``convened_by`` names the members'
    petition (a :class:`Demand`) that convened it, if one did."""

    id: str
    council: str
    opened_at: str
    opened_by: str
    agenda: tuple[str, ...] = ()
    present: frozenset[str] = frozenset()
    speakers: tuple[str, ...] = ()
    spoken: tuple[str, ...] = ()
    minutes: tuple[str, ...] = ()
    status: SessionStatus = SessionStatus.OPEN
    closed_at: str | None = None
    convened_by: str | None = None


@dataclass(frozen=True, slots=True)
class BudgetProject:
    id: str
    name: str
    cost: int


@dataclass(frozen=True, slots=True)
class Budget:
    """A participatory budget of a unit or council: members approve projects by secret
    ballot (or, with ``vote_type`` ``scoring``, give each from 0 to ``max_points``
    points); a counting rule (greedy, Method of Equal Shares ...) picks what is funded."""

    id: str
    body: str
    title: str
    total: int
    projects: tuple[BudgetProject, ...]
    rule: str
    opened_at: str
    opened_by: str
    status: ElectionStatus = ElectionStatus.OPEN
    voters: frozenset[str] = frozenset()
    selected: tuple[str, ...] = ()
    cost: int = 0
    instance: str = ""  # the published instance (pabulib text): anyone can recount it
    result: dict[str, object] | None = field(default=None, compare=False, hash=False)
    vote_type: str = "approval"  # or "scoring": points from 0 to max_points per project
    max_points: int = 0
    deadline: str | None = None  # when the vote closes by itself
    electorate: frozenset[str] = frozenset()  # who may vote, fixed when the budget opens


@dataclass(frozen=True, slots=True)
class LandParcel:
    """A parcel (a field, a flat) as published: area and quality as exact numbers ("25/2")."""

    id: str
    area: str
    quality: str


@dataclass(frozen=True, slots=True)
class LandHousehold:
    name: str
    eaters: int
    workers: int


@dataclass(frozen=True, slots=True)
class LandShare:
    """``area`` (physical, an exact number) of ``parcel`` goes to ``household``."""

    household: str
    parcel: str
    area: str


@dataclass(frozen=True, slots=True)
class LandDivision:
    """A base unit's division of its land or housing among its households, by the
    constitution's norm, with every input and output published as exact numbers so
    that anyone can recompute it. ``entitlement`` and ``received`` are effective areas
    (area × quality) per household; ``envy`` and ``proportionality`` as in
    :mod:`sovet.planning.land`."""

    id: str
    unit: str
    title: str
    norm: str
    cut: str
    parcels: tuple[LandParcel, ...]
    households: tuple[LandHousehold, ...]
    shares: tuple[LandShare, ...]
    entitlement: tuple[tuple[str, str], ...]
    received: tuple[tuple[str, str], ...]
    envy: str
    proportionality: str
    at: str
    by: str


@dataclass(frozen=True, slots=True)
class AccountEvent:
    """One public event of an account: ``kind`` is the log's event type without its
    ``account.`` prefix (created, password_reset, disabled, enabled, token_issued,
    token_revoked); ``detail`` is what may be shown (a token's name), never a secret."""

    kind: str
    at: str
    by: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """The public side of an account: whom it signs in as, who made it, and everything
    done to it (never its sign-in name, password, hash or tokens)."""

    id: str
    member: str | None
    operator: bool
    created_at: str
    created_by: str
    disabled: bool = False
    history: tuple[AccountEvent, ...] = ()


@dataclass(frozen=True, slots=True)
class Import:
    """A bulk registration of members (a list or CSV loaded by the operator): the
    entries it made carry its id, so that the log shows them as imported."""

    id: str
    at: str
    by: str
    count: int
    units: tuple[str, ...]
    source: str = ""
