"""Pure policy: who may do what, and when. Every check raises a specific error or returns.

Power flows from the base: rights come only from membership of a unit and from
mandates. The instance operator (actor ``"operator"``) registers accounts, but founds no
body, names no officer, and has no action that changes a vote, a result, a mandate or
the log. Units are founded by their founding members, councils by their constituents;
every office (a body's convenors ...) is filled by election of the body's own voters and
lost by their recall. A higher council has no power over a lower body: it cannot
dissolve it, annul its election, unseat its delegate, replace its convenor or change its
membership; only a delegate's (or an officer's) own constituents can recall them.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from sovet.constitution import BodyRules, OfficeRules, check_bodies, parse_constitution
from sovet.errors import (
    AlreadyVoted,
    BaseProtected,
    ConstitutionError,
    Forbidden,
    InputError,
    NotFound,
    NotOpen,
    QuorumNotMet,
)
from sovet.federation import State
from sovet.model import (
    BodyKind,
    Choice,
    Election,
    ElectionPurpose,
    ElectionStatus,
    Mandate,
    MandateStatus,
    Motion,
    MotionKind,
    MotionStatus,
    Petition,
    PetitionStatus,
    RatificationStatus,
    Session,
    SessionStatus,
)

__all__ = [
    "OPERATOR",
    "body_rules",
    "breach_of_instruction",
    "check_amend",
    "check_ballot",
    "check_close_election",
    "check_close_motion",
    "check_convenor",
    "check_divide_land",
    "check_expire_ratification",
    "check_forward",
    "check_found_council",
    "check_found_unit",
    "check_join",
    "check_join_council",
    "check_leave",
    "check_office_election",
    "check_office_opener",
    "check_open_election",
    "check_open_petition",
    "check_operator",
    "check_propose",
    "check_session_member",
    "check_sign_petition",
    "check_vote",
    "delegate_seats",
    "office_rules",
    "open_session_of",
]

OPERATOR = "operator"

# Effects a motion may carry, and whether a body may aim them at another body.
_EFFECTS = (
    "dissolve",
    "remove-member",
    "amend-constitution",
    "adopt-plan",
    "annul-election",
    "unseat",
)


def check_operator(state: State, actor: str) -> None:
    if actor != OPERATOR:
        raise Forbidden("only the instance operator registers accounts")


def _is_higher_council_of(state: State, actor: str, body: str) -> bool:
    """Whether ``actor`` acts for a council that ``body`` sends delegates to (directly or not)."""
    for council in state.councils.values():
        below = body in state.base_units_under(council.id) or body in _councils_under(
            state, council.id
        )
        if below and (actor in council.convenors or actor in state.seated(council.id)):
            return True
    return False


def _councils_under(state: State, council: str) -> set[str]:
    out: set[str] = set()
    stack = list(state.councils[council].constituents)
    while stack:
        item = stack.pop()
        if item in state.councils and item not in out:
            out.add(item)
            stack.extend(state.councils[item].constituents)
    return out


def check_convenor(state: State, actor: str, body: str) -> None:
    kind = state.kind_of(body)
    convenors = (
        state.units[body].convenors if kind is BodyKind.UNIT else state.councils[body].convenors
    )
    if actor in convenors:
        return
    if _is_higher_council_of(state, actor, body):
        raise BaseProtected(
            f"{actor} acts for a higher council; only {state.body_name(body)}'s own "
            "convenors may do this"
        )
    raise Forbidden(f"only a convenor of {state.body_name(body)} may do this")


def check_divide_land(state: State, actor: str, unit: str) -> None:
    """Land and housing are divided by the base unit that holds them, by its own
    convenors: never by a council, however high, nor by another unit."""
    if state.kind_of(unit) is BodyKind.COUNCIL:
        raise BaseProtected(
            f"{state.body_name(unit)} is a council: land and housing are divided by the "
            "base units themselves"
        )
    if state.units[unit].dissolved:
        raise NotOpen(f"{state.body_name(unit)} is dissolved")
    check_convenor(state, actor, unit)


def check_join(state: State, actor: str, unit: str, member: str) -> None:
    """A member joins a unit by themselves (an invitation) or is admitted by its convenors."""
    if unit not in state.units:
        raise NotFound(f"no unit {unit!r}")
    state.member(member)
    if member in state.units[unit].members:
        raise InputError(f"{member} is already a member of {unit}")
    if actor in (member, OPERATOR):
        return
    check_convenor(state, actor, unit)


def check_leave(state: State, actor: str, unit: str, member: str) -> None:
    """Only the member themselves leaves; a unit removes a member by its own assembly's motion."""
    if unit not in state.units:
        raise NotFound(f"no unit {unit!r}")
    if member not in state.units[unit].members:
        raise NotFound(f"{member} is not a member of {unit}")
    if actor == member:
        return
    if _is_higher_council_of(state, actor, unit):
        raise BaseProtected("a higher council cannot change the membership of a base unit")
    raise Forbidden(
        "a member leaves by themselves; a unit removes a member only by its assembly's motion"
    )


