"""Pure policy: who may do what, and when. Every check raises a specific error or returns.

Power flows from the base: rights come only from membership of a unit and from
mandates. The instance operator (actor ``"operator"``) hosts: it registers accounts
(every account event public), but it is no member — it cannot vote, stand, propose,
sign, admit anyone to a unit or act as a member — founds no body, names no officer, and
has no action that changes a vote, a result, a mandate or the log. Units are founded by
their founding members, councils by their constituents; every office (a body's
convenors ...) is filled by election of the body's own voters and lost by their recall.
A higher council has no power over a lower body: it cannot dissolve it, annul its
election, unseat its delegate, replace its convenor or change its membership; only a
delegate's (or an officer's) own constituents can recall them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
from sovet.federation import State, add_days
from sovet.federation.demands import signatures_needed
from sovet.model import (
    BodyKind,
    Budget,
    Choice,
    Demand,
    DemandKind,
    DemandStatus,
    Election,
    ElectionPurpose,
    ElectionStatus,
    FactionFounding,
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
    "DEADLINE",
    "OPERATOR",
    "STATEMENT_LIMIT",
    "ElectionTerms",
    "body_rules",
    "breach_of_instruction",
    "check_amend",
    "check_apportion",
    "check_ballot",
    "check_begin_voting",
    "check_budget_ballot",
    "check_challenge_admission",
    "check_close_budget",
    "check_close_election",
    "check_close_motion",
    "check_close_session",
    "check_convenor",
    "check_cosign_faction",
    "check_create_account",
    "check_divide_land",
    "check_expire_ratification",
    "check_forward",
    "check_found_council",
    "check_found_faction",
    "check_found_unit",
    "check_invitation",
    "check_join",
    "check_join_council",
    "check_lapse_demand",
    "check_leave",
    "check_member_actor",
    "check_method",
    "check_motion_fits",
    "check_nominate",
    "check_office_body",
    "check_office_opener",
    "check_open_demand",
    "check_open_election",
    "check_open_petition",
    "check_open_voting",
    "check_operator",
    "check_owed_election",
    "check_own_account",
    "check_propose",
    "check_request_admission",
    "check_reset_password",
    "check_session_member",
    "check_set_faction",
    "check_sign_demand",
    "check_sign_petition",
    "check_stand",
    "check_suspend",
    "check_vote",
    "check_withdraw",
    "delegate_seats",
    "demand_progress",
    "election_terms",
    "office_rules",
    "open_session_of",
    "quorate",
    "rule_key",
]

OPERATOR = "operator"
DEADLINE = "deadline"
"""The actor of whatever happens because its time has come (the sweeper, not a person)."""

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


@dataclass(frozen=True, slots=True)
class ElectionTerms:
    """What the constitution sets for an election, and where: ``seats_rule`` says which
    keys give the seats (``kinds.unit.committee_seats is 7``), ``method_key`` the method's."""

    seats: int
    method: str
    seats_rule: str
    method_key: str
    nomination_days: int
    voting_days: int
    nominators: int


def rule_key(state: State, body: str, key: str) -> str:
    """The constitution key that sets ``key`` for ``body``: its own ``[bodies.*]`` table,
    its kind's ``[kinds.*]`` table, or ``[defaults]``."""
    c = state.rules()
    if key in c.body_overrides.get(body, {}):
        return f"bodies.{body}.{key}"
    kind = state.kind_name(body)
    if kind not in c.kinds and kind != BodyKind.UNIT:
        kind = BodyKind.COUNCIL.value
    if kind in c.kinds and getattr(c.kinds[kind], key) != getattr(c.defaults, key):
        return f"kinds.{kind}.{key}"
    return f"defaults.{key}"


