"""Actions that found the federation and change its membership and structure."""

from __future__ import annotations

from collections.abc import Sequence

from sovet import rules
from sovet.actions.common import new_id
from sovet.constitution import BodyRules, check_bodies, parse_constitution
from sovet.counting.apportion import apportion
from sovet.errors import ConstitutionError, InputError, NotFound
from sovet.federation import State
from sovet.model import Council, FactionFounding, Member, Unit, UnitKind
from sovet.storage import Database

__all__ = [
    "apportion_council",
    "cosign_faction",
    "found_council",
    "found_faction",
    "found_federation",
    "found_unit",
    "join_council",
    "join_unit",
    "leave_unit",
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


def found_faction(
    db: Database,
    *,
    actor: str,
    faction_id: str,
    name: str,
    short: str,
    colour: str = "#777777",
    at: str | None = None,
) -> FactionFounding:
    """A member proposes a faction and signs its founding first; it exists once the
    constitution's number of founders (``factions.founders``) have signed."""
    with db.writing() as w:
        rules.check_found_faction(w.state, actor, faction_id, name, short, colour)
        w.append(
            "faction.proposed",
            actor,
            {"id": faction_id, "name": name.strip(), "short": short.strip(), "colour": colour},
            at=at,
        )
    return db.state.foundings[faction_id]


def cosign_faction(
    db: Database, *, actor: str, faction: str, at: str | None = None
) -> FactionFounding:
    """A member co-signs a faction's founding (and, once it is founded, belongs to it)."""
    with db.writing() as w:
        founding = w.state.get("foundings", faction)
        rules.check_cosign_faction(w.state, actor, founding)
        w.append("faction.cosigned", actor, {"faction": faction, "member": actor}, at=at)
    return db.state.foundings[faction]


def set_faction(db: Database, *, actor: str, faction: str | None, at: str | None = None) -> None:
    """A member joins (or, with ``None``, leaves) a faction, themselves."""
    with db.writing() as w:
        rules.check_set_faction(w.state, actor, faction)
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
    its convenors from its seated delegates.

    A council with a fixed number of seats (``max_seats``) has them shared out among its
    joined constituents by the constitution's method as it is founded; afterwards only its
    own convenors re-apportion it, by the same rule (:func:`apportion_council`)."""
    with db.writing() as w:
        s = w.state
        joined, invited = rules.check_found_council(s, actor, council_id, constituents)
        kind = level if level in s.rules().kinds else "council"
        _check_kind(w.state, council_id, kind)
        data: dict[str, object] = {
            "id": council_id,
            "name": name,
            "level": level,
            "constituents": joined,
            "invited": invited,
        }
        r = s.rules().rules_for(council_id, kind)
        if r.max_seats is not None and any(s.membership(c) for c in joined):
            # a fixed number of seats is shared out by the constitution's method at founding
            data["seats"] = _seats_by_rule(s, r, joined)
        w.append("council.founded", actor, data, at=at)
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
    """The council's convenors apportion its seats among its constituents by membership,
    as the constitution says (a fixed total by the named method, or a ratio with a
    minimum); the operator cannot (see :func:`rules.check_apportion`)."""
    with db.writing() as w:
        s = w.state
        rules.check_apportion(s, actor, council)
        seats = _seats_by_rule(s, rules.body_rules(s, council), s.councils[council].constituents)
        w.append("council.apportioned", actor, {"council": council, "seats": seats}, at=at)
    return seats


def _seats_by_rule(s: State, r: BodyRules, constituents: Sequence[str]) -> dict[str, int]:
    """The constitution's apportionment (rules ``r``) among ``constituents`` by their
    membership now: a fixed total by the named method, or a ratio with a minimum."""
    claims = {c: s.membership(c) for c in constituents}
    if r.max_seats is not None:
        return dict(
            apportion(r.apportionment, claims, r.max_seats, min_seats=r.min_delegates).seats
        )
    return {c: max(r.min_delegates, n // r.members_per_delegate) for c, n in claims.items()}
