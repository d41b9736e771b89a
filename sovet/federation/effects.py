"""What a passed (and, where needed, ratified) motion does to its own body."""

from __future__ import annotations

from dataclasses import replace

from sovet.federation.bodies import adopt, member_joined, member_left
from sovet.federation.state import Event, State
from sovet.model import Motion

__all__ = ["take_effect"]


def take_effect(s: State, motion: Motion, e: Event) -> None:
    """What a passed (and, where needed, ratified) motion does to its own body."""
    effect = motion.payload.get("effect")
    if effect == "dissolve":
        body = motion.body
        if body in s.units:
            s.put("units", body, replace(s.units[body], dissolved=True))
        else:
            s.put("councils", body, replace(s.councils[body], dissolved=True))
    elif effect == "amend-constitution":
        adopt(s, motion.payload["text"])
    elif effect == "adopt-plan":
        period = motion.payload["period"]
        s.put("plans", period, {"period": period, "motion": motion.id, "adopted_at": e.at})
    elif effect == "remove-member":
        member_left(
            s,
            Event(
                "member.left",
                e.at,
                e.actor,
                {"member": motion.payload["member"], "unit": motion.body},
            ),
        )
    elif effect == "admit-member":
        member, unit = motion.payload["member"], motion.body
        if member in s.members and member not in s.units[unit].members:
            member_joined(
                s, Event("member.joined", e.at, e.actor, {"member": member, "unit": unit})
            )