def election_terms(
    state: State,
    constituency: str,
    target: str,
    purpose: ElectionPurpose,
    office: str | None = None,
) -> ElectionTerms:
    """Seats, method and periods of an election, from the constitution alone: a committee
    has ``committee_seats``; a delegation the constituency's apportioned seats; a
    by-election the delegation's vacant seats; an office ``offices.<office>``. The method
    is the filled body's ``election_method`` (an office's own). Nominations, voting and
    the signatures a nomination takes follow the electing body's rules."""
    state.kind_of(constituency)
    if office is not None and purpose not in (ElectionPurpose.OFFICE, ElectionPurpose.BY_ELECTION):
        raise InputError("only an office election (or an office's by-election) names an office")
    own = body_rules(state, constituency)
    of_office = purpose is ElectionPurpose.OFFICE or office is not None
    if (purpose is ElectionPurpose.COMMITTEE or of_office) and target != constituency:
        raise InputError(
            f"a {purpose.value} is elected by its own body: {constituency}, not {target}"
        )
    method, method_key = "", ""
    if of_office:
        rules = office_rules(state, office)
        seats = rules.seats
        seats_rule = f"offices.{office}.seats is {seats}"
        method, method_key = rules.method, f"offices.{office}.method"
        if purpose is ElectionPurpose.BY_ELECTION:
            held = len(state.officers(constituency, office or ""))
            seats -= held
            seats_rule += f", of whom {held} hold it: {seats} places are empty"
            if seats < 1:
                raise InputError(f"no place of {office} in {constituency} is empty")
    elif purpose is ElectionPurpose.COMMITTEE:
        if constituency not in state.units:
            raise InputError(f"{constituency} is a council: only a base unit has a committee")
        seats = own.committee_seats
        seats_rule = f"{rule_key(state, target, 'committee_seats')} is {seats}"
    else:
        if target not in state.councils:
            raise NotFound(f"no council {target!r}")
        if constituency not in state.councils[target].constituents:
            raise InputError(f"{constituency} sends no delegates to {target}")
        seats = delegate_seats(state, target, constituency)
        council = body_rules(state, target)
        if constituency in state.seats.get(target, {}):
            how = f"apportioned by {rule_key(state, target, 'apportionment')}"
        else:
            how = (
                f"{rule_key(state, target, 'members_per_delegate')} is "
                f"{council.members_per_delegate}, "
                f"{rule_key(state, target, 'min_delegates')} is {council.min_delegates}"
            )
        seats_rule = f"{constituency} sends {seats} delegates to {target} ({how})"
        if purpose is ElectionPurpose.BY_ELECTION:
            sitting = sum(
                1 for m in state.seated(target).values() if m.constituency == constituency
            )
            seats -= sitting
            seats_rule += f", of whom {sitting} sit: {seats} seats are vacant"
            if seats < 1:
                raise InputError(f"no seat of {constituency} in {target} is vacant")
    if not method:
        method = body_rules(state, target).election_method
        method_key = rule_key(state, target, "election_method")
    return ElectionTerms(
        seats=seats,
        method=method,
        seats_rule=seats_rule,
        method_key=method_key,
        nomination_days=own.nomination_days,
        voting_days=own.voting_days,
        nominators=own.nominators,
    )


def check_open_election(
    state: State,
    actor: str,
    constituency: str,
    target: str,
    purpose: ElectionPurpose,
    *,
    seats: int | None = None,
    method: str | None = None,
    office: str | None = None,
    demand: Demand | None = None,
) -> ElectionTerms:
    """A convenor of the constituency opens an election on the constitution's terms only:
    seats or a method other than the constitution's are refused, naming its key. An
    office's election is opened by the body's convenors, or by any of its voters while it
    has none (:func:`check_office_opener`). An election that members forced by petition
    (``demand``) is opened by the deadline sweep or by any of the body's voters: no
    convenor can sit on it (:func:`check_owed_election`)."""
    if demand is not None:
        check_owed_election(state, actor, demand, constituency, target, purpose, office)
    elif purpose is ElectionPurpose.OFFICE or (
        office is not None and purpose is ElectionPurpose.BY_ELECTION
    ):  # a delegation or committee naming an office is refused by election_terms
        check_office_body(state, constituency, target)
        check_office_opener(state, actor, constituency)
    else:
        check_convenor(state, actor, constituency)
    terms = election_terms(state, constituency, target, purpose, office)
    if seats is not None and seats != terms.seats:
        raise InputError(
            f"{terms.seats_rule}; an election cannot fill {seats}: "
            "changing it is a constitution amendment"
        )
    if method is not None and method != terms.method:
        raise InputError(
            f"{terms.method_key} is {terms.method!r}; an election cannot be counted by "
            f"{method!r}: changing it is a constitution amendment"
        )
    if terms.seats < 1:
        raise InputError(f"{terms.seats_rule}: there is no seat to fill")
    for election in state.elections.values():
        if (
            election.status in (ElectionStatus.NOMINATING, ElectionStatus.OPEN)
            and election.constituency == constituency
            and election.target == target
            and (election.purpose is purpose or office is not None)
            and election.office == office
        ):
            raise InputError(f"election {election.id} for these seats is already open")
    if purpose is ElectionPurpose.DELEGATION:
        sitting = sorted(
            m.member for m in state.seated(target).values() if m.constituency == constituency
        )
        if sitting:
            raise InputError(
                f"{constituency}'s delegates to {target} sit ({', '.join(sitting)}): a new "
                "delegation would add seats to theirs; a delegate leaves by recall, and a "
                "vacant seat is filled by a by-election"
            )
    check_method(terms.method, terms.seats, [f"c{i}" for i in range(terms.seats + 1)])
    return terms


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


