"""The state of the federation, its queries, and the event it is folded from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sovet.constitution import Constitution
from sovet.errors import NotFound
from sovet.model import (
    AccountRecord,
    BodyKind,
    Budget,
    Council,
    Demand,
    Election,
    Faction,
    FactionFounding,
    Import,
    Instruction,
    LandDivision,
    Mandate,
    MandateStatus,
    Member,
    Motion,
    Petition,
    Ratification,
    Session,
    Unit,
)

__all__ = ["KINDS", "Event", "Handler", "State", "add_days"]


KINDS = (
    "budgets",
    "turnout",
    "declarations",
    "plans",
    "members",
    "units",
    "councils",
    "factions",
    "elections",
    "mandates",
    "motions",
    "petitions",
    "ratifications",
    "sessions",
    "instructions",
    "seats",
    "federation",
    "land",
    "demands",
    "foundings",
    "accounts",
    "imports",
)


@dataclass(frozen=True, slots=True)
class Event:
    """The part of a log entry that the state depends on."""

    type: str
    at: str
    actor: str | None
    data: Mapping[str, Any]


@dataclass(slots=True)
class State:
    """The whole federation at one point of the log."""

    name: str = ""
    constitution: Constitution | None = None
    constitution_version: int = 0
    public_key: str = ""
    members: dict[str, Member] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    councils: dict[str, Council] = field(default_factory=dict)
    factions: dict[str, Faction] = field(default_factory=dict)
    elections: dict[str, Election] = field(default_factory=dict)
    mandates: dict[str, Mandate] = field(default_factory=dict)
    motions: dict[str, Motion] = field(default_factory=dict)
    petitions: dict[str, Petition] = field(default_factory=dict)
    ratifications: dict[str, Ratification] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)
    instructions: dict[str, Instruction] = field(default_factory=dict)
    seats: dict[str, dict[str, int]] = field(default_factory=dict)
    budgets: dict[str, Budget] = field(default_factory=dict)
    # who took part in which vote ("vote|member" -> row): public, as in the log
    turnout: dict[str, dict[str, str]] = field(default_factory=dict)
    # production declared by workplaces and needs by councils ("period|body" -> the data
    # as logged, quantities as decimal strings); adopted plans by period
    declarations: dict[str, dict[str, Any]] = field(default_factory=dict)
    plans: dict[str, dict[str, str]] = field(default_factory=dict)
    # land and housing divided by base units, by division id
    land: dict[str, LandDivision] = field(default_factory=dict)
    # members' petitions to their own body (recall petitions are ``petitions``)
    demands: dict[str, Demand] = field(default_factory=dict)
    # proposals to found a faction, by the faction's id
    foundings: dict[str, FactionFounding] = field(default_factory=dict)
    # the public side of accounts (what was done to them, never their secrets), by
    # account id, and bulk imports of members, by import id
    accounts: dict[str, AccountRecord] = field(default_factory=dict)
    imports: dict[str, Import] = field(default_factory=dict)
    size: int = 0
    touched: set[tuple[str, str]] = field(default_factory=set)

    # ---- reading ---------------------------------------------------------------

    def rules(self) -> Constitution:
        if self.constitution is None:
            raise NotFound("the federation has no constitution yet (run `sovet init`)")
        return self.constitution

    def kind_of(self, body: str) -> BodyKind:
        if body in self.units:
            return BodyKind.UNIT
        if body in self.councils:
            return BodyKind.COUNCIL
        raise NotFound(f"no unit or council {body!r}")

    def body_name(self, body: str) -> str:
        if body in self.units:
            return self.units[body].name
        if body in self.councils:
            return self.councils[body].name
        raise NotFound(f"no unit or council {body!r}")

    def kind_name(self, body: str) -> str:
        """The constitution's kind for a body: "unit", or a council's level when the
        constitution has rules for it (e.g. "congress"), else "council"."""
        if self.kind_of(body) is BodyKind.UNIT:
            return "unit"
        level = self.councils[body].level
        if self.constitution is not None and level in self.constitution.kinds:
            return level
        return "council"

    def member(self, member_id: str) -> Member:
        try:
            return self.members[member_id]
        except KeyError:
            raise NotFound(f"no member {member_id!r}") from None

    def get(self, kind: str, record_id: str) -> Any:
        table: dict[str, Any] = getattr(self, kind)
        try:
            return table[record_id]
        except KeyError:
            raise NotFound(f"no {kind.rstrip('s')} {record_id!r}") from None

    def seated(self, council: str) -> dict[str, Mandate]:
        """Active seats in a body (delegates, or a unit's committee), by member id.
        Offices (a convenor ...) are not seats: see :meth:`officers`."""
        return {
            m.member: m
            for m in self.mandates.values()
            if m.body == council and m.status is MandateStatus.ACTIVE and m.office is None
        }

    def officers(self, body: str, office: str | None = None) -> list[Mandate]:
        """The active office mandates of ``body`` (of one ``office``, or of all), in the
        order they were granted."""
        return [
            m
            for m in self.mandates.values()
            if m.body == body
            and m.office is not None
            and (office is None or m.office == office)
            and m.status is MandateStatus.ACTIVE
        ]

    def convenors_of(self, body: str) -> frozenset[str]:
        """Who convenes ``body`` now: the holders of its "convenor" office."""
        if self.kind_of(body) is BodyKind.UNIT:
            return self.units[body].convenors
        return self.councils[body].convenors

    def voters_of(self, body: str) -> frozenset[str]:
        """Who votes in ``body``: a unit's members, or a council's seated delegates."""
        if self.kind_of(body) is BodyKind.UNIT:
            return self.units[body].members
        return frozenset(self.seated(body))

    def base_units_under(self, body: str) -> tuple[str, ...]:
        """The base units from which ``body`` draws its power, directly or through councils."""
        if body in self.units:
            return (body,)
        out: list[str] = []
        seen: set[str] = set()
        stack = list(reversed(self.councils[body].constituents))
        while stack:
            item = stack.pop()
            if item in seen:
                continue
            seen.add(item)
            if item in self.units:
                out.append(item)
            elif item in self.councils:
                stack.extend(reversed(self.councils[item].constituents))
        return tuple(out)

    def membership(self, body: str) -> int:
        """Members represented by ``body``: a unit's, or those of the units under a council."""
        return sum(len(self.units[u].members) for u in self.base_units_under(body))

    def councils_of(self, constituent: str) -> tuple[str, ...]:
        return tuple(c.id for c in self.councils.values() if constituent in c.constituents)

    # ---- writing ---------------------------------------------------------------

    def put(self, kind: str, record_id: str, record: Any) -> None:
        getattr(self, kind)[record_id] = record
        self.touched.add((kind, record_id))


def add_days(at: str, days: int) -> str:
    """``at`` plus ``days``, as an ISO-8601 UTC string.

    >>> add_days("2026-01-30T10:00:00Z", 3)
    '2026-02-02T10:00:00Z'
    """
    moment = dt.datetime.fromisoformat(at.replace("Z", "+00:00"))
    return (moment + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


Handler = Callable[[State, Event], None]
