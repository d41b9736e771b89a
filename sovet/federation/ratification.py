"""Ratification of reserved matters and amendments by the base units under a council."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from sovet.federation.effects import take_effect
from sovet.federation.state import Event, State
from sovet.model import MotionKind, MotionStatus, Ratification, RatificationStatus

__all__ = [
    "ratification_decided",
    "ratification_expired",
    "ratification_outcome",
    "ratification_unit",
]


def ratification_decided(s: State, target: str, unit: str, ratified: bool, e: Event) -> None:
    ratification = s.ratifications[target]
    if ratification.status is not RatificationStatus.PENDING or unit not in ratification.units:
        return  # only a unit under the council ratifies (a forwarded copy decides nothing)
    decisions = dict(ratification.decisions)
    decisions[unit] = ratified
    ratification = replace(ratification, decisions=tuple(decisions.items()))
    outcome = ratification_outcome(s, ratification)
    motion = s.motions[target]
    if outcome is True:
        ratification = replace(ratification, status=RatificationStatus.RATIFIED)
        s.put("motions", motion.id, replace(motion, status=MotionStatus.RATIFIED))
        s.put("ratifications", target, ratification)
        take_effect(s, s.motions[target], e)
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


def ratification_unit(s: State, e: Event) -> None:
    ratification_decided(s, e.data["motion"], e.data["unit"], bool(e.data["ratified"]), e)


def ratification_expired(s: State, e: Event) -> None:
    r = s.ratifications[e.data["motion"]]
    s.put("ratifications", r.motion, replace(r, status=RatificationStatus.FAILED))
    motion = s.motions[r.motion]
    s.put("motions", motion.id, replace(motion, status=MotionStatus.NOT_RATIFIED))