STATEMENT_LIMIT = 4000
"""The longest candidate's statement, in characters."""


def _eligible(state: State, election: Election, member: str, who: str) -> None:
    """``member`` may stand in (or sign for) ``election``: a voter of its constituency,
    never the operator."""
    if member == OPERATOR:
        raise Forbidden(
            "the operator hosts the federation: it cannot stand, nominate or vote in an election"
        )
    state.member(member)
    if member not in state.voters_of(election.constituency):
        raise Forbidden(
            f"{member} is not a voter of {state.body_name(election.constituency)}: only its "
            f"voters {who} in election {election.id}"
        )


def _nominating(election: Election) -> None:
    if election.status is not ElectionStatus.NOMINATING:
        raise NotOpen(f"election {election.id} takes no nominations: voting has opened")


def check_stand(state: State, actor: str, election: Election, statement: str) -> None:
    """Any voter of the constituency stands (or accepts a nomination) until voting opens."""
    _eligible(state, election, actor, "stand")
    _nominating(election)
    if len(statement) > STATEMENT_LIMIT:
        raise InputError(f"a statement has at most {STATEMENT_LIMIT} characters")


def check_nominate(state: State, actor: str, election: Election, member: str) -> None:
    """A voter of the constituency signs another voter's nomination, once."""
    _eligible(state, election, actor, "nominate")
    if member == actor:
        raise InputError("to put yourself forward, stand as a candidate")
    _eligible(state, election, member, "may be nominated")
    _nominating(election)
    for n in election.nominations:
        if n.member == member and actor in n.nominators:
            raise AlreadyVoted(f"{actor} has already signed the nomination of {member}")


def check_withdraw(state: State, actor: str, election: Election, member: str) -> None:
    """A candidate withdraws themselves, before voting opens; nobody strikes a candidate."""
    if actor != member:
        raise Forbidden(
            f"only {member} may withdraw their candidacy: no convenor or member strikes a candidate"
        )
    _nominating(election)
    if not any(n.member == member and n.valid for n in election.nominations):
        raise Forbidden(f"{member} is not a candidate in election {election.id}")


def _may_move(state: State, actor: str, election: Election) -> None:
    """Who moves an election on when its time has come: the deadline sweeper, a voter
    of the constituency, or one of its convenors; never the operator."""
    if actor == DEADLINE:
        return
    if actor == OPERATOR:
        raise Forbidden("the operator hosts the federation: it does not run elections")
    body = election.constituency
    convenors = (
        state.units[body].convenors if body in state.units else state.councils[body].convenors
    )
    if (
        actor not in state.voters_of(body)
        and actor not in convenors
        and actor not in election.electors
    ):
        raise Forbidden(f"only the voters of {state.body_name(body)} move its elections on")


def check_begin_voting(state: State, actor: str, election: Election, at: str) -> None:
    """Voting opens once the nomination period is over and someone stands."""
    _may_move(state, actor, election)
    _nominating(election)
    if election.nominations_close is not None and at < election.nominations_close:
        raise NotOpen(
            f"nominations in election {election.id} are open until {election.nominations_close}"
        )
    if not election.standing():
        raise NotOpen(
            f"nobody stands in election {election.id} yet: nominations stay open until "
            "a member stands"
        )


