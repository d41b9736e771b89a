"""Pure policy: who may do what, and when. Every check raises a specific error or returns.

Power flows from the base: rights come only from membership of a unit and from
mandates. The instance operator (actor ``"operator"``) hosts: it registers accounts
(every account event public) and founds the structure, but it is no member — it
cannot vote, stand, propose, sign, admit anyone to a unit or act as a member — and
has no action that changes a vote, a result, a mandate or the log.
A higher council has no power over a lower body: it cannot dissolve it, annul its
election, unseat its delegate or change its membership; only a delegate's own
constituents can recall them.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from sovet.constitution import BodyRules, check_bodies, parse_constitution
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
    "check_challenge_admission",
    "check_close_election",
    "check_close_motion",
    "check_convenor",
    "check_create_account",
    "check_divide_land",
    "check_expire_ratification",
    "check_forward",
    "check_invitation",
    "check_join",
    "check_leave",
    "check_member_actor",
    "check_open_election",
    "check_open_petition",
    "check_operator",
    "check_own_account",
    "check_propose",
    "check_request_admission",
    "check_reset_password",
    "check_session_member",
    "check_sign_petition",
    "check_suspend",
    "check_vote",
    "delegate_seats",
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
    "admit-member",
)


def check_operator(state: State, actor: str) -> None:
    if actor != OPERATOR:
        raise Forbidden("only the instance operator registers accounts and founds bodies")


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


def check_join(
    state: State, actor: str, unit: str, member: str, *, invited_by: str | None = None
) -> None:
    """A unit admits its members: by its convenors, or by its assembly's vote, as the
    constitution's ``admission`` says. The operator admits nobody; a member asks to join
    (:func:`check_request_admission`) or accepts a convenor's invitation
    (``invited_by``: the convenor who made it, still a convenor when it is accepted)."""
    if unit not in state.units:
        raise NotFound(f"no unit {unit!r}")
    check_member_actor(state, actor, f"admit members to {state.body_name(unit)}")
    state.member(member)
    if member in state.units[unit].members:
        raise InputError(f"{member} is already a member of {unit}")
    if state.units[unit].dissolved:
        raise NotOpen(f"{state.body_name(unit)} is dissolved")
    if body_rules(state, unit).admission == "assembly":
        raise Forbidden(
            f"{state.body_name(unit)} admits members by its assembly's vote "
            '(the constitution\'s admission = "assembly"): ask to join, and the assembly decides'
        )
    if actor == member:
        if invited_by is None:
            raise Forbidden(
                f"a member asks to join {state.body_name(unit)}; its convenors admit "
                "(or send an invitation link)"
            )
        check_invitation(state, invited_by, unit)
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
) -> None:
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
        check_member_actor(state, member, "stand as a candidate")
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
            and election.purpose is purpose
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
    check_member_actor(state, actor, "vote")
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
    check_convenor(state, actor, election.constituency)
    if election.status is not ElectionStatus.OPEN:
        raise NotOpen(f"election {election.id} is not open")


def _voter_of(state: State, actor: str, body: str) -> None:
    check_member_actor(state, actor, f"act in {state.body_name(body)}")
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
    if effect == "admit-member":
        check_admit_motion(state, body, target, payload.get("member", ""))
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
    check_member_actor(state, actor, "petition")
    if actor not in state.voters_of(mandate.constituency):
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
    check_member_actor(state, actor, "sign a petition")
    mandate = state.mandates[petition.mandate]
    if actor not in state.voters_of(mandate.constituency):
        raise BaseProtected("only the delegate's own constituents can sign a recall petition")
    if actor in petition.signatures:
        raise AlreadyVoted(f"{actor} has already signed petition {petition.id}")


def check_expire_ratification(state: State, motion: str, at: str) -> None:
    r = state.get("ratifications", motion)
    if r.status is not RatificationStatus.PENDING:
        raise NotOpen(f"ratification of {motion} is already {r.status}")
    if at < r.deadline:
        raise NotOpen(f"ratification of {motion} runs until {r.deadline}")


# ---- the operator hosts, the members govern --------------------------------------------


def check_member_actor(state: State, actor: str, what: str) -> None:
    """A member's right (to vote, stand, propose, sign, admit ...) is never the
    operator's: it hosts the federation and is no member of it."""
    if actor == OPERATOR:
        raise Forbidden(
            f"the instance operator hosts the federation and is no member: it cannot {what}"
        )


