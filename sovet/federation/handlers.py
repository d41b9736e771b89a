"""The handler for every event type, and :func:`apply` / :func:`fold` over them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from sovet.errors import LedgerError
from sovet.federation.accounts import (
    account_changed,
    account_created,
    admission_challenged,
    admission_requested,
    members_imported,
)
from sovet.federation.bodies import (
    constitution_adopted,
    convenors_set,
    council_apportioned,
    council_founded,
    faction_registered,
    founded,
    member_faction,
    member_joined,
    member_left,
    member_registered,
    unit_founded,
)
from sovet.federation.demands import demand_lapsed, demand_opened, demand_signed
from sovet.federation.economy import (
    budget_ballot,
    budget_counted,
    budget_opened,
    declared,
    land_divided,
)
from sovet.federation.elections import (
    ballot_cast,
    candidate_nominated,
    candidate_stood,
    candidate_withdrew,
    election_counted,
    election_opened,
    election_voting,
)
from sovet.federation.factions import faction_cosigned, faction_proposed
from sovet.federation.motions import (
    amendment_decided,
    motion_amended,
    motion_closed,
    motion_forwarded,
    motion_proposed,
    vote_cast,
    voting_opened,
)
from sovet.federation.offices import council_joined
from sovet.federation.ratification import ratification_expired, ratification_unit
from sovet.federation.recall import petition_opened, petition_signed
from sovet.federation.sessions import session_closed, session_opened, session_update
from sovet.federation.state import Event, Handler, State

__all__ = ["HANDLERS", "apply", "fold"]


HANDLERS: dict[str, Handler] = {
    "federation.founded": founded,
    "constitution.adopted": constitution_adopted,
    "member.registered": member_registered,
    "member.joined": member_joined,
    "member.left": member_left,
    "member.faction": member_faction,
    "faction.registered": faction_registered,
    "unit.founded": unit_founded,
    "council.founded": council_founded,
    "council.joined": council_joined,
    "council.apportioned": council_apportioned,
    "body.convenors": convenors_set,
    "election.opened": election_opened,
    "ballot.cast": ballot_cast,
    "election.counted": election_counted,
    "candidate.stood": candidate_stood,
    "candidate.nominated": candidate_nominated,
    "candidate.withdrew": candidate_withdrew,
    "election.voting": election_voting,
    "motion.proposed": motion_proposed,
    "motion.amended": motion_amended,
    "amendment.decided": amendment_decided,
    "motion.voting": voting_opened,
    "vote.cast": vote_cast,
    "motion.closed": motion_closed,
    "motion.forwarded": motion_forwarded,
    "ratification.decided": ratification_unit,
    "ratification.expired": ratification_expired,
    "petition.opened": petition_opened,
    "petition.signed": petition_signed,
    "session.opened": session_opened,
    "production.declared": declared,
    "needs.declared": declared,
    "budget.opened": budget_opened,
    "budget.ballot": budget_ballot,
    "budget.counted": budget_counted,
    "land.divided": land_divided,
    "session.attended": session_update(lambda x, d: replace(x, present=x.present | {d["member"]})),
    "session.left": session_update(lambda x, d: replace(x, present=x.present - {d["member"]})),
    "session.speaker": session_update(lambda x, d: replace(x, speakers=(*x.speakers, d["member"]))),
    "session.spoke": session_update(
        lambda x, d: replace(
            x,
            speakers=tuple(m for m in x.speakers if m != d["member"]),
            spoken=(*x.spoken, d["member"]),
        )
    ),
    "session.minuted": session_update(lambda x, d: replace(x, minutes=(*x.minutes, d["text"]))),
    "session.closed": session_closed,
    "demand.opened": demand_opened,
    "demand.signed": demand_signed,
    "demand.lapsed": demand_lapsed,
    "faction.proposed": faction_proposed,
    "faction.cosigned": faction_cosigned,
    "account.created": account_created,
    "account.password_reset": account_changed,
    "account.disabled": account_changed,
    "account.enabled": account_changed,
    "account.token_issued": account_changed,
    "account.token_revoked": account_changed,
    "members.imported": members_imported,
    "admission.requested": admission_requested,
    "admission.challenged": admission_challenged,
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