def check_ballot(
    state: State, actor: str, election: Election, ranking: Sequence[str], at: str = ""
) -> None:
    if election.status is not ElectionStatus.OPEN:
        raise NotOpen(f"election {election.id} is not open for voting")
    check_member_actor(state, actor, "vote")
    if actor not in election.electors:
        if actor in state.voters_of(election.constituency):
            raise Forbidden(
                f"{actor} joined {state.body_name(election.constituency)} after voting opened "
                f"in election {election.id}: its electorate was fixed then"
            )
        raise Forbidden(f"{actor} does not vote in {state.body_name(election.constituency)}")
    if at and election.deadline is not None and at >= election.deadline:
        raise NotOpen(f"voting in election {election.id} ended at {election.deadline}")
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


def check_close_election(state: State, actor: str, election: Election, at: str) -> None:
    """The vote closes at its deadline, or earlier only when every elector has voted."""
    _may_move(state, actor, election)
    if election.status is not ElectionStatus.OPEN:
        raise NotOpen(f"election {election.id} is not open for voting")
    if (
        election.deadline is not None
        and at < election.deadline
        and len(election.voters) < len(election.electors)
    ):
        raise NotOpen(
            f"voting in election {election.id} runs until {election.deadline}: "
            f"{len(election.voters)} of {len(election.electors)} electors have voted, and it "
            "closes early only when every elector has"
        )


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
    check_motion_fits(state, body, kind, matter, payload)


def check_motion_fits(
    state: State,
    body: str,
    kind: MotionKind,
    matter: str | None,
    payload: dict[str, str],
) -> None:
    """What a motion of ``body`` may be and do, whoever puts it there (a member, or a
    convenor of another body forwarding it): only effects on ``body`` itself, reserved
    matters as reserved motions, amendments only in a council all units send to."""
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
    if effect == "adopt-plan" and body_kind is not BodyKind.COUNCIL:
        raise BaseProtected(
            "a plan is adopted by the council whose needs it meets and ratified by its units; "
            f"{state.body_name(body)} is a unit"
        )
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


def check_open_voting(state: State, actor: str, motion: Motion) -> None:
    """A convenor opens the vote: in a council only in session with its quorum present,
    in a unit only when it has members to vote. On a motion that members put by petition,
    any of the body's own voters may open it (so that no convenor can sit on it)."""
    if motion.payload.get("demand"):
        _voter_of(state, actor, motion.body)
    else:
        check_convenor(state, actor, motion.body)
    if motion.status is not MotionStatus.OPEN:
        raise NotOpen(f"motion {motion.id} is {motion.status}, not open")
    if state.kind_of(motion.body) is BodyKind.COUNCIL:
        session = open_session_of(state, motion.body)
        if session is None:
            raise NotOpen(
                f"{state.body_name(motion.body)} is not in session; a vote opens in session"
            )
        check_quorum(state, motion.body, session)
    elif not state.units[motion.body].members:
        raise QuorumNotMet(f"{state.body_name(motion.body)} has no members to vote")


def check_vote(
    state: State, actor: str, motion: Motion, choice: Choice, at: str | None = None
) -> None:
    if motion.status is not MotionStatus.VOTING:
        raise NotOpen(f"motion {motion.id} is not open for voting")
    if at is not None and motion.deadline is not None and at >= motion.deadline:
        raise NotOpen(f"the vote on motion {motion.id} closed at {motion.deadline}")
    _voter_of(state, actor, motion.body)
    if actor not in motion.electorate:
        raise Forbidden(
            f"{actor} joined after the vote on motion {motion.id} opened; the electorate "
            "is fixed when voting opens"
        )
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


def _seats(state: State, council: str) -> int:
    """The seats a council's quorum is a share of: the apportioned ones, else those seated."""
    if council in state.seats:
        return sum(state.seats[council].values())
    return len(state.seated(council))


def check_quorum(state: State, council: str, session: Session) -> None:
    seated = set(state.seated(council))
    seats = _seats(state, council)
    present = len(session.present & seated)
    quorum = body_rules(state, council).quorum
    if seats == 0 or Fraction(present, seats) < quorum:
        raise QuorumNotMet(
            f"{present} of {seats} delegates present; the quorum is {quorum} of the seats"
        )


def quorate(state: State, motion: Motion, voted: int) -> bool:
    """Whether ``voted`` votes decide the motion: in a unit, a turnout of at least the
    assembly's quorum of its electorate (a recall vote: at most half); in a council, votes
    cast by at least its quorum of the seats. Otherwise the vote is *not decided*."""
    quorum = body_rules(state, motion.body).quorum
    if state.kind_of(motion.body) is BodyKind.UNIT:
        if motion.kind is MotionKind.RECALL:
            quorum = min(quorum, Fraction(1, 2))
        size = len(motion.electorate)
    else:
        size = _seats(state, motion.body)
    return size > 0 and Fraction(voted, size) >= quorum


