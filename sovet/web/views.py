"""Reads: the federation's records as plain dicts for the JSON API (and for pages).

Pure functions of the state; each matches one response model in
:mod:`sovet.web.schemas`. Secret votes show only who voted and the published tally.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sovet import rules
from sovet.federation import State
from sovet.federation.demands import demand_share
from sovet.ledger import TreeHead
from sovet.model import (
    Council,
    Demand,
    Election,
    ElectionStatus,
    Faction,
    FactionFounding,
    Mandate,
    Member,
    Motion,
    MotionStatus,
    Petition,
    Ratification,
    RatificationStatus,
    Session,
    Unit,
)
from sovet.rules import body_rules, open_session_of

__all__ = [
    "composition",
    "council_detail",
    "council_out",
    "delegate_out",
    "election_detail",
    "election_out",
    "federation_out",
    "head_out",
    "mandate_out",
    "member_out",
    "motion_detail",
    "motion_out",
    "officer_out",
    "officers_out",
    "petition_out",
    "ratification_out",
    "session_out",
    "unit_detail",
    "unit_out",
]


def head_out(head: TreeHead | None, public_key: str) -> dict[str, Any] | None:
    if head is None:
        return None
    return {
        "size": head.size,
        "root": head.root.hex(),
        "timestamp": head.timestamp,
        "signature": head.signature.hex(),
        "key_id": head.key_id,
        "public_key": public_key,
    }


def federation_out(s: State, head: TreeHead | None) -> dict[str, Any]:
    return {
        "name": s.name,
        "constitution_version": s.constitution_version,
        "members": len(s.members),
        "units": len(s.units),
        "councils": len(s.councils),
        "open_elections": sum(e.status is ElectionStatus.OPEN for e in s.elections.values()),
        "open_motions": sum(
            m.status in (MotionStatus.OPEN, MotionStatus.VOTING) for m in s.motions.values()
        ),
        "pending_ratifications": sum(
            r.status is RatificationStatus.PENDING for r in s.ratifications.values()
        ),
        "head": head_out(head, s.public_key),
    }


def member_out(m: Member) -> dict[str, Any]:
    return {"id": m.id, "name": m.name, "units": sorted(m.units), "faction": m.faction}


def unit_out(s: State, u: Unit) -> dict[str, Any]:
    return {
        "id": u.id,
        "name": u.name,
        "kind": u.kind,
        "place": u.place,
        "members": len(u.members),
        "convenors": sorted(u.convenors),
        "councils": list(s.councils_of(u.id)),
        "dissolved": u.dissolved,
    }


def delegate_out(s: State, m: Mandate) -> dict[str, Any]:
    return {
        "member": m.member,
        "name": s.members[m.member].name if m.member in s.members else m.member,
        "faction": m.faction,
        "constituency": m.constituency,
        "mandate": m.id,
        "ends_at": m.ends_at,
    }


def _sent_by(s: State, body: str) -> list[dict[str, Any]]:
    """The active mandates whose constituency is ``body``, in any council."""
    return [
        delegate_out(s, m)
        for m in sorted(s.mandates.values(), key=lambda m: (m.body, m.member))
        if m.constituency == body and m.status.value == "active" and m.body != body
    ]


def officer_out(s: State, m: Mandate) -> dict[str, Any]:
    return {
        "office": m.office or "",
        "member": m.member,
        "name": s.members[m.member].name if m.member in s.members else m.member,
        "mandate": m.id,
        "election": m.election,
        "started_at": m.started_at,
        "ends_at": m.ends_at,
        "next_on_list": m.id.endswith(":r"),
    }


def officers_out(s: State, body: str) -> list[dict[str, Any]]:
    """A body's officers now, by office, as elected."""
    held = sorted(s.officers(body), key=lambda m: (m.office or "", m.started_at, m.member))
    return [officer_out(s, m) for m in held]


def unit_detail(s: State, u: Unit) -> dict[str, Any]:
    out = unit_out(s, u)
    out["member_list"] = [member_out(s.members[m]) for m in sorted(u.members)]
    out["delegates"] = _sent_by(s, u.id)
    out["officers"] = officers_out(s, u.id)
    return out


