"""Admission to a unit by the unit itself: a member asks to join a unit whose assembly
admits, and any member may challenge an admission; each is one log entry that puts a
motion before the unit's assembly (a challenge straight to its vote)."""

from __future__ import annotations

from sovet import rules
from sovet.actions.common import new_id
from sovet.model import Motion
from sovet.storage import Database

__all__ = ["challenge_admission", "request_admission"]


def request_admission(
    db: Database, *, actor: str, unit: str, text: str = "", at: str | None = None
) -> Motion:
    """The member asks to join ``unit``: a motion of its assembly that admits them if it
    passes (where the constitution's ``admission`` is "assembly")."""
    with db.writing() as w:
        s = w.state
        rules.check_request_admission(s, actor, unit)
        motion_id = new_id("mo")
        w.append(
            "admission.requested",
            actor,
            {
                "motion": motion_id,
                "unit": unit,
                "member": actor,
                "title": f"Admit {s.members[actor].name}",
                "text": text,
                "secret": rules.body_rules(s, unit).secret_ballot,
            },
            at=at,
        )
    return db.state.motions[motion_id]


def challenge_admission(
    db: Database, *, actor: str, unit: str, member: str, text: str = "", at: str | None = None
) -> Motion:
    """A member of ``unit`` challenges the admission of ``member``: the assembly votes at
    once on a motion that removes them if it passes."""
    with db.writing() as w:
        s = w.state
        rules.check_challenge_admission(s, actor, unit, member)
        motion_id = new_id("mo")
        w.append(
            "admission.challenged",
            actor,
            {
                "motion": motion_id,
                "unit": unit,
                "member": member,
                "title": f"Challenge to the admission of {s.members[member].name}",
                "text": text,
                "secret": rules.body_rules(s, unit).secret_ballot,
            },
            at=at,
        )
    return db.state.motions[motion_id]
