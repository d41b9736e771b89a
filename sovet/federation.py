"""The federation's state as a fold of the log: ``state = fold(events)``.

:func:`apply` takes one event (its ``type``, ``at``, ``actor`` and ``data`` as written
in the log) and changes the state; it does no I/O and reads no clock, so replaying
the same log always gives the same state. Everything a later event needs is in the
log: ids are chosen by the action, times come from the event, and consequences that
follow by rule (a recall vote opening when a petition reaches its threshold, a seat
passing to the next on the list, a ratification completing) are derived here, so a
replay derives them again.

The state keeps, per kind of record, a dict from id to a frozen record; ``touched``
collects the ``(kind, id)`` pairs changed since it was last cleared, which is what
storage writes to the projection tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from sovet.constitution import Constitution, Replacement, parse_constitution
from sovet.errors import LedgerError, NotFound
from sovet.model import (
    Amendment,
    BodyKind,
    Budget,
    BudgetProject,
    Candidate,
    Choice,
    Council,
    Election,
    ElectionPurpose,
    ElectionStatus,
    Faction,
    Instruction,
    LandDivision,
    LandHousehold,
    LandParcel,
    LandShare,
    Mandate,
    MandateStatus,
    Member,
    Motion,
    MotionKind,
    MotionStatus,
    Petition,
    PetitionStatus,
    Ratification,
    RatificationStatus,
    Session,
    SessionStatus,
    Unit,
    UnitKind,
    VoteTally,
)

__all__ = ["KINDS", "Event", "State", "add_days", "apply", "fold"]

KINDS = (
    "budgets",
    "turnout",
    "declarations",
    "plans",
    "members",
    "units",
    "councils",
    "factions",
    "elections",
    "mandates",
    "motions",
    "petitions",
    "ratifications",
    "sessions",
    "instructions",
    "seats",
    "federation",
    "land",
)


@dataclass(frozen=True, slots=True)
class Event:
    """The part of a log entry that the state depends on."""

    type: str
    at: str
    actor: str | None
    data: Mapping[str, Any]


@dataclass(slots=True)
class State:
    """The whole federation at one point of the log."""

    name: str = ""
    constitution: Constitution | None = None
    constitution_version: int = 0
    public_key: str = ""
    members: dict[str, Member] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    councils: dict[str, Council] = field(default_factory=dict)
    factions: dict[str, Faction] = field(default_factory=dict)
    elections: dict[str, Election] = field(default_factory=dict)
    mandates: dict[str, Mandate] = field(default_factory=dict)
    motions: dict[str, Motion] = field(default_factory=dict)
    petitions: dict[str, Petition] = field(default_factory=dict)
    ratifications: dict[str, Ratification] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)
    instructions: dict[str, Instruction] = field(default_factory=dict)
    seats: dict[str, dict[str, int]] = field(default_factory=dict)
    budgets: dict[str, Budget] = field(default_factory=dict)
    # who took part in which vote ("vote|member" -> row): public, as in the log
    turnout: dict[str, dict[str, str]] = field(default_factory=dict)
    # production declared by workplaces and needs by councils ("period|body" -> the data
    # as logged, quantities as decimal strings); adopted plans by period
    declarations: dict[str, dict[str, Any]] = field(default_factory=dict)
    plans: dict[str, dict[str, str]] = field(default_factory=dict)
    # land and housing divided by base units, by division id
    land: dict[str, LandDivision] = field(default_factory=dict)
    size: int = 0
    touched: set[tuple[str, str]] = field(default_factory=set)

    # ---- reading ---------------------------------------------------------------

    def rules(self) -> Constitution:
        if self.constitution is None:
            raise NotFound("the federation has no constitution yet (run `sovet init`)")
        return self.constitution

    def kind_of(self, body: str) -> BodyKind:
        if body in self.units:
            return BodyKind.UNIT
        if body in self.councils:
            return BodyKind.COUNCIL
        raise NotFound(f"no unit or council {body!r}")

    def body_name(self, body: str) -> str:
        if body in self.units:
            return self.units[body].name
        if body in self.councils:
            return self.councils[body].name
        raise NotFound(f"no unit or council {body!r}")

    def kind_name(self, body: str) -> str:
        """The constitution's kind for a body: "unit", or a council's level when the
        constitution has rules for it (e.g. "congress"), else "council"."""
        if self.kind_of(body) is BodyKind.UNIT:
            return "unit"
        level = self.councils[body].level
        if self.constitution is not None and level in self.constitution.kinds:
            return level
        return "council"

    def member(self, member_id: str) -> Member:
        try:
            return self.members[member_id]
        except KeyError:
            raise NotFound(f"no member {member_id!r}") from None

    def get(self, kind: str, record_id: str) -> Any:
        table: dict[str, Any] = getattr(self, kind)
        try:
            return table[record_id]
        except KeyError:
            raise NotFound(f"no {kind.rstrip('s')} {record_id!r}") from None

    def seated(self, council: str) -> dict[str, Mandate]:
        """Active mandates in a body, by member id."""
        return {
            m.member: m
            for m in self.mandates.values()
            if m.body == council and m.status is MandateStatus.ACTIVE
        }

    def voters_of(self, body: str) -> frozenset[str]:
        """Who votes in ``body``: a unit's members, or a council's seated delegates."""
        if self.kind_of(body) is BodyKind.UNIT:
            return self.units[body].members
        return frozenset(self.seated(body))

    def base_units_under(self, body: str) -> tuple[str, ...]:
        """The base units from which ``body`` draws its power, directly or through councils."""
        if body in self.units:
            return (body,)
        out: list[str] = []
        seen: set[str] = set()
        stack = list(reversed(self.councils[body].constituents))
        while stack:
            item = stack.pop()
            if item in seen:
                continue
            seen.add(item)
            if item in self.units:
                out.append(item)
            elif item in self.councils:
                stack.extend(reversed(self.councils[item].constituents))
        return tuple(out)

    def membership(self, body: str) -> int:
        """Members represented by ``body``: a unit's, or those of the units under a council."""
        return sum(len(self.units[u].members) for u in self.base_units_under(body))

    def councils_of(self, constituent: str) -> tuple[str, ...]:
        return tuple(c.id for c in self.councils.values() if constituent in c.constituents)

    # ---- writing ---------------------------------------------------------------

    def put(self, kind: str, record_id: str, record: Any) -> None:
        getattr(self, kind)[record_id] = record
        self.touched.add((kind, record_id))


