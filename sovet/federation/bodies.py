"""Handlers for the federation, its constitution, members, factions, units and councils."""

from __future__ import annotations

from dataclasses import replace

from sovet.constitution import parse_constitution
from sovet.federation.offices import end_offices_of
from sovet.federation.state import Event, State
from sovet.model import Council, Faction, Member, Unit, UnitKind

__all__ = [
    "adopt",
    "constitution_adopted",
    "convenors_set",
    "council_apportioned",
    "council_founded",
    "faction_registered",
    "founded",
    "member_faction",
    "member_joined",
    "member_left",
    "member_registered",
    "unit_founded",
]


def founded(s: State, e: Event) -> None:
    s.name = e.data["name"]
    s.public_key = e.data.get("public_key", "")
    adopt(s, e.data["constitution"])


def adopt(s: State, text: str) -> None:
    s.constitution = parse_constitution(text, source="ledger")
    s.constitution_version += 1
    s.touched.add(("federation", "constitution"))


def constitution_adopted(s: State, e: Event) -> None:
    adopt(s, e.data["text"])


def member_registered(s: State, e: Event) -> None:
    d = e.data
    s.put("members", d["id"], Member(id=d["id"], name=d["name"], joined_at=e.at))


def member_joined(s: State, e: Event) -> None:
    member, unit = s.members[e.data["member"]], s.units[e.data["unit"]]
    s.put("members", member.id, replace(member, units=member.units | {unit.id}))
    s.put("units", unit.id, replace(unit, members=unit.members | {member.id}))


def member_left(s: State, e: Event) -> None:
    member, unit = s.members[e.data["member"]], s.units[e.data["unit"]]
    s.put("members", member.id, replace(member, units=member.units - {unit.id}))
    s.put(
        "units",
        unit.id,
        replace(unit, members=unit.members - {member.id}, convenors=unit.convenors - {member.id}),
    )
    end_offices_of(s, unit.id, member.id)


def member_faction(s: State, e: Event) -> None:
    member = s.members[e.data["member"]]
    s.put("members", member.id, replace(member, faction=e.data["faction"]))


def faction_registered(s: State, e: Event) -> None:
    d = e.data
    faction = Faction(id=d["id"], name=d["name"], short=d["short"], colour=d.get("colour", "#777"))
    s.put("factions", d["id"], faction)


def unit_founded(s: State, e: Event) -> None:
    """A unit founded by its founding members, who are its first members; it elects its
    convenors afterwards. (Older logs name ``convenors`` here instead, and no founders.)"""
    d = e.data
    founders = frozenset(d.get("founders", ()))
    unit = Unit(
        id=d["id"],
        name=d["name"],
        kind=UnitKind(d["kind"]),
        founded_at=e.at,
        place=d.get("place", ""),
        members=founders,
        convenors=frozenset(d.get("convenors", ())),
    )
    s.put("units", unit.id, unit)
    for founder in sorted(founders):
        member = s.members[founder]
        s.put("members", founder, replace(member, units=member.units | {unit.id}))


def council_founded(s: State, e: Event) -> None:
    """A council founded by a convenor of one of its constituents: the constituents that
    convenor acts for join at once, the others named are ``invited`` and join by their
    own convenors' act (``council.joined``). (Older logs name ``convenors`` here.)"""
    d = e.data
    council = Council(
        id=d["id"],
        name=d["name"],
        level=d["level"],
        founded_at=e.at,
        constituents=tuple(d["constituents"]),
        convenors=frozenset(d.get("convenors", ())),
        invited=tuple(d.get("invited", ())),
    )
    s.put("councils", council.id, council)
    if "seats" in d:  # apportioned as it was founded
        s.seats[council.id] = {k: int(v) for k, v in d["seats"].items()}
        s.touched.add(("seats", council.id))


def council_apportioned(s: State, e: Event) -> None:
    s.seats[e.data["council"]] = {k: int(v) for k, v in e.data["seats"].items()}
    s.touched.add(("seats", e.data["council"]))


def convenors_set(s: State, e: Event) -> None:
    """Convenors named directly: written by older versions only (the operator's first
    convenors, a convenors' hand-on); convenors are now elected (see ``offices``)."""
    body, convenors = e.data["body"], frozenset(e.data["convenors"])
    if body in s.units:
        s.put("units", body, replace(s.units[body], convenors=convenors))
    else:
        s.put("councils", body, replace(s.councils[body], convenors=convenors))