def check_close_motion(state: State, actor: str, motion: Motion, voted: int, at: str) -> None:
    """After its deadline anyone may close a vote (the sweeper does, as ``DEADLINE``);
    before it only a convenor (a recall vote: any constituent), and only once every
    member of the electorate who still may vote has voted."""
    if motion.status is not MotionStatus.VOTING:
        raise NotOpen(f"motion {motion.id} is not open for voting")
    if motion.deadline is not None and at >= motion.deadline:
        return
    if actor == DEADLINE:
        raise NotOpen(f"the vote on motion {motion.id} runs until {motion.deadline}")
    if motion.kind is MotionKind.RECALL or motion.payload.get("demand"):
        _voter_of(state, actor, motion.body)
    else:
        check_convenor(state, actor, motion.body)
    waiting = (motion.electorate & state.voters_of(motion.body)) - motion.voters
    if waiting:
        raise NotOpen(
            f"the vote on motion {motion.id} runs until {motion.deadline}; it closes earlier "
            f"only when every voter has voted ({len(waiting)} of {len(motion.electorate)} "
            "have not)"
        )


def check_forward(state: State, actor: str, motion: Motion, to: str) -> None:
    """A convenor sends a motion on to another body, where it is a NEW motion of that body
    under that body's own rules: only what that body could have been asked itself."""
    check_convenor(state, actor, motion.body)
    state.kind_of(to)
    if motion.status not in (MotionStatus.OPEN, MotionStatus.PASSED):
        raise NotOpen(f"motion {motion.id} cannot be forwarded now ({motion.status})")
    if to == motion.body:
        raise InputError("a motion is forwarded to another body")
    if motion.kind is MotionKind.RECALL:
        raise BaseProtected(
            "a recall vote is not forwarded: only a delegate's own constituents can recall them"
        )
    if motion.kind is MotionKind.RATIFICATION:
        raise BaseProtected(
            "a ratification is not forwarded: each unit ratifies by its own assembly's vote"
        )
    check_motion_fits(state, to, motion.kind, motion.matter, dict(motion.payload))


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
    check_member_actor(state, actor, "sign a petition")
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


# ---- members' petitions to their own body ----------------------------------------------

_PETITIONERS = {BodyKind.UNIT: "members", BodyKind.COUNCIL: "seated delegates"}


def _petitioner(state: State, actor: str, body: str) -> None:
    """Only a body's own voters petition it: never the operator, nor a higher council."""
    if actor in state.voters_of(body):
        return
    who = f"{state.body_name(body)}'s own {_PETITIONERS[state.kind_of(body)]}"
    if actor == OPERATOR:
        raise Forbidden(f"the operator hosts and does not petition; only {who} may")
    if _is_higher_council_of(state, actor, body):
        raise BaseProtected(f"{actor} acts for a higher council; only {who} may petition it")
    raise Forbidden(f"only {who} may petition it")


def check_open_demand(
    state: State, actor: str, body: str, kind: DemandKind, title: str, office: str | None
) -> None:
    """A body's own voter petitions it to sit, to take up a motion, or to hold an election."""
    body_kind = state.kind_of(body)
    dissolved = (
        state.units[body] if body_kind is BodyKind.UNIT else state.councils[body]
    ).dissolved
    if dissolved:
        raise NotOpen(f"{state.body_name(body)} is dissolved")
    _petitioner(state, actor, body)
    if kind is DemandKind.MOTION and not title.strip():
        raise InputError("title: a motion put by petition needs a title")
    if kind is DemandKind.ELECTION:
        offices = state.rules().offices
        if office in (None, "committee"):
            if body_kind is not BodyKind.UNIT:
                known = ", ".join(sorted(offices))
                raise InputError(f"office: a council elects no committee; name an office ({known})")
        elif office not in offices:
            known = ", ".join(["committee", *sorted(offices)])
            raise InputError(f"office: {office!r} is not an office of the constitution ({known})")
    for demand in state.demands.values():
        if (
            demand.body == body
            and demand.kind is kind
            and kind is not DemandKind.MOTION
            and demand.status is DemandStatus.OPEN
            and (demand.office or "committee") == (office or "committee")
        ):
            raise InputError(f"petition {demand.id} for this is already gathering signatures")


