"""Actions that found the federation and change its membership and structure."""

from __future__ import annotations

from collections.abc import Sequence

from sovet import rules
from sovet.actions.common import new_id
from sovet.constitution import check_bodies, parse_constitution
from sovet.counting.apportion import apportion
from sovet.errors import ConstitutionError, InputError, NotFound
from sovet.federation import State
from sovet.model import Council, Faction, Member, Unit, UnitKind
from sovet.storage import Database

__all__ = [
    "apportion_council",
    "found_council",
    "found_federation",
    "found_unit",
    "join_council",
    "join_unit",
    "leave_unit",
    "register_faction",
    "register_member",
    "register_members",
    "set_faction",
]


def found_federation(
    db: Database,
    *,
    name: str,
    constitution: str,
    at: str | None = None,
    signing_key: bytes | None = None,
) -> None:
    """Create the federation's signing key and its first log entry, with its constitution."""
    parse_constitution(constitution, source="constitution")
    public = db.initialise(signing_key=signing_key)
    with db.writing() as w:
        w.append(
            "federation.founded",
            rules.OPERATOR,
            {"name": name, "constitution": constitution, "public_key": public.hex()},
            at=at,
        )


def _check_kind(state: State, body: str, kind: str) -> None:
    """A new body must be of the kind the constitution's ``[bodies.<id>]`` table says."""
    problems = check_bodies(state.rules(), {body: kind})
    if problems:
        text = "; ".join(p.format("constitution") for p in problems)
        raise ConstitutionError(text, problems=tuple(p.format("constitution") for p in problems))


def register_member(
    db: Database, *, actor: str, name: str, member_id: str | None = None, at: str | None = None
) -> Member:
    """The operator registers an account (an invitation accepted)."""
    with db.writing() as w:
        rules.check_operator(w.state, actor)
        mid = member_id or new_id("m")
        _check_new_member(w.state.members, mid, name)
        w.append("member.registered", actor, {"id": mid, "name": name}, at=at)
    return db.state.members[mid]


def _check_new_member(existing: dict[str, Member], mid: str, name: str) -> None:
    if not name.strip():
        raise InputError("a member needs a name")
    if mid in existing:
        raise InputError(f"member id {mid!r} is taken")


def register_members(
    db: Database,
    *,
    actor: str,
    rows: Sequence[tuple[str, str, Sequence[str]]],
    at: str | None = None,
) -> int:
    """Register many members at once, each (id, name, units) — all or nothing.

    Each registration and each joining is its own log entry; the batch is one transaction.
    """
    with db.writing(many=True) as w:
        rules.check_operator(w.state, actor)
        for mid, name, units in rows:
            _check_new_member(w.state.members, mid, name)
            for unit in units:
                if unit not in w.state.units:
                    raise NotFound(f"member {mid}: no unit {unit!r}")
            w.append("member.registered", actor, {"id": mid, "name": name}, at=at)
            for unit in units:
                w.append("member.joined", actor, {"member": mid, "unit": unit}, at=at)
    return len(rows)


def join_unit(db: Database, *, actor: str, unit: str, member: str, at: str | None = None) -> None:
    with db.writing() as w:
        rules.check_join(w.state, actor, unit, member)
        w.append("member.joined", actor, {"member": member, "unit": unit}, at=at)


def leave_unit(db: Database, *, actor: str, unit: str, member: str, at: str | None = None) -> None:
    with db.writing() as w:
        rules.check_leave(w.state, actor, unit, member)
        w.append("member.left", actor, {"member": member, "unit": unit}, at=at)


def register_faction(
    db: Database, *, actor: str, faction_id: str, name: str, short: str, colour: str = "#777777"
) -> Faction:
    with db.writing() as w:
        rules.check_operator(w.state, actor)
        if faction_id in w.state.factions:
            raise InputError(f"faction id {faction_id!r} is taken")
        w.append(
            "faction.registered",
            actor,
            {"id": faction_id, "name": name, "short": short, "colour": colour},
        )
    return db.state.factions[faction_id]


def set_faction(db: Database, *, actor: str, faction: str | None, at: str | None = None) -> None:
    """A member declares (or leaves) their own faction."""
    with db.writing() as w:
        w.state.member(actor)
        if faction is not None and faction not in w.state.factions:
            raise NotFound(f"no faction {faction!r}")
        w.append("member.faction", actor, {"member": actor, "faction": faction}, at=at)


def found_unit(
    db: Database,
    *,
    actor: str,
    unit_id: str,
    name: str,
    kind: UnitKind | str,
    founders: Sequence[str] = (),
    place: str = "",
    at: str | None = None,
) -> Unit:
    """Members found a base unit: ``founders`` (registered members, the actor among
    them; just the actor if none are named) are its first members. It has no convenors
    until its founding assembly elects them: any founder opens that election
    (:func:`~sovet.actions.elections.open_election` with ``purpose="office"``,
    ``office="convenor"``)."""
    founders = list(founders) or [actor]
    with db.writing() as w:
        rules.check_found_unit(w.state, actor, unit_id, founders)
        try:
            kind = UnitKind(kind)
        except ValueError:
            known = ", ".join(k.value for k in UnitKind)
            raise InputError(f"unknown unit kind {kind!r}; known: {known}") from None
        _check_kind(w.state, unit_id, "unit")
        w.append(
            "unit.founded",
            actor,
            {
                "id": unit_id,
                "name": name,
                "kind": kind.value,
                "place": place,
                "founders": sorted(founders),
            },
            at=at,
        )
    return db.state.units[unit_id]


def found_council(
    db: Database,
    *,
    actor: str,
    council_id: str,
    name: str,
    level: str,
    constituents: Sequence[str],
    at: str | None = None,
) -> Council:
    """A convenor of one of ``constituents`` (units or councils) founds a council of their
    delegates. The constituents the actor convenes join at once; each other one is invited
    and joins only by its own convenors' act (:func:`join_council`). The council elects
    its convenors from its seated delegates."""
    with db.writing() as w:
        s = w.state
        joined, invited = rules.check_found_council(s, actor, council_id, constituents)
        _check_kind(w.state, council_id, level if level in s.rules().kinds else "council")
        w.append(
            "council.founded",
            actor,
            {
                "id": council_id,
                "name": name,
                "level": level,
                "constituents": joined,
                "invited": invited,
            },
            at=at,
        )
    return db.state.councils[council_id]


def join_council(
    db: Database, *, actor: str, council: str, constituent: str, at: str | None = None
) -> Council:
    """A convenor of ``constituent`` takes it into a council that named it at its founding."""
    with db.writing() as w:
        rules.check_join_council(w.state, actor, council, constituent)
        w.append("council.joined", actor, {"council": council, "constituent": constituent}, at=at)
    return db.state.councils[council]


def apportion_council(
    db: Database, *, actor: str, council: str, at: str | None = None
) -> dict[str, int]:
    """Apportion a council's seats among its constituents by membership, as the
    constitution says (a fixed total by the named method, or a ratio with a minimum)."""
    with db.writing() as w:
        s = w.state
        if actor != rules.OPERATOR:
            rules.check_convenor(s, actor, council)
        body = s.get("councils", council)
        r = rules.body_rules(s, council)
        claims = {c: s.membership(c) for c in body.constituents}
        if r.max_seats is not None:
            seats = dict(
                apportion(r.apportionment, claims, r.max_seats, min_seats=r.min_delegates).seats
            )
        else:
            seats = {
                c: max(r.min_delegates, n // r.members_per_delegate) for c, n in claims.items()
            }
        w.append("council.apportioned", actor, {"council": council, "seats": seats}, at=at)
    return seats