def add_days(at: str, days: int) -> str:
    """``at`` plus ``days``, as an ISO-8601 UTC string.

    >>> add_days("2026-01-30T10:00:00Z", 3)
    '2026-02-02T10:00:00Z'
    """
    moment = dt.datetime.fromisoformat(at.replace("Z", "+00:00"))
    return (moment + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---- handlers: one per event type ---------------------------------------------------


def _founded(s: State, e: Event) -> None:
    s.name = e.data["name"]
    s.public_key = e.data.get("public_key", "")
    _adopt(s, e.data["constitution"])


def _adopt(s: State, text: str) -> None:
    s.constitution = parse_constitution(text, source="ledger")
    s.constitution_version += 1
    s.touched.add(("federation", "constitution"))


def _constitution_adopted(s: State, e: Event) -> None:
    _adopt(s, e.data["text"])


def _member_registered(s: State, e: Event) -> None:
    d = e.data
    s.put("members", d["id"], Member(id=d["id"], name=d["name"], joined_at=e.at))


def _member_joined(s: State, e: Event) -> None:
    member, unit = s.members[e.data["member"]], s.units[e.data["unit"]]
    s.put("members", member.id, replace(member, units=member.units | {unit.id}))
    s.put("units", unit.id, replace(unit, members=unit.members | {member.id}))


def _member_left(s: State, e: Event) -> None:
    member, unit = s.members[e.data["member"]], s.units[e.data["unit"]]
    s.put("members", member.id, replace(member, units=member.units - {unit.id}))
    s.put(
        "units",
        unit.id,
        replace(unit, members=unit.members - {member.id}, convenors=unit.convenors - {member.id}),
    )


def _member_faction(s: State, e: Event) -> None:
    member = s.members[e.data["member"]]
    s.put("members", member.id, replace(member, faction=e.data["faction"]))


def _faction_registered(s: State, e: Event) -> None:
    d = e.data
    faction = Faction(id=d["id"], name=d["name"], short=d["short"], colour=d.get("colour", "#777"))
    s.put("factions", d["id"], faction)


def _unit_founded(s: State, e: Event) -> None:
    d = e.data
    unit = Unit(
        id=d["id"],
        name=d["name"],
        kind=UnitKind(d["kind"]),
        founded_at=e.at,
        place=d.get("place", ""),
        convenors=frozenset(d.get("convenors", ())),
    )
    s.put("units", unit.id, unit)


def _council_founded(s: State, e: Event) -> None:
    d = e.data
    council = Council(
        id=d["id"],
        name=d["name"],
        level=d["level"],
        founded_at=e.at,
        constituents=tuple(d["constituents"]),
        convenors=frozenset(d.get("convenors", ())),
    )
    s.put("councils", council.id, council)


def _council_apportioned(s: State, e: Event) -> None:
    s.seats[e.data["council"]] = {k: int(v) for k, v in e.data["seats"].items()}
    s.touched.add(("seats", e.data["council"]))


def _convenors_set(s: State, e: Event) -> None:
    body, convenors = e.data["body"], frozenset(e.data["convenors"])
    if body in s.units:
        s.put("units", body, replace(s.units[body], convenors=convenors))
    else:
        s.put("councils", body, replace(s.councils[body], convenors=convenors))


def _election_opened(s: State, e: Event) -> None:
    d = e.data
    election = Election(
        id=d["id"],
        constituency=d["constituency"],
        target=d["target"],
        purpose=ElectionPurpose(d["purpose"]),
        seats=int(d["seats"]),
        method=d["method"],
        candidates=tuple(
            Candidate(member=c["member"], name=c["name"], faction=c.get("faction"))
            for c in d["candidates"]
        ),
        opened_at=e.at,
        opened_by=e.actor or "",
        electorate=int(d["electorate"]),
        replaces=d.get("replaces"),
    )
    s.put("elections", election.id, election)


def _ballot_cast(s: State, e: Event) -> None:
    election = s.elections[e.data["election"]]
    member = e.data["member"]
    s.elections[election.id] = replace(election, voters=election.voters | {member})
    _took_part(s, election.id, member)


def _took_part(s: State, vote: str, member: str) -> None:
    """Record turnout in its own small row: a vote's record is not rewritten per voter."""
    s.put("turnout", f"{vote}|{member}", {"vote": vote, "member": member})


def _election_counted(s: State, e: Event) -> None:
    d = e.data
    election = s.elections[d["election"]]
    ballots = tuple((tuple(b["ranking"]), b["receipt"]) for b in d["ballots"])
    election = replace(
        election,
        status=ElectionStatus.COUNTED,
        elected=tuple(d["elected"]),
        reserve=tuple(d["reserve"]),
        ballots_published=ballots,
        result=d["result"],
        seed=d.get("seed"),
    )
    s.put("elections", election.id, election)
    term = s.rules().rules_for(election.target, s.kind_name(election.target)).term_days
    for i, member in enumerate(election.elected):
        _grant_mandate(s, election, member, f"{election.id}:{i + 1}", e.at, term)


def _grant_mandate(
    s: State, election: Election, member: str, mandate_id: str, at: str, term: int
) -> None:
    faction = next((c.faction for c in election.candidates if c.member == member), None)
    mandate = Mandate(
        id=mandate_id,
        member=member,
        body=election.target,
        constituency=election.constituency,
        election=election.id,
        started_at=at,
        ends_at=add_days(at, term),
        faction=faction,
    )
    s.put("mandates", mandate_id, mandate)


def _motion_proposed(s: State, e: Event) -> None:
    d = e.data
    motion = Motion(
        id=d["id"],
        body=d["body"],
        title=d["title"],
        text=d["text"],
        kind=MotionKind(d["kind"]),
        proposed_by=e.actor or "",
        proposed_at=e.at,
        matter=d.get("matter"),
        secret=bool(d.get("secret", False)),
        session=d.get("session"),
        forwarded_from=d.get("forwarded_from"),
        payload=dict(d.get("payload", {})),
    )
    s.put("motions", motion.id, motion)


def _motion_amended(s: State, e: Event) -> None:
    motion = s.motions[e.data["motion"]]
    amendment = Amendment(id=e.data["id"], text=e.data["text"], proposed_by=e.actor or "")
    s.put("motions", motion.id, replace(motion, amendments=(*motion.amendments, amendment)))


def _amendment_decided(s: State, e: Event) -> None:
    motion = s.motions[e.data["motion"]]
    status = "accepted" if e.data["accepted"] else "rejected"
    amendments = tuple(
        replace(a, status=status) if a.id == e.data["amendment"] else a for a in motion.amendments
    )
    text = motion.text
    if e.data["accepted"]:
        text = e.data.get("new_text", text)
    s.put("motions", motion.id, replace(motion, amendments=amendments, text=text))


def _voting_opened(s: State, e: Event) -> None:
    motion = s.motions[e.data["motion"]]
    s.put("motions", motion.id, replace(motion, status=MotionStatus.VOTING))


def _vote_cast(s: State, e: Event) -> None:
    """An open vote names the choice; a secret one records only that the member voted."""
    d = e.data
    motion = s.motions[d["motion"]]
    member = d["member"]
    if "choice" not in d:
        s.motions[motion.id] = replace(motion, voters=motion.voters | {member})
        _took_part(s, motion.id, member)
        return
    choice = Choice(d["choice"])
    flagged = motion.flagged
    if d.get("breach"):
        flagged = (*flagged, d["breach"])
    motion = replace(
        motion,
        voters=motion.voters | {member},
        roll_call=(*motion.roll_call, (member, choice)),
        tally=motion.tally.add(choice),
        flagged=flagged,
    )
    s.put("motions", motion.id, motion)
    _took_part(s, motion.id, member)
    if d.get("breach") and d.get("petition"):
        mandate = s.mandates[d["breach"]]
        petition = Petition(
            id=d["petition"],
            mandate=mandate.id,
            opened_by="",
            opened_at=e.at,
            reason=f"voted {choice} on {motion.title!r} against the constituency's binding "
            "instruction",
        )
        s.put("petitions", petition.id, petition)


def _motion_closed(s: State, e: Event) -> None:
    d = e.data
    motion = s.motions[d["motion"]]
    tally = motion.tally
    if "tally" in d:  # a secret vote: the sealed box is opened and its tally published
        t = d["tally"]
        tally = VoteTally(yes=int(t["yes"]), no=int(t["no"]), abstain=int(t["abstain"]))
    majority = _majority(s, motion)
    passed = tally.passes(majority)
    status = MotionStatus.PASSED if passed else MotionStatus.REJECTED
    reserved = motion.kind in (MotionKind.RESERVED, MotionKind.AMENDMENT)
    if passed and reserved and motion.body in s.councils:
        status = MotionStatus.RATIFYING
    motion = replace(motion, tally=tally, status=status)
    s.put("motions", motion.id, motion)
    if not passed:
        if motion.kind is MotionKind.RECALL:
            _recall_failed(s, motion)
        elif motion.kind is MotionKind.RATIFICATION:
            _ratification_decided(s, motion.payload["motion"], motion.body, False, e)
        return
    consequence = _CONSEQUENCES.get(motion.kind)
    if consequence is not None:
        consequence(s, motion, e)


def _majority(s: State, motion: Motion) -> Fraction:
    rules = s.rules()
    if motion.kind is MotionKind.RECALL:
        return rules.recall.majority
    if motion.kind is MotionKind.AMENDMENT:
        return rules.amendment.majority
    return rules.rules_for(motion.body, s.kind_name(motion.body)).majority


def _passed_reserved(s: State, motion: Motion, e: Event) -> None:
    if motion.body in s.units:  # a unit decides its own reserved matters directly
        _take_effect(s, motion, e)
        return
    rules = s.rules()
    ratification_rules = (
        rules.amendment.ratification if motion.kind is MotionKind.AMENDMENT else rules.ratification
    )
    units = s.base_units_under(motion.body)
    ratification = Ratification(
        motion=motion.id,
        council=motion.body,
        units=units,
        members=tuple((u, len(s.units[u].members)) for u in units),
        opened_at=e.at,
        deadline=add_days(e.at, ratification_rules.period_days),
    )
    s.put("ratifications", motion.id, ratification)


def _passed_ordinary(s: State, motion: Motion, e: Event) -> None:
    _take_effect(s, motion, e)


def _take_effect(s: State, motion: Motion, e: Event) -> None:
    """What a passed (and, where needed, ratified) motion does to its own body."""
    effect = motion.payload.get("effect")
    if effect == "dissolve":
        body = motion.body
        if body in s.units:
            s.put("units", body, replace(s.units[body], dissolved=True))
        else:
            s.put("councils", body, replace(s.councils[body], dissolved=True))
    elif effect == "amend-constitution":
        _adopt(s, motion.payload["text"])
    elif effect == "adopt-plan":
        period = motion.payload["period"]
        s.put("plans", period, {"period": period, "motion": motion.id, "adopted_at": e.at})
    elif effect == "remove-member":
        _member_left(
            s,
            Event(
                "member.left",
                e.at,
                e.actor,
                {"member": motion.payload["member"], "unit": motion.body},
            ),
        )


def _passed_recall(s: State, motion: Motion, e: Event) -> None:
    petition = s.petitions[motion.payload["petition"]]
    mandate = s.mandates[petition.mandate]
    s.put("petitions", petition.id, replace(petition, status=PetitionStatus.RECALLED))
    s.put("mandates", mandate.id, replace(mandate, status=MandateStatus.RECALLED))
    rules = s.rules()
    if rules.recall.replacement is not Replacement.NEXT_ON_LIST:
        return
    election = s.elections[mandate.election]
    seated = set(s.seated(mandate.body))
    for member in election.reserve:
        if member in seated or member not in s.members or not s.members[member].active:
            continue
        term = rules.rules_for(mandate.body, s.kind_name(mandate.body)).term_days
        _grant_mandate(s, election, member, f"{mandate.id}:r", e.at, term)
        return


def _recall_failed(s: State, motion: Motion) -> None:
    petition = s.petitions[motion.payload["petition"]]
    s.put("petitions", petition.id, replace(petition, status=PetitionStatus.REJECTED))


def _passed_instruction(s: State, motion: Motion, e: Event) -> None:
    target = motion.payload["motion"]
    instruction = Instruction(
        constituency=motion.body,
        motion=target,
        position=Choice(motion.payload["position"]),
        source_motion=motion.id,
    )
    s.put("instructions", f"{motion.body}|{target}", instruction)


def _passed_ratification(s: State, motion: Motion, e: Event) -> None:
    _ratification_decided(s, motion.payload["motion"], motion.body, True, e)


def _ratification_decided(s: State, target: str, unit: str, ratified: bool, e: Event) -> None:
    ratification = s.ratifications[target]
    if ratification.status is not RatificationStatus.PENDING:
        return
    decisions = dict(ratification.decisions)
    decisions[unit] = ratified
    ratification = replace(ratification, decisions=tuple(decisions.items()))
    outcome = ratification_outcome(s, ratification)
    motion = s.motions[target]
    if outcome is True:
        ratification = replace(ratification, status=RatificationStatus.RATIFIED)
        s.put("motions", motion.id, replace(motion, status=MotionStatus.RATIFIED))
        s.put("ratifications", target, ratification)
        _take_effect(s, s.motions[target], e)
        return
    if outcome is False:
        ratification = replace(ratification, status=RatificationStatus.FAILED)
        s.put("motions", motion.id, replace(motion, status=MotionStatus.NOT_RATIFIED))
    s.put("ratifications", target, ratification)


def ratification_outcome(s: State, r: Ratification) -> bool | None:
    """True once enough units ratified; False once that can no longer happen; else None.

    The default rule: more than half the constituent units, holding together more than
    half the members (both shares set by the constitution).
    """
    rules = s.rules()
    motion = s.motions[r.motion]
    rr = rules.amendment.ratification if motion.kind is MotionKind.AMENDMENT else rules.ratification
    counts = dict(r.members)
    total_units, total_members = len(r.units), sum(counts.values())
    decided = dict(r.decisions)
    yes_units = [u for u, v in decided.items() if v]
    undecided = [u for u in r.units if u not in decided]

    def enough(units: list[str]) -> bool:
        if total_units == 0:
            return False
        members = sum(counts[u] for u in units)
        return Fraction(len(units), total_units) > rr.units and (
            total_members == 0 or Fraction(members, total_members) > rr.members
        )

    if enough(yes_units):
        return True
    if not enough(yes_units + undecided):
        return False
    return None


def _ratification_unit(s: State, e: Event) -> None:
    _ratification_decided(s, e.data["motion"], e.data["unit"], bool(e.data["ratified"]), e)


def _ratification_expired(s: State, e: Event) -> None:
    r = s.ratifications[e.data["motion"]]
    s.put("ratifications", r.motion, replace(r, status=RatificationStatus.FAILED))
    motion = s.motions[r.motion]
    s.put("motions", motion.id, replace(motion, status=MotionStatus.NOT_RATIFIED))


def _motion_forwarded(s: State, e: Event) -> None:
    d = e.data
    motion = s.motions[d["motion"]]
    s.put(
        "motions",
        motion.id,
        replace(motion, status=MotionStatus.FORWARDED, forwarded_to=d["to"]),
    )
    forwarded = replace(
        motion,
        id=d["new_id"],
        body=d["to"],
        status=MotionStatus.OPEN,
        proposed_by=e.actor or "",
        proposed_at=e.at,
        roll_call=(),
        voters=frozenset(),
        tally=VoteTally(),
        flagged=(),
        amendments=(),
        forwarded_to=None,
        forwarded_from=motion.id,
        session=None,
    )
    s.put("motions", forwarded.id, forwarded)


def _petition_opened(s: State, e: Event) -> None:
    d = e.data
    petition = Petition(
        id=d["id"],
        mandate=d["mandate"],
        opened_by=e.actor or "",
        opened_at=e.at,
        reason=d.get("reason", ""),
        signatures=frozenset({e.actor}) if e.actor else frozenset(),
    )
    s.put("petitions", petition.id, petition)
    _maybe_open_recall_vote(s, petition, e)


def _petition_signed(s: State, e: Event) -> None:
    petition = s.petitions[e.data["petition"]]
    petition = replace(petition, signatures=petition.signatures | {e.data["member"]})
    s.put("petitions", petition.id, petition)
    _maybe_open_recall_vote(s, petition, e)


def recall_threshold_reached(s: State, petition: Petition) -> bool:
    mandate = s.mandates[petition.mandate]
    constituents = s.voters_of(mandate.constituency)
    if not constituents:
        return False
    signed = len(petition.signatures & constituents)
    return Fraction(signed, len(constituents)) >= s.rules().recall.petition_threshold


def _maybe_open_recall_vote(s: State, petition: Petition, e: Event) -> None:
    if petition.status is not PetitionStatus.OPEN or not recall_threshold_reached(s, petition):
        return
    mandate = s.mandates[petition.mandate]
    motion_id = f"{petition.id}:vote"
    delegate = s.members[mandate.member].name
    constituency = mandate.constituency
    secret = constituency in s.units and (
        s.rules().rules_for(constituency, s.kind_name(constituency)).secret_ballot
    )
    motion = Motion(
        id=motion_id,
        body=mandate.constituency,
        title=f"Recall {delegate} from {s.body_name(mandate.body)}",
        text=petition.reason,
        kind=MotionKind.RECALL,
        proposed_by=petition.opened_by,
        proposed_at=e.at,
        status=MotionStatus.VOTING,
        secret=secret,
        payload={"petition": petition.id, "mandate": mandate.id},
    )
    s.put("motions", motion_id, motion)
    s.put(
        "petitions",
        petition.id,
        replace(petition, status=PetitionStatus.VOTING, vote_motion=motion_id),
    )


def _session_opened(s: State, e: Event) -> None:
    d = e.data
    session = Session(
        id=d["id"],
        council=d["council"],
        opened_at=e.at,
        opened_by=e.actor or "",
        agenda=tuple(d.get("agenda", ())),
    )
    s.put("sessions", session.id, session)


def _session_update(change: Callable[[Session, Mapping[str, Any]], Session]) -> Handler:
    def handler(s: State, e: Event) -> None:
        session = s.sessions[e.data["session"]]
        s.put("sessions", session.id, change(session, e.data))

    return handler


def _session_closed(s: State, e: Event) -> None:
    session = s.sessions[e.data["session"]]
    s.put("sessions", session.id, replace(session, status=SessionStatus.CLOSED, closed_at=e.at))


def _budget_opened(s: State, e: Event) -> None:
    d = e.data
    budget = Budget(
        id=d["id"],
        body=d["body"],
        title=d["title"],
        total=int(d["total"]),
        projects=tuple(
            BudgetProject(id=p["id"], name=p["name"], cost=int(p["cost"])) for p in d["projects"]
        ),
        rule=d["rule"],
        opened_at=e.at,
        opened_by=e.actor or "",
        vote_type=d.get("vote_type", "approval"),
        max_points=int(d.get("max_points", 0)),
    )
    s.put("budgets", budget.id, budget)


def _budget_ballot(s: State, e: Event) -> None:
    budget = s.budgets[e.data["budget"]]
    member = e.data["member"]
    s.budgets[budget.id] = replace(budget, voters=budget.voters | {member})
    _took_part(s, budget.id, member)


def _budget_counted(s: State, e: Event) -> None:
    d = e.data
    budget = s.budgets[d["budget"]]
    budget = replace(
        budget,
        status=ElectionStatus.COUNTED,
        selected=tuple(d["selected"]),
        cost=int(d["cost"]),
        instance=d["instance"],
        result=d["result"],
    )
    s.put("budgets", budget.id, budget)


def _declared(s: State, e: Event) -> None:
    """A workplace's production or a council's needs for a period (replaces an earlier one)."""
    d = e.data
    kind = "production" if e.type == "production.declared" else "needs"
    s.put("declarations", f"{d['period']}|{d['body']}", {"kind": kind, **d})


def _land_divided(s: State, e: Event) -> None:
    """A base unit's division of its land, inputs and outputs as published."""
    d = e.data
    division = LandDivision(
        id=d["id"],
        unit=d["unit"],
        title=d["title"],
        norm=d["norm"],
        cut=d["cut"],
        parcels=tuple(LandParcel(p["id"], p["area"], p["quality"]) for p in d["parcels"]),
        households=tuple(
            LandHousehold(h["name"], int(h["eaters"]), int(h["workers"])) for h in d["households"]
        ),
        shares=tuple(LandShare(x["household"], x["parcel"], x["area"]) for x in d["shares"]),
        entitlement=tuple((x["household"], x["area"]) for x in d["entitlement"]),
        received=tuple((x["household"], x["area"]) for x in d["received"]),
        envy=d["envy"],
        proportionality=d["proportionality"],
        at=e.at,
        by=e.actor or "",
    )
    s.put("land", division.id, division)


Handler = Callable[[State, Event], None]

_CONSEQUENCES: dict[MotionKind, Callable[[State, Motion, Event], None]] = {
    MotionKind.ORDINARY: _passed_ordinary,
    MotionKind.RESERVED: _passed_reserved,
    MotionKind.AMENDMENT: _passed_reserved,
    MotionKind.RECALL: _passed_recall,
    MotionKind.INSTRUCTION: _passed_instruction,
    MotionKind.RATIFICATION: _passed_ratification,
}

HANDLERS: dict[str, Handler] = {
    "federation.founded": _founded,
    "constitution.adopted": _constitution_adopted,
    "member.registered": _member_registered,
    "member.joined": _member_joined,
    "member.left": _member_left,
    "member.faction": _member_faction,
    "faction.registered": _faction_registered,
    "unit.founded": _unit_founded,
    "council.founded": _council_founded,
    "council.apportioned": _council_apportioned,
    "body.convenors": _convenors_set,
    "election.opened": _election_opened,
    "ballot.cast": _ballot_cast,
    "election.counted": _election_counted,
    "motion.proposed": _motion_proposed,
    "motion.amended": _motion_amended,
    "amendment.decided": _amendment_decided,
    "motion.voting": _voting_opened,
    "vote.cast": _vote_cast,
    "motion.closed": _motion_closed,
    "motion.forwarded": _motion_forwarded,
    "ratification.decided": _ratification_unit,
    "ratification.expired": _ratification_expired,
    "petition.opened": _petition_opened,
    "petition.signed": _petition_signed,
    "session.opened": _session_opened,
    "production.declared": _declared,
    "needs.declared": _declared,
    "budget.opened": _budget_opened,
    "budget.ballot": _budget_ballot,
    "budget.counted": _budget_counted,
    "land.divided": _land_divided,
    "session.attended": _session_update(lambda x, d: replace(x, present=x.present | {d["member"]})),
    "session.left": _session_update(lambda x, d: replace(x, present=x.present - {d["member"]})),
    "session.speaker": _session_update(
        lambda x, d: replace(x, speakers=(*x.speakers, d["member"]))
    ),
    "session.spoke": _session_update(
        lambda x, d: replace(
            x,
            speakers=tuple(m for m in x.speakers if m != d["member"]),
            spoken=(*x.spoken, d["member"]),
        )
    ),
    "session.minuted": _session_update(lambda x, d: replace(x, minutes=(*x.minutes, d["text"]))),
    "session.closed": _session_closed,
}


def apply(state: State, event: Event) -> None:
    """Fold one event into ``state`` (in place) and count it."""
    handler = HANDLERS.get(event.type)
    if handler is None:
        raise LedgerError(f"entry {state.size}: unknown event type {event.type!r}")
    handler(state, event)
    state.size += 1


def fold(events: Iterable[Event], state: State | None = None) -> State:
    """The state after ``events``, starting from ``state`` (or the empty federation)."""
    state = State() if state is None else state
    for event in events:
        apply(state, event)
    return state