def check_sign_demand(state: State, actor: str, demand: Demand, at: str) -> None:
    if demand.status is not DemandStatus.OPEN:
        raise NotOpen(f"petition {demand.id} is {demand.status}, not open for signatures")
    if at >= demand.deadline:
        raise NotOpen(f"petition {demand.id} lapsed at {demand.deadline}")
    _petitioner(state, actor, demand.body)
    if actor in demand.signatures:
        raise AlreadyVoted(f"{actor} has already signed petition {demand.id}")


def check_lapse_demand(state: State, demand: Demand, at: str) -> None:
    if demand.status is not DemandStatus.OPEN:
        raise NotOpen(f"petition {demand.id} is already {demand.status}")
    if at < demand.deadline:
        raise NotOpen(f"petition {demand.id} gathers signatures until {demand.deadline}")


def demand_progress(state: State, demand: Demand) -> tuple[int, int]:
    """(signatures of the body's current voters, signatures needed now)."""
    voters = state.voters_of(demand.body)
    return len(demand.signatures & voters), signatures_needed(state, demand.body)


def check_close_session(state: State, actor: str, session: Session, at: str) -> None:
    """Convenors close a sitting; one convened by petition sits for the notice period and
    until every motion put by petition on its agenda is decided."""
    check_convenor(state, actor, session.council)
    if session.status is not SessionStatus.OPEN:
        raise NotOpen(f"session {session.id} is already closed")
    demand = state.demands.get(session.convened_by or "")
    if demand is not None:
        until = add_days(demand.met_at or session.opened_at, state.rules().petitions.notice_days)
        if at < until:
            raise Forbidden(
                f"session {session.id} was convened by petition {demand.id}: it sits until "
                f"{until} (petitions.notice_days); its convenors cannot close it earlier"
            )
    for motion in state.motions.values():
        if (
            motion.session == session.id
            and motion.payload.get("demand")
            and motion.status in (MotionStatus.OPEN, MotionStatus.VOTING)
        ):
            raise Forbidden(
                f"motion {motion.id} was put on the agenda by petition and is not decided: "
                "the session sits until it is"
            )


# ---- factions, founded by members ------------------------------------------------------


_HEX = frozenset("0123456789abcdefABCDEF")


def _faction_member(state: State, actor: str) -> None:
    if actor == OPERATOR:
        raise Forbidden(
            "the operator plays no part in factions: members found, join and leave them"
        )
    member = state.member(actor)
    if not member.active or not member.units:
        raise Forbidden(f"{actor} is not a member of any unit")


def check_found_faction(
    state: State, actor: str, faction_id: str, name: str, short: str, colour: str = "#777777"
) -> None:
    """A member proposes a faction; it exists when the constitution's founders have signed."""
    _faction_member(state, actor)
    if len(colour) != 7 or colour[0] != "#" or not all(c in _HEX for c in colour[1:]):
        raise InputError(f"colour: {colour!r} is not a colour such as #c0392b")
    if not faction_id or not all(c.isascii() and (c.isalnum() or c == "-") for c in faction_id):
        raise InputError("id: use lowercase letters, digits and hyphens")
    if faction_id != faction_id.lower():
        raise InputError("id: use lowercase letters, digits and hyphens")
    if faction_id in state.factions or faction_id in state.foundings:
        raise InputError(f"id: faction id {faction_id!r} is taken")
    if not name.strip():
        raise InputError("name: a faction needs a name")
    if not short.strip() or len(short) > 20:
        raise InputError("short: a short name of 1 to 20 characters")


def check_cosign_faction(state: State, actor: str, founding: FactionFounding) -> None:
    _faction_member(state, actor)
    if founding.founded:
        raise NotOpen(f"faction {founding.id} is already founded: join it instead")
    if actor in founding.founders:
        raise AlreadyVoted(f"{actor} has already signed the founding of {founding.id}")


def check_set_faction(state: State, actor: str, faction: str | None) -> None:
    """A member joins or leaves a faction themselves; nobody does it for them."""
    _faction_member(state, actor)
    if faction is not None and faction not in state.factions:
        raise NotFound(f"no faction {faction!r}")