def body_rules(state: State, body: str) -> BodyRules:
    return state.rules().rules_for(body, state.kind_name(body))


def delegate_seats(state: State, council: str, constituent: str) -> int:
    """How many delegates ``constituent`` sends to ``council``: the apportioned seats, or
    the constitution's ratio (one per N members, at least the minimum)."""
    if council not in state.councils:
        raise NotFound(f"no council {council!r}")
    if constituent not in state.councils[council].constituents:
        raise InputError(f"{constituent} is not a constituent of {council}")
    if council in state.seats and constituent in state.seats[council]:
        return state.seats[council][constituent]
    rules = body_rules(state, council)
    members = state.membership(constituent)
    return max(rules.min_delegates, members // rules.members_per_delegate)


def check_open_election(
    state: State,
    actor: str,
    constituency: str,
    target: str,
    purpose: ElectionPurpose,
    seats: int,
    candidates: Sequence[str],
    method: str,
    office: str | None = None,
) -> None:
    if office is not None or purpose is ElectionPurpose.OFFICE:
        check_office_election(state, actor, constituency, target, purpose, office, seats, method)
    else:
        check_convenor(state, actor, constituency)
    voters = state.voters_of(constituency)
    if purpose is ElectionPurpose.COMMITTEE and target != constituency:
        raise InputError("a committee is elected by its own unit")
    if purpose is ElectionPurpose.DELEGATION:
        if target not in state.councils:
            raise NotFound(f"no council {target!r}")
        if constituency not in state.councils[target].constituents:
            raise InputError(f"{constituency} sends no delegates to {target}")
        expected = delegate_seats(state, target, constituency)
        if seats != expected:
            raise InputError(f"{constituency} sends {expected} delegates to {target}, not {seats}")
    if seats < 1:
        raise InputError("an election fills at least one seat")
    if len(set(candidates)) != len(candidates):
        raise InputError("a candidate is listed twice")
    for member in candidates:
        state.member(member)
        if member not in voters:
            raise InputError(f"candidate {member} is not a member of {constituency}")
    if not candidates:
        raise InputError("an election needs candidates")
    for election in state.elections.values():
        if (
            election.status is ElectionStatus.OPEN
            and election.constituency == constituency
            and election.target == target
            and (election.purpose is purpose or office is not None)
            and election.office == office
        ):
            raise InputError(f"election {election.id} for these seats is already open")
    check_method(method, seats, candidates)


def check_method(method: str, seats: int, candidates: Sequence[str]) -> None:
    """The counting method exists and can fill ``seats`` (tried on a one-ballot count)."""
    from sovet.counting import METHODS, Profile, count
    from sovet.errors import CountingError

    if method not in METHODS:
        raise InputError(f"unknown counting method {method!r}; known: {', '.join(sorted(METHODS))}")
    probe = Profile.from_rankings(list(candidates), [list(candidates)])
    try:
        count(method, probe, min(seats, len(candidates)), seed=0)
    except (InputError, CountingError) as exc:
        raise InputError(f"{method} cannot fill {seats} seat(s): {exc.message}") from None


def check_ballot(state: State, actor: str, election: Election, ranking: Sequence[str]) -> None:
    if election.status is not ElectionStatus.OPEN:
        raise NotOpen(f"election {election.id} is not open")
    if actor not in state.voters_of(election.constituency):
        raise Forbidden(f"{actor} does not vote in {state.body_name(election.constituency)}")
    if actor in election.voters:
        raise AlreadyVoted(f"{actor} has already voted in election {election.id}")
    names = {c.member for c in election.candidates}
    if not ranking:
        raise InputError("a ballot needs at least one choice")
    if len(set(ranking)) != len(ranking):
        raise InputError("the ballot names a candidate twice")
    for choice in ranking:
        if choice not in names:
            raise InputError(f"{choice!r} is not a candidate in election {election.id}")


def check_close_election(state: State, actor: str, election: Election) -> None:
    if election.office is not None:
        check_office_opener(state, actor, election.constituency)
    else:
        check_convenor(state, actor, election.constituency)
    if election.status is not ElectionStatus.OPEN:
        raise NotOpen(f"election {election.id} is not open")


def _voter_of(state: State, actor: str, body: str) -> None:
    if actor not in state.voters_of(body):
        if state.kind_of(body) is BodyKind.COUNCIL:
            raise Forbidden(f"only seated delegates act in {state.body_name(body)}")
        raise Forbidden(f"only members act in {state.body_name(body)}")


def check_propose(
    state: State,
    actor: str,
    body: str,
    kind: MotionKind,
    matter: str | None,
    payload: dict[str, str],
) -> None:
    """A member (unit) or seated delegate (council) proposes; effects reach only the body itself."""
    _voter_of(state, actor, body)
    body_kind = state.kind_of(body)
    rules = state.rules()
    effect = payload.get("effect")
    if effect is not None and effect not in _EFFECTS:
        raise InputError(f"unknown effect {effect!r}; known: {', '.join(_EFFECTS)}")
    if effect in ("annul-election", "unseat"):
        raise BaseProtected(
            "no body can annul an election or unseat a delegate; only a delegate's own "
            "constituents can recall them"
        )
    target = payload.get("target", body)
    if effect == "dissolve" and target != body:
        raise BaseProtected("a council cannot dissolve another body; only its own assembly can")
    if effect == "remove-member":
        if body_kind is not BodyKind.UNIT or target != body:
            raise BaseProtected("only a unit's own assembly can change its membership")
        if payload.get("member") not in state.units[body].members:
            raise InputError(f"{payload.get('member')} is not a member of {body}")
    if kind is MotionKind.AMENDMENT:
        check_amend(state, body, payload)
    if effect == "adopt-plan" and (kind is not MotionKind.RESERVED or matter != "plan"):
        raise InputError("a plan is adopted by a reserved motion on the matter 'plan'")
    if matter is not None and matter in rules.reserved_matters and kind is MotionKind.ORDINARY:
        raise InputError(f"{matter!r} is a reserved matter: propose it as a reserved motion")
    if kind is MotionKind.RESERVED and (matter is None or matter not in rules.reserved_matters):
        raise InputError(f"{matter!r} is not a reserved matter of the constitution")
    if kind is MotionKind.INSTRUCTION:
        target_motion = state.get("motions", payload.get("motion", ""))
        if target_motion.body not in state.councils_of(body):
            raise InputError("an instruction binds delegates on a motion of a council they sit in")
        if payload.get("position") not in {c.value for c in Choice}:
            raise InputError("an instruction's position is yes, no or abstain")
    if kind is MotionKind.RATIFICATION:
        r = state.ratifications.get(payload.get("motion", ""))
        if r is None or r.status is not RatificationStatus.PENDING:
            raise NotOpen("that motion is not waiting for ratification")
        if body not in r.units:
            raise Forbidden(f"{body} is not among the units that ratify this motion")
    if kind is MotionKind.RECALL:
        raise InputError("a recall vote opens by petition, not by motion")


def check_amend(state: State, body: str, payload: dict[str, str]) -> None:
    """A constitution amendment goes before a council that the whole federation sends to."""
    if state.kind_of(body) is not BodyKind.COUNCIL:
        raise InputError("the constitution is amended by a council and ratified by the units")
    everyone = {u for u, unit in state.units.items() if not unit.dissolved}
    if set(state.base_units_under(body)) != everyone:
        raise InputError("only a council that all units send to may amend the constitution")
    if payload.get("effect") != "amend-constitution" or not payload.get("text"):
        raise InputError("an amendment motion carries the new constitution text")
    # checked now, so that a ratified amendment can always be adopted
    amended = parse_constitution(payload["text"], source="amendment")
    kinds = {b: state.kind_name(b) for b in [*state.units, *state.councils]}
    problems = [p.format("amendment") for p in check_bodies(amended, kinds)]
    if problems:
        raise ConstitutionError("; ".join(problems), problems=tuple(problems))


def open_session_of(state: State, council: str) -> Session | None:
    for session in state.sessions.values():
        if session.council == council and session.status is SessionStatus.OPEN:
            return session
    return None


def check_session_member(state: State, actor: str, session: Session) -> None:
    if session.status is not SessionStatus.OPEN:
        raise NotOpen(f"session {session.id} is closed")
    _voter_of(state, actor, session.council)


def check_vote(state: State, actor: str, motion: Motion, choice: Choice) -> None:
    if motion.status is not MotionStatus.VOTING:
        raise NotOpen(f"motion {motion.id} is not open for voting")
    _voter_of(state, actor, motion.body)
    if actor in motion.voters:
        raise AlreadyVoted(f"{actor} has already voted on motion {motion.id}")
    Choice(choice)
    if state.kind_of(motion.body) is BodyKind.COUNCIL:
        session = open_session_of(state, motion.body)
        if session is None:
            raise NotOpen(f"{state.body_name(motion.body)} is not in session")
        if actor not in session.present:
            raise Forbidden(f"{actor} is not registered as present in session {session.id}")
        check_quorum(state, motion.body, session)


def check_quorum(state: State, council: str, session: Session) -> None:
    seated = set(state.seated(council))
    seats = sum(state.seats[council].values()) if council in state.seats else len(seated)
    present = len(session.present & seated)
    quorum = body_rules(state, council).quorum
    if seats == 0 or Fraction(present, seats) < quorum:
        raise QuorumNotMet(
            f"{present} of {seats} delegates present; the quorum is {quorum} of the seats"
        )


def check_close_motion(state: State, actor: str, motion: Motion, voted: int) -> None:
    """Convenors close a vote; an assembly vote needs its quorum of members to have voted."""
    if motion.kind is MotionKind.RECALL:
        _voter_of(state, actor, motion.body)
    else:
        check_convenor(state, actor, motion.body)
    if motion.status is not MotionStatus.VOTING:
        raise NotOpen(f"motion {motion.id} is not open for voting")
    if state.kind_of(motion.body) is BodyKind.UNIT:
        members = len(state.units[motion.body].members)
        quorum = body_rules(state, motion.body).quorum
        if motion.kind is MotionKind.RECALL:
            quorum = min(quorum, Fraction(1, 2))
        if members == 0 or Fraction(voted, members) < quorum:
            raise QuorumNotMet(
                f"{voted} of {members} members voted; the quorum is {quorum} of the members"
            )


def check_forward(state: State, actor: str, motion: Motion, to: str) -> None:
    check_convenor(state, actor, motion.body)
    state.kind_of(to)
    if motion.status not in (MotionStatus.OPEN, MotionStatus.PASSED):
        raise NotOpen(f"motion {motion.id} cannot be forwarded now ({motion.status})")
    if to == motion.body:
        raise InputError("a motion is forwarded to another body")


def breach_of_instruction(
    state: State, actor: str, motion: Motion, choice: Choice
) -> Mandate | None:
    """The voter's mandate when its constituency bound it to another position on this motion."""
    mandate = state.seated(motion.body).get(actor)
    if mandate is None:
        return None
    for key in (motion.id, motion.forwarded_from):
        if key is None:
            continue
        instruction = state.instructions.get(f"{mandate.constituency}|{key}")
        if instruction is not None and instruction.position is not choice:
            return mandate
    return None


def check_open_petition(state: State, actor: str, mandate: Mandate) -> None:
    """Any constituent — and only a constituent — may open a recall petition."""
    if mandate.status is not MandateStatus.ACTIVE:
        raise NotOpen(f"mandate {mandate.id} is not active")
    if actor not in state.voters_of(mandate.constituency):
        if mandate.office is not None:
            where = state.body_name(mandate.body)
            if _is_higher_council_of(state, actor, mandate.body):
                raise BaseProtected(
                    f"only {where}'s own voters, who elected its {mandate.office}, can recall them"
                )
            raise Forbidden(f"only {where}'s own voters can petition to recall its officers")
        if _is_higher_council_of(state, actor, mandate.constituency) or actor in state.voters_of(
            mandate.body
        ):
            raise BaseProtected("only the delegate's own constituents can recall them")
        raise Forbidden("only the delegate's own constituents can petition for recall")
    for petition in state.petitions.values():
        if petition.mandate == mandate.id and petition.status in (
            PetitionStatus.OPEN,
            PetitionStatus.VOTING,
        ):
            raise InputError(f"petition {petition.id} against this mandate is already open")


def check_sign_petition(state: State, actor: str, petition: Petition) -> None:
    if petition.status is not PetitionStatus.OPEN:
        raise NotOpen(f"petition {petition.id} is not open for signatures")
    mandate = state.mandates[petition.mandate]
    if actor not in state.voters_of(mandate.constituency):
        if mandate.office is not None:
            raise BaseProtected(
                f"only {state.body_name(mandate.body)}'s own voters can sign a petition to "
                f"recall its {mandate.office}"
            )
        raise BaseProtected("only the delegate's own constituents can sign a recall petition")
    if actor in petition.signatures:
        raise AlreadyVoted(f"{actor} has already signed petition {petition.id}")


def check_expire_ratification(state: State, motion: str, at: str) -> None:
    r = state.get("ratifications", motion)
    if r.status is not RatificationStatus.PENDING:
        raise NotOpen(f"ratification of {motion} is already {r.status}")
    if at < r.deadline:
        raise NotOpen(f"ratification of {motion} runs until {r.deadline}")


# ---- offices and founding ---------------------------------------------------------------


def check_office_opener(state: State, actor: str, body: str) -> None:
    """Who may open (or close) an election of ``body``'s officers: its convenors; or, while
    it has none (a body just founded, or whose convenors were all recalled or left), any
    of its own voters. Never the operator, never a higher council."""
    convenors = state.convenors_of(body)
    if actor in convenors:
        return
    if not convenors and actor in state.voters_of(body):
        return
    if actor == OPERATOR:
        raise Forbidden(
            f"the operator names no officer: {state.body_name(body)} elects its own, "
            "by its own voters"
        )
    if _is_higher_council_of(state, actor, body):
        raise BaseProtected(
            f"{actor} acts for a higher council; only {state.body_name(body)}'s own voters "
            "elect its officers"
        )
    if convenors:
        raise Forbidden(f"only a convenor of {state.body_name(body)} may do this")
    raise Forbidden(f"only a voter of {state.body_name(body)} may open its convenor election")


def office_rules(state: State, office: str | None) -> OfficeRules:
    """The constitution's ``[offices.<office>]`` table, or a clear error."""
    if office is None:
        raise InputError("say which office the election fills (e.g. convenor)")
    offices = state.rules().offices
    if office not in offices:
        known = ", ".join(sorted(offices))
        raise InputError(f"the constitution names no office {office!r} ([offices]: {known})")
    return offices[office]


def check_office_election(
    state: State,
    actor: str,
    body: str,
    target: str,
    purpose: ElectionPurpose,
    office: str | None,
    seats: int,
    method: str,
) -> None:
    """An office is filled by the body's own voters, for the seats and by the method the
    constitution's ``[offices.<office>]`` sets; a by-election fills no more places than
    are empty."""
    if purpose not in (ElectionPurpose.OFFICE, ElectionPurpose.BY_ELECTION):
        raise InputError(f"a {purpose.value} election fills no office")
    rules = office_rules(state, office)
    state.kind_of(body)
    if target != body:
        state.kind_of(target)
        message = f"the officers of {state.body_name(target)} are elected by its own voters only"
        above = body in state.councils and (
            target in state.base_units_under(body) or target in _councils_under(state, body)
        )
        raise BaseProtected(message) if above else Forbidden(message)
    check_office_opener(state, actor, body)
    if purpose is ElectionPurpose.OFFICE:
        if seats != rules.seats:
            raise InputError(
                f"the constitution fills the office of {office} with {rules.seats} seat(s) "
                f"(offices.{office}.seats), not {seats}"
            )
        if method != rules.method:
            raise InputError(
                f"the constitution elects the {office} by {rules.method} "
                f"(offices.{office}.method), not {method}"
            )
        return
    empty = rules.seats - len(state.officers(body, office))
    if seats > empty:
        raise InputError(
            f"{state.body_name(body)} has {max(empty, 0)} empty place(s) of {office} "
            f"(offices.{office}.seats = {rules.seats}), not {seats}"
        )


def check_found_unit(state: State, actor: str, unit_id: str, founders: Sequence[str]) -> None:
    """A unit is founded by its founding members: registered members of the federation,
    the actor among them. Never by the operator."""
    if actor == OPERATOR:
        raise Forbidden(
            "the operator hosts and founds no body: a unit is founded by its founding members"
        )
    if actor not in state.members or not state.members[actor].active:
        raise Forbidden("only a member of the federation founds a unit")
    if actor not in founders:
        raise Forbidden("whoever founds a unit is one of its founding members")
    if len(set(founders)) != len(founders):
        raise InputError("a founding member is named twice")
    for founder in founders:
        if founder not in state.members or not state.members[founder].active:
            raise NotFound(f"founders: no member {founder!r}")
    if unit_id in state.units or unit_id in state.councils:
        raise InputError(f"id {unit_id!r} is taken")


def check_found_council(
    state: State, actor: str, council_id: str, constituents: Sequence[str]
) -> tuple[list[str], list[str]]:
    """A council is founded by a convenor of one of its constituents. Returns the named
    constituents that join at once (those the actor convenes) and those invited, who join
    only by their own convenors' act: no body is ever dragged into a council."""
    if actor == OPERATOR:
        raise Forbidden(
            "the operator hosts and founds no body: a council is founded by its constituents"
        )
    if council_id in state.units or council_id in state.councils:
        raise InputError(f"id {council_id!r} is taken")
    if not constituents:
        raise InputError("a council needs constituents")
    if len(set(constituents)) != len(constituents):
        raise InputError("a constituent is named twice")
    for c in constituents:
        if c not in state.units and c not in state.councils:
            raise NotFound(f"constituent {c!r} is not a unit or council")
        holder = state.units.get(c) or state.councils[c]
        if holder.dissolved:
            raise NotOpen(f"{state.body_name(c)} is dissolved")
    joined = [c for c in constituents if actor in state.convenors_of(c)]
    if not joined:
        raise Forbidden(
            "a council is founded by a convenor of one of its constituents; each other "
            "constituent joins by its own convenors' decision"
        )
    return joined, [c for c in constituents if c not in joined]


def check_join_council(state: State, actor: str, council: str, constituent: str) -> None:
    """A constituent named at a council's founding joins it by its own convenors' act."""
    c = state.get("councils", council)
    if c.dissolved:
        raise NotOpen(f"{c.name} is dissolved")
    state.kind_of(constituent)
    if constituent in c.constituents:
        raise InputError(f"{state.body_name(constituent)} already sends delegates to {c.name}")
    if constituent not in c.invited:
        raise InputError(f"{state.body_name(constituent)} was not named at {c.name}'s founding")
    if actor == OPERATOR:
        raise Forbidden(
            f"the operator joins no body to a council: {state.body_name(constituent)}'s "
            "own convenors decide"
        )
    check_convenor(state, actor, constituent)
    if constituent == council or (
        constituent in state.councils and council in _councils_under(state, constituent)
    ):
        raise InputError(f"{c.name} is below {state.body_name(constituent)}: no cycle")
