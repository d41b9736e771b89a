"""Handlers for motions, and what a passed motion leads to, by its kind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction

from sovet.federation.effects import take_effect
from sovet.federation.elections import took_part
from sovet.federation.ratification import ratification_decided
from sovet.federation.recall import passed_recall, recall_failed, recall_not_decided
from sovet.federation.state import Event, State, add_days
from sovet.model import (
    Amendment,
    Choice,
    Instruction,
    Motion,
    MotionKind,
    MotionStatus,
    Petition,
    Ratification,
    VoteTally,
)

__all__ = [
    "amendment_decided",
    "motion_amended",
    "motion_closed",
    "motion_forwarded",
    "motion_proposed",
    "vote_cast",
    "vote_deadline",
    "voting_opened",
]


def motion_proposed(s: State, e: Event) -> None:
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


def motion_amended(s: State, e: Event) -> None:
    motion = s.motions[e.data["motion"]]
    amendment = Amendment(id=e.data["id"], text=e.data["text"], proposed_by=e.actor or "")
    s.put("motions", motion.id, replace(motion, amendments=(*motion.amendments, amendment)))


def amendment_decided(s: State, e: Event) -> None:
    motion = s.motions[e.data["motion"]]
    status = "accepted" if e.data["accepted"] else "rejected"
    amendments = tuple(
        replace(a, status=status) if a.id == e.data["amendment"] else a for a in motion.amendments
    )
    text = motion.text
    if e.data["accepted"]:
        text = e.data.get("new_text", text)
    s.put("motions", motion.id, replace(motion, amendments=amendments, text=text))


def vote_deadline(s: State, motion: Motion, at: str) -> str:
    """When a vote opened at ``at`` closes by itself: ``voting_days`` of the body's rules
    (a recall vote: ``[recall] voting_days``)."""
    rules = s.rules()
    if motion.kind is MotionKind.RECALL:
        return add_days(at, rules.recall.voting_days)
    return add_days(at, rules.rules_for(motion.body, s.kind_name(motion.body)).voting_days)


def voting_opened(s: State, e: Event) -> None:
    """The vote opens: its deadline (as logged; derived the same way for older logs) and
    its electorate — the body's voters at this moment — are fixed."""
    motion = s.motions[e.data["motion"]]
    deadline = e.data.get("deadline") or vote_deadline(s, motion, e.at)
    motion = replace(
        motion,
        status=MotionStatus.VOTING,
        deadline=deadline,
        electorate=s.voters_of(motion.body),
    )
    s.put("motions", motion.id, motion)


def vote_cast(s: State, e: Event) -> None:
    """An open vote names the choice; a secret one records only that the member voted."""
    d = e.data
    motion = s.motions[d["motion"]]
    member = d["member"]
    if "choice" not in d:
        s.motions[motion.id] = replace(motion, voters=motion.voters | {member})
        took_part(s, motion.id, member)
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
    took_part(s, motion.id, member)
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


def motion_closed(s: State, e: Event) -> None:
    d = e.data
    motion = s.motions[d["motion"]]
    tally = motion.tally
    if "tally" in d:  # a secret vote: the sealed box is opened and its tally published
        t = d["tally"]
        tally = VoteTally(yes=int(t["yes"]), no=int(t["no"]), abstain=int(t["abstain"]))
    if d.get("quorate", True) is False:  # too few voted: no decision, no consequence
        motion = replace(motion, tally=tally, status=MotionStatus.NOT_DECIDED)
        s.put("motions", motion.id, motion)
        if motion.kind is MotionKind.RECALL:
            recall_not_decided(s, motion)
        return
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
            recall_failed(s, motion)
        elif motion.kind is MotionKind.RATIFICATION:
            ratification_decided(s, motion.payload["motion"], motion.body, False, e)
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
        take_effect(s, motion, e)
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
    take_effect(s, motion, e)


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
    ratification_decided(s, motion.payload["motion"], motion.body, True, e)


def motion_forwarded(s: State, e: Event) -> None:
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
        session=d.get("session"),
        secret=bool(d.get("secret", motion.secret)),
        deadline=None,
        electorate=frozenset(),
    )
    s.put("motions", forwarded.id, forwarded)


_CONSEQUENCES: dict[MotionKind, Callable[[State, Motion, Event], None]] = {
    MotionKind.ORDINARY: _passed_ordinary,
    MotionKind.RESERVED: _passed_reserved,
    MotionKind.AMENDMENT: _passed_reserved,
    MotionKind.RECALL: passed_recall,
    MotionKind.INSTRUCTION: _passed_instruction,
    MotionKind.RATIFICATION: _passed_ratification,
}
