"""Votes close by themselves: the sweeper that closes every vote past its deadline.

Every vote gets its deadline when it opens (``voting_days`` of the body's rules; a
recall vote ``[recall] voting_days``; a ratification its ``period_days``). Nobody has to
close it: :func:`close_due` runs every closer in :data:`CLOSERS`, each of which closes the
votes of one kind whose deadline has passed, as the actor ``rules.DEADLINE``, one
transaction and one ledger entry per vote. ``sovet serve`` runs it every
``deadline_interval`` seconds, and ``sovet close-due`` runs it once.
"""

from __future__ import annotations

from collections.abc import Callable

from sovet import rules
from sovet.actions.budgets import close_budget
from sovet.actions.elections import close_due_elections, open_owed_elections
from sovet.actions.motions import close_motion, expire_ratification
from sovet.actions.petitions import close_due_demands
from sovet.errors import NotOpen
from sovet.model import ElectionStatus, MotionStatus, RatificationStatus
from sovet.storage import Database

__all__ = [
    "CLOSERS",
    "close_due",
    "close_due_budgets",
    "close_due_motions",
    "expire_due_ratifications",
]

Closer = Callable[..., int]


def close_due_motions(db: Database, *, at: str) -> int:
    """Close every motion whose vote is past its deadline; how many were closed."""
    due = sorted(
        m.id
        for m in db.state.motions.values()
        if m.status is MotionStatus.VOTING and m.deadline is not None and m.deadline <= at
    )
    return _each(due, lambda mid: close_motion(db, actor=rules.DEADLINE, motion=mid, at=at))


def close_due_budgets(db: Database, *, at: str) -> int:
    """Close and count every budget whose vote is past its deadline."""
    due = sorted(
        b.id
        for b in db.state.budgets.values()
        if b.status is ElectionStatus.OPEN and b.deadline is not None and b.deadline <= at
    )
    return _each(due, lambda bid: close_budget(db, actor=rules.DEADLINE, budget_id=bid, at=at))


def expire_due_ratifications(db: Database, *, at: str) -> int:
    """End every ratification past its period that did not gather its majority."""
    due = sorted(
        r.motion
        for r in db.state.ratifications.values()
        if r.status is RatificationStatus.PENDING and r.deadline <= at
    )
    return _each(due, lambda mid: expire_ratification(db, actor=rules.DEADLINE, motion=mid, at=at))


def _each(ids: list[str], close: Callable[[str], object]) -> int:
    closed = 0
    for record in ids:
        try:
            close(record)
        except NotOpen:  # closed meanwhile by someone else
            continue
        closed += 1
    return closed


CLOSERS: dict[str, Closer] = {
    "owed elections": open_owed_elections,
    "elections": close_due_elections,
    "motions": close_due_motions,
    "budgets": close_due_budgets,
    "ratifications": expire_due_ratifications,
    "petitions": close_due_demands,
}
"""Every kind of vote with a deadline, and its closer ``(db, *, at) -> int``."""


def close_due(db: Database, *, at: str) -> int:
    """Close every vote whose deadline is at or before ``at``; how many were closed."""
    return sum(closer(db, at=at) for closer in CLOSERS.values())