def composition(s: State, council: str) -> list[dict[str, Any]]:
    """Seated delegates by faction, largest first (non-party last among equals)."""
    counts = Counter(m.faction for m in s.seated(council).values())
    rows: list[dict[str, Any]] = []
    for faction, seats in sorted(
        counts.items(), key=lambda kv: (-kv[1], kv[0] is None, kv[0] or "")
    ):
        f = s.factions.get(faction) if faction is not None else None
        rows.append(
            {
                "faction": faction,
                "name": f.name if f else (faction or "non-party"),
                "short": f.short if f else (faction or "—"),
                "colour": f.colour if f else "#777777",
                "seats": seats,
            }
        )
    return rows


def council_out(s: State, c: Council) -> dict[str, Any]:
    apportioned = s.seats.get(c.id)
    seated = len(s.seated(c.id))
    return {
        "id": c.id,
        "name": c.name,
        "level": c.level,
        "constituents": list(c.constituents),
        "convenors": sorted(c.convenors),
        "seats": sum(apportioned.values()) if apportioned is not None else seated,
        "seated": seated,
        "dissolved": c.dissolved,
        "invited": list(c.invited),
    }


def council_detail(s: State, c: Council) -> dict[str, Any]:
    out = council_out(s, c)
    out["apportioned"] = dict(s.seats.get(c.id, {}))
    out["composition"] = composition(s, c.id)
    out["delegates"] = [
        delegate_out(s, m) for m in sorted(s.seated(c.id).values(), key=lambda m: m.member)
    ]
    session = open_session_of(s, c.id)
    out["open_session"] = None if session is None else session.id
    out["officers"] = officers_out(s, c.id)
    return out


def mandate_out(s: State, m: Mandate) -> dict[str, Any]:
    return {
        "id": m.id,
        "member": m.member,
        "name": s.members[m.member].name if m.member in s.members else m.member,
        "body": m.body,
        "constituency": m.constituency,
        "election": m.election,
        "started_at": m.started_at,
        "ends_at": m.ends_at,
        "faction": m.faction,
        "status": m.status,
        "office": m.office,
    }


def election_out(e: Election) -> dict[str, Any]:
    return {
        "id": e.id,
        "constituency": e.constituency,
        "target": e.target,
        "purpose": e.purpose,
        "office": e.office,
        "seats": e.seats,
        "method": e.method,
        "status": e.status,
        "opened_at": e.opened_at,
        "voted": len(e.voters),
        "electorate": e.electorate,
        "elected": list(e.elected),
        "nominations_close": e.nominations_close,
        "voting_opened_at": e.voting_opened_at,
        "deadline": e.deadline,
        "unopposed": e.unopposed,
    }


def election_detail(e: Election) -> dict[str, Any]:
    out = election_out(e)
    out.update(
        candidates=[
            {"member": c.member, "name": c.name, "faction": c.faction, "statement": c.statement}
            for c in e.candidates
        ],
        nominations=[
            {
                "member": n.member,
                "name": n.name,
                "faction": n.faction,
                "statement": n.statement,
                "nominators": list(n.nominators),
                "accepted": n.accepted,
                "withdrawn": n.withdrawn,
            }
            for n in e.nominations
        ],
        nominators=e.nominators,
        reserve=list(e.reserve),
        opened_by=e.opened_by,
        seed=e.seed,
        result=e.result,
        ballots=len(e.ballots_published),
    )
    return out


def motion_out(m: Motion) -> dict[str, Any]:
    return {
        "id": m.id,
        "body": m.body,
        "title": m.title,
        "kind": m.kind,
        "status": m.status,
        "proposed_by": m.proposed_by,
        "proposed_at": m.proposed_at,
        "secret": m.secret,
        "yes": m.tally.yes,
        "no": m.tally.no,
        "abstain": m.tally.abstain,
        "voted": len(m.voters),
        "deadline": m.deadline,
        "electorate": len(m.electorate),
    }