def check_budget_ballot(state: State, actor: str, budget: Budget, at: str) -> None:
    """A member of the body votes once on an open budget, if a voter when it opened."""
    if budget.status is not ElectionStatus.OPEN:
        raise NotOpen(f"budget {budget.id} is not open")
    if budget.deadline is not None and at >= budget.deadline:
        raise NotOpen(f"the vote on budget {budget.id} closed at {budget.deadline}")
    check_member_actor(state, actor, "vote")
    if actor not in state.voters_of(budget.body):
        raise Forbidden(f"{actor} does not vote in {state.body_name(budget.body)}")
    if actor not in budget.electorate:
        raise Forbidden(
            f"{actor} joined after the vote on budget {budget.id} opened; the electorate "
            "is fixed when voting opens"
        )
    if actor in budget.voters:
        raise AlreadyVoted(f"{actor} has already voted on budget {budget.id}")


def check_close_budget(state: State, actor: str, budget: Budget, at: str) -> None:
    """As a motion's vote: anyone after the deadline; before it a convenor, once every
    voter has voted."""
    if budget.status is not ElectionStatus.OPEN:
        raise NotOpen(f"budget {budget.id} is not open")
    if budget.deadline is not None and at >= budget.deadline:
        return
    if actor == DEADLINE:
        raise NotOpen(f"the vote on budget {budget.id} runs until {budget.deadline}")
    check_convenor(state, actor, budget.body)
    waiting = (budget.electorate & state.voters_of(budget.body)) - budget.voters
    if waiting:
        raise NotOpen(
            f"the vote on budget {budget.id} runs until {budget.deadline}; it closes earlier "
            f"only when every voter has voted ({len(waiting)} of {len(budget.electorate)} "
            "have not)"
        )


def check_apportion(state: State, actor: str, council: str) -> None:
    """A council's seats are shared out by the constitution's rule when it is founded,
    and afterwards by the council's own convenors applying that same rule (the result is
    the rule's, not theirs); never by the operator or by anyone outside the council."""
    state.get("councils", council)
    if actor == OPERATOR:
        raise Forbidden(
            "the operator does not apportion a council; its seats follow the constitution, "
            "applied by the council's own convenors"
        )
    check_convenor(state, actor, council)


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


def check_owed_election(
    state: State,
    actor: str,
    demand: Demand,
    constituency: str,
    target: str,
    purpose: ElectionPurpose,
    office: str | None,
) -> None:
    """The election a met petition owes is opened as the petition asked — by the body's
    own voters, for its committee or the office it named — by the sweep or any voter."""
    if demand.kind is not DemandKind.ELECTION or demand.status is not DemandStatus.MET:
        raise NotOpen(f"petition {demand.id} owes no election")
    if demand.outcome is not None:
        raise NotOpen(f"petition {demand.id} already brought election {demand.outcome}")
    committee = demand.office in (None, "committee")
    wanted = (
        (ElectionPurpose.COMMITTEE, None) if committee else (ElectionPurpose.OFFICE, demand.office)
    )
    if (constituency, target) != (demand.body, demand.body) or (purpose, office) != wanted:
        raise InputError(
            f"petition {demand.id} asks {state.body_name(demand.body)} to elect its "
            f"{demand.office or 'committee'}, and nothing else"
        )
    if actor != DEADLINE:
        _petitioner(state, actor, demand.body)


def check_office_body(state: State, body: str, target: str) -> None:
    """A body's officers are elected by that body's own voters, never by another body's
    (a higher council trying is refused as a breach of the base principle)."""
    state.kind_of(body)
    if target != body:
        state.kind_of(target)
        message = f"the officers of {state.body_name(target)} are elected by its own voters only"
        above = body in state.councils and (
            target in state.base_units_under(body) or target in _councils_under(state, body)
        )
        raise BaseProtected(message) if above else Forbidden(message)


def office_rules(state: State, office: str | None) -> OfficeRules:
    """The constitution's ``[offices.<office>]`` table, or a clear error."""
    if office is None:
        raise InputError("say which office the election fills (e.g. convenor)")
    offices = state.rules().offices
    if office not in offices:
        known = ", ".join(sorted(offices))
        raise InputError(f"the constitution names no office {office!r} ([offices]: {known})")
    return offices[office]


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
