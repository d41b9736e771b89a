"""Handlers for the public side of accounts, bulk imports and admissions to a unit.

An account's secrets (its sign-in name, password hash, sessions and tokens) stay in the
installation's private tables; what is done to an account is public, so that nobody —
the operator least of all — can sign in as a member unseen: its creation (and whom it
signs in as), a password reset by anyone but the member, a suspension, every API token
issued or revoked. A bulk import of members is one marker entry, and each entry it
makes names it. A member asks to join a unit, or is challenged after being admitted:
both become motions of the unit's assembly.
"""

from __future__ import annotations

from dataclasses import replace

from sovet.federation.motions import motion_proposed, voting_opened
from sovet.federation.state import Event, State
from sovet.model import AccountEvent, AccountRecord, Import

__all__ = [
    "ACCOUNT_EVENTS",
    "account_changed",
    "account_created",
    "admission_challenged",
    "admission_requested",
    "members_imported",
]

ACCOUNT_EVENTS = ("password_reset", "disabled", "enabled", "token_issued", "token_revoked")
"""Account event kinds after ``account.created`` (the log's type is ``account.<kind>``)."""


def account_created(s: State, e: Event) -> None:
    d = e.data
    record = AccountRecord(
        id=d["account"],
        member=d.get("member"),
        operator=bool(d.get("operator", False)),
        created_at=e.at,
        created_by=e.actor or "",
        history=(AccountEvent("created", e.at, e.actor or "", str(d.get("import", ""))),),
    )
    s.put("accounts", record.id, record)


def account_changed(s: State, e: Event) -> None:
    """Any later account event: appended to the account's history; a suspension or its
    end changes ``disabled``. An account made before accounts were logged gets its
    record from its first logged event."""
    d = e.data
    kind = e.type.removeprefix("account.")
    record = s.accounts.get(d["account"]) or AccountRecord(
        id=d["account"],
        member=d.get("member"),
        operator=d.get("member") is None,
        created_at="",
        created_by="",
    )
    disabled = {"disabled": True, "enabled": False}.get(kind, record.disabled)
    event = AccountEvent(kind, e.at, e.actor or "", str(d.get("name", "")))
    s.put(
        "accounts",
        record.id,
        replace(record, disabled=disabled, history=(*record.history, event)),
    )


def members_imported(s: State, e: Event) -> None:
    d = e.data
    s.put(
        "imports",
        d["id"],
        Import(
            id=d["id"],
            at=e.at,
            by=e.actor or "",
            count=int(d["count"]),
            units=tuple(d.get("units", ())),
            source=str(d.get("source", "")),
        ),
    )


def admission_requested(s: State, e: Event) -> None:
    """A member asks to join a unit whose assembly admits: a motion of the unit, which
    admits them if it passes."""
    d = e.data
    _motion(s, e, {"effect": "admit-member", "member": d["member"]})


def admission_challenged(s: State, e: Event) -> None:
    """A member challenges an admission: a motion of the unit that removes the admitted
    member if it passes, put to the assembly's vote at once (no convenor can hold it)."""
    d = e.data
    _motion(s, e, {"effect": "remove-member", "member": d["member"], "challenge": "admission"})
    voting_opened(s, Event("motion.voting", e.at, e.actor, {"motion": d["motion"]}))


def _motion(s: State, e: Event, payload: dict[str, str]) -> None:
    d = e.data
    data = {
        "id": d["motion"],
        "body": d["unit"],
        "title": d["title"],
        "text": d.get("text", ""),
        "kind": "ordinary",
        "secret": bool(d.get("secret", False)),
        "payload": payload,
    }
    motion_proposed(s, Event("motion.proposed", e.at, e.actor, data))
