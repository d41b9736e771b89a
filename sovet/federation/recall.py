"""Recall: petitions, the vote at the petition threshold, and next-on-list seating.

Delegates are recalled by their constituents; officers (a body's convenors ...) by the
body's own voters, who elected them, by the same path.

A vote against a binding instruction opens a petition too; that is derived in
:func:`sovet.federation.motions.vote_cast`.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from sovet.constitution import Replacement
from sovet.federation.elections import grant_mandate
from sovet.federation.offices import drop_unseated_officers, officer_recalled
from sovet.federation.state import Event, State, add_days
from sovet.model import MandateStatus, Motion, MotionKind, MotionStatus, Petition, PetitionStatus

__all__ = [
    "passed_recall",
    "petition_opened",
    "petition_signed",
    "recall_failed",
    "recall_not_decided",
    "recall_threshold_reached",
]


def petition_opened(s: State, e: Event) -> None:
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


def petition_signed(s: State, e: Event) -> None:
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
    place = (
        f"from {s.body_name(mandate.body)}"
        if mandate.office is None
        else f"as {mandate.office} of {s.body_name(mandate.body)}"
    )
    motion = Motion(
        id=motion_id,
        body=mandate.constituency,
        title=f"Recall {delegate} {place}",
        text=petition.reason,
        kind=MotionKind.RECALL,
        proposed_by=petition.opened_by,
        proposed_at=e.at,
        status=MotionStatus.VOTING,
        secret=secret,
        payload={"petition": petition.id, "mandate": mandate.id},
        deadline=add_days(e.at, s.rules().recall.voting_days),
        electorate=s.voters_of(constituency),
    )
    s.put("motions", motion_id, motion)
    s.put(
        "petitions",
        petition.id,
        replace(petition, status=PetitionStatus.VOTING, vote_motion=motion_id),
    )


def passed_recall(s: State, motion: Motion, e: Event) -> None:
    petition = s.petitions[motion.payload["petition"]]
    mandate = s.mandates[petition.mandate]
    s.put("petitions", petition.id, replace(petition, status=PetitionStatus.RECALLED))
    s.put("mandates", mandate.id, replace(mandate, status=MandateStatus.RECALLED))
    rules = s.rules()
    next_on_list = rules.recall.replacement is Replacement.NEXT_ON_LIST
    if mandate.office is not None:
        officer_recalled(s, mandate, e.at, next_on_list=next_on_list)
        return
    if not next_on_list:
        drop_unseated_officers(s, mandate.body)
        return
    election = s.elections[mandate.election]
    seated = set(s.seated(mandate.body))
    for member in election.reserve:
        if member in seated or member not in s.members or not s.members[member].active:
            continue
        term = rules.rules_for(mandate.body, s.kind_name(mandate.body)).term_days
        grant_mandate(s, election, member, f"{mandate.id}:r", e.at, term)
        break
    drop_unseated_officers(s, mandate.body)


def recall_failed(s: State, motion: Motion) -> None:
    petition = s.petitions[motion.payload["petition"]]
    s.put("petitions", petition.id, replace(petition, status=PetitionStatus.REJECTED))


def recall_not_decided(s: State, motion: Motion) -> None:
    """Too few constituents voted: the delegate stays, and nothing is recorded against
    the petition but that; constituents may petition again."""
    petition = s.petitions[motion.payload["petition"]]
    s.put("petitions", petition.id, replace(petition, status=PetitionStatus.NOT_DECIDED))