def check_admit_motion(state: State, body: str, target: str, member: str) -> None:
    """An assembly's motion to admit: only a unit admits, only to itself, a member of the
    federation who is not yet its member."""
    if state.kind_of(body) is not BodyKind.UNIT or target != body:
        raise BaseProtected("only a unit admits its own members")
    state.member(member)
    if member in state.units[body].members:
        raise InputError(f"{member} is already a member of {body}")


def check_request_admission(state: State, actor: str, unit: str) -> None:
    """A member asks to join a unit whose assembly admits (the request is a motion of the
    unit); where the convenors admit, they do it (or send an invitation link)."""
    check_member_actor(state, actor, "ask to join a unit")
    state.member(actor)
    u = state.get("units", unit)
    if u.dissolved:
        raise NotOpen(f"{u.name} is dissolved")
    if actor in u.members:
        raise InputError(f"{actor} is already a member of {unit}")
    if body_rules(state, unit).admission != "assembly":
        raise InputError(
            f"{u.name}'s convenors admit its members: ask one of them, or for an invitation link"
        )
    for m in state.motions.values():
        if (
            m.body == unit
            and m.status in (MotionStatus.OPEN, MotionStatus.VOTING)
            and m.payload.get("effect") == "admit-member"
            and m.payload.get("member") == actor
        ):
            raise InputError(f"{actor} has already asked to join {unit} (motion {m.id})")


def check_challenge_admission(state: State, actor: str, unit: str, member: str) -> None:
    """Any member of a unit may challenge another's admission: the assembly then votes
    on removing them. One open challenge per admitted member."""
    check_member_actor(state, actor, "challenge an admission")
    u = state.get("units", unit)
    if actor not in u.members:
        raise Forbidden(f"only members of {u.name} challenge an admission to it")
    if member not in u.members:
        raise NotFound(f"{member} is not a member of {unit}")
    if member == actor:
        raise InputError("a member leaves by themselves; no challenge is needed")
    for m in state.motions.values():
        if (
            m.body == unit
            and m.status in (MotionStatus.OPEN, MotionStatus.VOTING)
            and m.payload.get("effect") == "remove-member"
            and m.payload.get("member") == member
        ):
            raise InputError(f"the membership of {member} is already before the assembly ({m.id})")


def check_create_account(state: State, actor: str, member: str | None, operator: bool) -> None:
    """The operator makes accounts (each one public); a new member makes their own by
    accepting an invitation. An account signs in as one member, or as an operator."""
    if member is not None:
        state.member(member)
    if operator and member is not None:
        raise InputError("an account signs in either as one member or as the operator")
    if actor == OPERATOR or (member is not None and actor == member and not operator):
        return
    raise Forbidden("only the instance operator makes accounts (each one in the public log)")


def check_reset_password(state: State, actor: str, member: str | None) -> None:
    """Only the operator sets the password of an account not its own (in the public log,
    and the member is told); a member changes their own with their own session."""
    if actor != OPERATOR:
        raise Forbidden("only the instance operator resets another account's password")
    if member is not None:
        state.member(member)


def check_suspend(state: State, actor: str, disabled: bool, *, suspend: bool) -> None:
    """Only the operator suspends an account (or lifts a suspension), in the public log."""
    if actor != OPERATOR:
        raise Forbidden("only the instance operator suspends accounts")
    if disabled == suspend:
        raise InputError("the account is already " + ("suspended" if suspend else "active"))


def check_own_account(actor: str, owner: str) -> None:
    """API tokens are made and revoked by the account itself."""
    if actor != owner:
        raise Forbidden("an account makes and revokes its own API tokens")


def check_invitation(state: State, invited_by: str, unit: str) -> None:
    """An invitation admits only while the convenor who made it still convenes the unit
    (where the assembly admits, accepting it asks the assembly)."""
    u = state.get("units", unit)
    if u.dissolved:
        raise NotOpen(f"{u.name} is dissolved")
    if body_rules(state, unit).admission == "assembly":
        return
    if invited_by not in u.convenors:
        raise Forbidden(
            f"{invited_by}, who made the invitation, is no longer a convenor of {u.name}"
        )
