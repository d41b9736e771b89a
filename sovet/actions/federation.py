"""Actions that found the federation and change its membership and structure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

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
    "convene_first",
    "found_council",
    "found_federation",
    "found_unit",
    "join_unit",
    "leave_unit",
    "register_faction",
    "register_member",
    "register_members",
    "set_convenors",
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
    source: str = "",
) -> int:
    """Register many members at once, each (id, name, units) — all or nothing.

    A bulk import is visible as such: one ``members.imported`` entry (who, how many,
    into which units, from what ``source``) comes first, and each registration and
    joining after it is its own log entry naming the import; the batch is one transaction.
    """
    with db.writing(many=True) as w:
        rules.check_operator(w.state, actor)
        units: set[str] = set()
        for mid, name, member_units in rows:
            _check_new_member(w.state.members, mid, name)
            for unit in member_units:
                if unit not in w.state.units:
                    raise NotFound(f"member {mid}: no unit {unit!r}")
            units.update(member_units)
        batch = new_id("imp")
        w.append(
            "members.imported",
            actor,
            {"id": batch, "count": len(rows), "units": sorted(units), "source": source},
            at=at,
        )
        for mid, name, member_units in rows:
            _check_new_member(w.state.members, mid, name)
            w.append("member.registered", actor, {"id": mid, "name": name, "import": batch}, at=at)
            for unit in member_units:
                w.append(
                    "member.joined", actor, {"member": mid, "unit": unit, "import": batch}, at=at
                )
    return len(rows)


def join_unit(
    db: Database,
    *,
    actor: str,
    unit: str,
    member: str,
    invited_by: str | None = None,
    at: str | None = None,
) -> None:
    """A unit's convenor admits a member (where the constitution lets the convenors
    admit), or a new member accepts a convenor's invitation (``invited_by``)."""
    with db.writing() as w:
        rules.check_join(w.state, actor, unit, member, invited_by=invited_by)
        data = {"member": member, "unit": unit}
        if invited_by is not None:
            data["invited_by"] = invited_by
        w.append("member.joined", actor, data, at=at)


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
    place: str = "",
    convenors: Iterable[str] = (),
    at: str | None = None,
) -> Unit:
    with db.writing() as w:
        rules.check_operator(w.state, actor)
        if unit_id in w.state.units or unit_id in w.state.councils:
            raise InputError(f"id {unit_id!r} is taken")
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
                "convenors": sorted(convenors),
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
    convenors: Iterable[str] = (),
    at: str | None = None,
) -> Council:
    """Found a council of delegates from ``constituents`` (units or councils, no cycle)."""
    with db.writing() as w:
        rules.check_operator(w.state, actor)
        s = w.state
        if council_id in s.units or council_id in s.councils:
            raise InputError(f"id {council_id!r} is taken")
        if not constituents:
            raise InputError("a council needs constituents")
        _check_kind(w.state, council_id, level if level in s.rules().kinds else "council")
        for c in constituents:
            if c not in s.units and c not in s.councils:
                raise NotFound(f"constituent {c!r} is not a unit or council")
        w.append(
            "council.founded",
            actor,
            {
                "id": council_id,
                "name": name,
                "level": level,
                "constituents": list(constituents),
                "convenors": sorted(convenors),
            },
            at=at,
        )
    return db.state.councils[council_id]


def set_convenors(
    db: Database, *, actor: str, body: str, convenors: Sequence[str], at: str | None = None
) -> None:
    """Convenors of a body hand the role on to members of that same body."""
    with db.writing() as w:
        rules.check_convenor(w.state, actor, body)
        voters = w.state.voters_of(body)
        for c in convenors:
            if c not in voters:
                raise InputError(f"{c} is not a member of {body}")
        w.append("body.convenors", actor, {"body": body, "convenors": sorted(convenors)}, at=at)


def convene_first(
    db: Database, *, actor: str, body: str, convenors: Sequence[str], at: str | None = None
) -> None:
    """The operator names a new body's first convenors, once, from its own members
    (a council's from its seated delegates); afterwards only convenors hand on."""
    with db.writing() as w:
        rules.check_operator(w.state, actor)
        s = w.state
        current = (
            s.units[body].convenors
            if s.kind_of(body).value == "unit"
            else (s.councils[body].convenors)
        )
        if current:
            raise InputError(f"{body} already has convenors; they hand the role on themselves")
        voters = s.voters_of(body)
        for c in convenors:
            if c not in voters:
                raise InputError(f"{c} is not a member of {body}")
        w.append("body.convenors", actor, {"body": body, "convenors": sorted(convenors)}, at=at)


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
