"""Recall: any constituent opens a petition; at the threshold a recall vote opens."""

from __future__ import annotations

from sovet import rules
from sovet.actions.common import new_id
from sovet.model import Petition
from sovet.storage import Database

__all__ = ["open_petition", "sign_petition"]


def open_petition(
    db: Database,
    *,
    actor: str,
    mandate: str,
    reason: str,
    petition_id: str | None = None,
    at: str | None = None,
) -> Petition:
    """Open a recall petition against a delegate; the opener's signature is the first."""
    with db.writing() as w:
        m = w.state.get("mandates", mandate)
        rules.check_open_petition(w.state, actor, m)
        pid = petition_id or new_id("p")
        w.append("petition.opened", actor, {"id": pid, "mandate": mandate, "reason": reason}, at=at)
    return db.state.petitions[pid]


def sign_petition(db: Database, *, actor: str, petition: str, at: str | None = None) -> Petition:
    """Sign; when signatures reach the constitution's threshold the recall vote opens."""
    with db.writing() as w:
        p = w.state.get("petitions", petition)
        rules.check_sign_petition(w.state, actor, p)
        w.append("petition.signed", actor, {"petition": petition, "member": actor}, at=at)
    return db.state.petitions[petition]