def motion_detail(s: State, m: Motion) -> dict[str, Any]:
    out = motion_out(m)
    flagged_members = {s.mandates[f].member for f in m.flagged if f in s.mandates}
    out.update(
        text=m.text,
        matter=m.matter,
        amendments=[
            {"id": a.id, "text": a.text, "proposed_by": a.proposed_by, "status": a.status}
            for a in m.amendments
        ],
        roll_call=[
            {
                "member": member,
                "name": s.members[member].name if member in s.members else member,
                "faction": s.members[member].faction if member in s.members else None,
                "choice": choice,
                "flagged": member in flagged_members,
            }
            for member, choice in m.roll_call
        ],
        flagged=list(m.flagged),
        forwarded_to=m.forwarded_to,
        forwarded_from=m.forwarded_from,
        session=m.session,
        payload=dict(m.payload),
    )
    return out


def petition_out(s: State, p: Petition) -> dict[str, Any]:
    mandate = s.mandates[p.mandate]
    threshold = s.rules().recall.petition_threshold
    return {
        "id": p.id,
        "mandate": p.mandate,
        "delegate": mandate.member,
        "body": mandate.body,
        "constituency": mandate.constituency,
        "opened_by": p.opened_by,
        "opened_at": p.opened_at,
        "reason": p.reason,
        "signatures": len(p.signatures),
        "signers": sorted(p.signatures),
        "threshold": f"{threshold.numerator}/{threshold.denominator}",
        "status": p.status,
        "vote_motion": p.vote_motion,
    }


def ratification_out(s: State, r: Ratification) -> dict[str, Any]:
    counts = dict(r.members)
    decided = dict(r.decisions)
    return {
        "motion": r.motion,
        "title": s.motions[r.motion].title if r.motion in s.motions else r.motion,
        "council": r.council,
        "units": list(r.units),
        "decisions": decided,
        "ratified_by": sum(1 for v in decided.values() if v),
        "members_ratifying": sum(counts.get(u, 0) for u, v in decided.items() if v),
        "members_total": sum(counts.values()),
        "opened_at": r.opened_at,
        "deadline": r.deadline,
        "status": r.status,
    }


def session_out(s: State, x: Session) -> dict[str, Any]:
    seated = set(s.seated(x.council))
    seats = sum(s.seats[x.council].values()) if x.council in s.seats else len(seated)
    quorum = body_rules(s, x.council).quorum
    present = len(x.present & seated)
    return {
        "id": x.id,
        "council": x.council,
        "opened_at": x.opened_at,
        "opened_by": x.opened_by,
        "agenda": list(x.agenda),
        "present": sorted(x.present),
        "speakers": list(x.speakers),
        "spoken": list(x.spoken),
        "minutes": list(x.minutes),
        "status": x.status,
        "closed_at": x.closed_at,
        "quorum_present": seats > 0 and present * quorum.denominator >= quorum.numerator * seats,
        "seats": seats,
    }


def demand_out(s: State, d: Demand) -> dict[str, Any]:
    """A members' petition to its own body, with its progress."""
    signed, needed = rules.demand_progress(s, d)
    share = demand_share(s, d.body)
    return {
        "id": d.id,
        "body": d.body,
        "kind": d.kind,
        "title": d.title,
        "text": d.text,
        "office": d.office,
        "opened_by": d.opened_by,
        "opened_at": d.opened_at,
        "deadline": d.deadline,
        "signatures": signed,
        "needed": needed,
        "signers": sorted(d.signatures),
        "share": f"{share.numerator}/{share.denominator}",
        "status": d.status,
        "met_at": d.met_at,
        "outcome": d.outcome,
    }


def founding_out(s: State, f: FactionFounding) -> dict[str, Any]:
    return {
        "id": f.id,
        "name": f.name,
        "short": f.short,
        "colour": f.colour,
        "proposed_by": f.proposed_by,
        "proposed_at": f.proposed_at,
        "founders": list(f.founders),
        "needed": s.rules().factions.founders,
        "founded": f.founded,
    }


def faction_detail(s: State, f: Faction) -> dict[str, Any]:
    return {
        "id": f.id,
        "name": f.name,
        "short": f.short,
        "colour": f.colour,
        "founders": list(f.founders),
        "founded_at": f.founded_at,
        "members": sorted(m.id for m in s.members.values() if m.faction == f.id),
    }
