"""What the signed-in member may do on a motion or a ratification page, beyond voting:
amend, decide amendments, forward, bind their unit's delegates, put their unit's
ratification decision, or close a ratification whose period is over."""

from __future__ import annotations

from typing import Any

from sovet import rules
from sovet.errors import SovetError
from sovet.federation import State
from sovet.model import Motion, MotionStatus, RatificationStatus

__all__ = ["convenes", "motion_options", "ratification_options"]


def _units_of(s: State, actor: str | None) -> list[str]:
    """The base units the signed-in member belongs to."""
    if actor is None:
        return []
    return [u for u, unit in s.units.items() if actor in unit.members and not unit.dissolved]


def motion_options(s: State, actor: str | None, m: Motion) -> dict[str, Any]:
    """What the signed-in member may do with a motion beyond voting: amend it, decide its
    amendments or forward it (convenors), or bind their unit's delegates on it."""
    is_convenor = convenes(s, actor, m.body)
    council = m.body in s.councils
    instruct = [
        (u, s.body_name(u)) for u in _units_of(s, actor) if council and m.body in s.councils_of(u)
    ]
    forward_to = [
        (b, s.body_name(b))
        for b in [*s.councils_of(m.body), *sorted(s.councils), *sorted(s.units)]
        if b != m.body
        and not (b in s.units and s.units[b].dissolved)
        and is_convenor
        and _may_forward(s, actor, m, b)
    ]
    return {
        "can_amend": m.status is MotionStatus.OPEN
        and actor is not None
        and actor in s.voters_of(m.body),
        "decide_amendments": is_convenor and m.status is MotionStatus.OPEN,
        "forward_to": list(dict.fromkeys(forward_to))
        if is_convenor and m.status in (MotionStatus.OPEN, MotionStatus.PASSED)
        else [],
        "instruct_units": instruct if m.status in (MotionStatus.OPEN, MotionStatus.VOTING) else [],
    }


def _may_forward(s: State, actor: str | None, m: Motion, to: str) -> bool:
    """Whether the rules let ``actor`` send ``m`` on to ``to`` (only what that body could
    have been asked itself is offered)."""
    try:
        rules.check_forward(s, actor or "", m, to)
    except SovetError:
        return False
    return True


def convenes(s: State, actor: str | None, body: str) -> bool:
    """Whether ``actor`` is a convenor of the unit or council ``body``."""
    if actor is None:
        return False
    holder = s.units.get(body) or s.councils.get(body)
    return holder is not None and actor in holder.convenors


def ratification_options(s: State, actor: str | None, motion: str, now: str) -> dict[str, Any]:
    """The units in which the signed-in member can put the ratification decision, and
    whether the period is over so that anyone signed in may close it."""
    r = s.ratifications[motion]
    pending = r.status is RatificationStatus.PENDING
    decided = dict(r.decisions)
    return {
        "ratify_units": [
            (u, s.body_name(u))
            for u in _units_of(s, actor)
            if pending and u in r.units and u not in decided
        ],
        "can_expire": pending and actor is not None and now > r.deadline,
    }
