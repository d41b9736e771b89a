"""A demo scenario as data, and the runner that plays it through the actions.

Every change the demo makes goes through the same actions a user's would, so the
demo's log verifies and recounts like any other. Ballots are drawn from a seeded
generator, so a scenario gives the same bodies, delegates and votes every time (ids,
receipts and keys are fresh).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sovet import actions
from sovet.actions.common import slug
from sovet.constitution import DEFAULT_CONSTITUTION
from sovet.model import ElectionPurpose, MotionKind
from sovet.planning import Economy
from sovet.rules import OPERATOR
from sovet.storage import Database

__all__ = ["CouncilSpec", "FactionSpec", "LandSpec", "Scenario", "UnitSpec", "run"]


@dataclass(frozen=True, slots=True)
class FactionSpec:
    id: str
    name: str
    short: str
    colour: str


@dataclass(frozen=True, slots=True)
class UnitSpec:
    id: str
    name: str
    kind: str
    place: str
    size: int
    # faction id -> share of members (the rest are non-party)
    leaning: dict[str, float]


@dataclass(frozen=True, slots=True)
class CouncilSpec:
    id: str
    name: str
    level: str
    constituents: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LandSpec:
    """A base unit divides its land or housing: parcels (id, area, quality) among
    households (name, eaters, workers), by the constitution's norm."""

    id: str
    unit: str
    title: str
    cut: str
    parcels: tuple[tuple[str, str, str], ...]
    households: tuple[tuple[str, int, int], ...]


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    federation: str
    constitution_changes: tuple[tuple[str, str], ...]
    factions: tuple[FactionSpec, ...]
    units: tuple[UnitSpec, ...]
    councils: tuple[CouncilSpec, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    start: str  # the demo's first date, YYYY-MM-DD
    motions: dict[str, str] = field(default_factory=dict)  # role -> title
    note: str = ""
    # the production plan: an economy, which of its workplaces are the scenario's units
    # (the others are founded as small units), and which council declares each need
    economy: Callable[[], Economy] | None = None
    workplace_units: dict[str, str] = field(default_factory=dict)
    need_councils: dict[str, str] = field(default_factory=dict)
    period: str = ""
    land: tuple[LandSpec, ...] = ()


@dataclass
class _Clock:
    day: str
    minute: int = 0

    def __call__(self) -> str:
        self.minute += 1
        hours, minutes = divmod(self.minute, 60)
        days, hours = divmod(hours, 24)
        year, month, dom = (int(x) for x in self.day.split("-"))
        import datetime as dt

        moment = dt.datetime(year, month, dom, 8, 0) + dt.timedelta(
            days=days, hours=hours, minutes=minutes
        )
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def run(db: Database, scenario: Scenario, *, progress: Callable[[str], None] = print) -> None:
    """Play ``scenario`` into an empty database."""
    rng = random.Random(scenario.name)
    db.clock = _Clock(scenario.start)
    constitution = DEFAULT_CONSTITUTION
    for old, new in scenario.constitution_changes:
        constitution = constitution.replace(old, new)
    actions.found_federation(db, name=scenario.federation, constitution=constitution)
    for f in scenario.factions:
        actions.register_faction(
            db, actor=OPERATOR, faction_id=f.id, name=f.name, short=f.short, colour=f.colour
        )
    progress(f"{scenario.federation}: founding {len(scenario.units)} units")
    leaning: dict[str, str | None] = {}
    founders: dict[str, list[str]] = {}
    for unit in scenario.units:
        rows: list[tuple[str, str, list[str]]] = []
        for i in range(unit.size):
            mid = f"{unit.id}-{i + 1:03d}"
            name = f"{rng.choice(scenario.first_names)} {rng.choice(scenario.last_names)}"
            rows.append((mid, name, []))
            leaning[mid] = _draw(rng, unit.leaning)
        actions.register_members(db, actor=OPERATOR, rows=rows)
        founders[unit.id] = [mid for mid, _, _ in rows]
    for mid, faction in leaning.items():
        if faction is not None:
            actions.set_faction(db, actor=mid, faction=faction)
    for unit in scenario.units:
        # the members found their unit, and its founding assembly elects its convenors
        members = founders[unit.id]
        actions.found_unit(
            db,
            actor=members[0],
            unit_id=unit.id,
            name=unit.name,
            kind=unit.kind,
            place=unit.place,
            founders=members,
        )
        _elect_convenors(db, rng, unit.id, leaning)
    for council in scenario.councils:
        # a convenor of the first constituent founds it; each other joins by its own convenor
        first, *others = council.constituents
        actions.found_council(
            db,
            actor=sorted(db.state.convenors_of(first))[0],
            council_id=council.id,
            name=council.name,
            level=council.level,
            constituents=list(council.constituents),
        )
        for constituent in others:
            actions.join_council(
                db,
                actor=sorted(db.state.convenors_of(constituent))[0],
                council=council.id,
                constituent=constituent,
            )
        actions.apportion_council(db, actor=OPERATOR, council=council.id)
        progress(f"  {council.name}: electing delegates")
        for constituent in council.constituents:
            _elect_delegation(db, rng, constituent, council.id, leaning)
        if db.state.seated(council.id):
            # the seated delegates elect the council's convenors
            _elect_convenors(db, rng, council.id, leaning)
    if scenario.economy is not None:
        progress("  workplaces declare production, councils declare needs")
        _declare_economy(db, rng, scenario)
    _budget(db, rng, scenario.units[0].id)
    for division in scenario.land:
        progress(f"  {db.state.units[division.unit].name}: {division.title}")
        _divide_land(db, division)
    _committee_election(db, rng, scenario.units[0].id, leaning, close=True)
    _committee_election(db, rng, scenario.units[-1].id, leaning, close=False)
    progress("  sessions, motions, a recall and a ratification")
    _acts(db, rng, scenario, leaning)


def _declare_economy(db: Database, rng: random.Random, scenario: Scenario) -> None:
    assert scenario.economy is not None
    economy = scenario.economy()
    for w in economy.workplaces:
        unit = scenario.workplace_units.get(w.name)
        if unit is None:
            unit = slug(w.name)
            kind = "village" if w.place == "country" else "workplace"
            rows: list[tuple[str, str, list[str]]] = [
                (
                    f"{unit}-{i + 1:03d}",
                    f"{rng.choice(scenario.first_names)} {rng.choice(scenario.last_names)}",
                    [],
                )
                for i in range(3)
            ]
            actions.register_members(db, actor=OPERATOR, rows=rows)
            actions.found_unit(
                db,
                actor=rows[0][0],
                unit_id=unit,
                name=w.name,
                kind=kind,
                place=w.place,
                founders=[mid for mid, _, _ in rows],
            )
            _elect_convenors(db, rng, unit, {})
        convenor = sorted(db.state.units[unit].convenors)[0]
        actions.declare_production(
            db,
            actor=convenor,
            unit=unit,
            period=scenario.period,
            techniques=[
                {
                    "name": t.name,
                    "product": t.product,
                    "labour": repr(t.labour),
                    "capacity": None if t.capacity is None else repr(t.capacity),
                    "inputs": {p: repr(a) for p, a in t.inputs},
                }
                for t in w.techniques
            ],
        )
    top = scenario.councils[-1].id
    needs: dict[str, dict[str, float]] = {}
    for need in economy.needs:
        council = scenario.need_councils.get(need.council, top)
        by_product = needs.setdefault(council, {})
        by_product[need.product] = by_product.get(need.product, 0.0) + need.quantity
    for council, wanted in needs.items():
        convenor = sorted(db.state.councils[council].convenors)[0]
        actions.declare_needs(
            db,
            actor=convenor,
            council=council,
            period=scenario.period,
            needs={p: repr(q) for p, q in wanted.items()},
        )


def _budget(db: Database, rng: random.Random, unit: str) -> None:
    """The unit divides a common fund by participatory budgeting (Equal Shares)."""
    s = db.state
    convenor = sorted(s.units[unit].convenors)[0]
    projects = [
        ("canteen", "Canteen kitchen", 400),
        ("school", "Evening school", 300),
        ("clinic", "First-aid room", 250),
        ("library", "Reading room", 150),
        ("baths", "Bath house", 350),
    ]
    b = actions.open_budget(
        db,
        actor=convenor,
        body=unit,
        title="Common fund",
        total=900,
        projects=projects,
        rule="equal-shares-add1",
    )
    ids = [p[0] for p in projects]
    for member in sorted(s.units[unit].members):
        if rng.random() < 0.8:
            approved = [p for p in ids if rng.random() < 0.45] or [rng.choice(ids)]
            actions.cast_budget_ballot(db, actor=member, budget_id=b.id, approved=approved)
    actions.close_budget(db, actor=convenor, budget_id=b.id)


def _divide_land(db: Database, spec: LandSpec) -> None:
    """The unit's convenor divides its land or housing among its households."""
    actions.divide_land(
        db,
        actor=sorted(db.state.units[spec.unit].convenors)[0],
        unit=spec.unit,
        title=spec.title,
        parcels=spec.parcels,
        households=spec.households,
        cut=spec.cut,
        division_id=spec.id,
    )


def _draw(rng: random.Random, leaning: dict[str, float]) -> str | None:
    x = rng.random()
    for faction, share in leaning.items():
        if x < share:
            return faction
        x -= share
    return None


def _elect_convenors(
    db: Database, rng: random.Random, body: str, leaning: dict[str, str | None]
) -> None:
    """The body's own voters (a unit's members, a council's seated delegates) elect its
    convenors, as the constitution's ``[offices.convenor]`` says; while it has none, any
    of them opens and closes the election."""
    voters = sorted(db.state.voters_of(body))
    opener = voters[0]
    seats = db.state.rules().offices["convenor"].seats
    candidates = _candidates(rng, voters, seats)
    e = actions.open_election(
        db,
        actor=opener,
        constituency=body,
        target=body,
        purpose=ElectionPurpose.OFFICE,
        office="convenor",
        candidates=candidates,
    )
    for voter in voters:
        if rng.random() < 0.9 or voter == opener:
            ranking = _ballot(rng, leaning.get(voter), candidates, leaning)
            actions.cast_ballot(db, actor=voter, election=e.id, ranking=ranking)
    actions.close_election(db, actor=opener, election=e.id, seed=rng.randrange(2**31))


def _ballot(
    rng: random.Random,
    voter_faction: str | None,
    candidates: Sequence[str],
    leaning: dict[str, str | None],
) -> list[str]:
    same = [c for c in candidates if leaning.get(c) == voter_faction]
    other = [c for c in candidates if c not in same]
    rng.shuffle(same)
    rng.shuffle(other)
    ranking = same + other
    return ranking[: max(1, min(len(ranking), 1 + int(rng.expovariate(0.5))))]


def _candidates(rng: random.Random, voters: Sequence[str], seats: int) -> list[str]:
    pool = sorted(voters)
    return rng.sample(pool, min(len(pool), seats + 2))


def _elect_delegation(
    db: Database,
    rng: random.Random,
    constituency: str,
    council: str,
    leaning: dict[str, str | None],
) -> None:
    s = db.state
    voters = sorted(s.voters_of(constituency))
    if not voters:
        return
    convenor = sorted(s.convenors_of(constituency))[0]
    from sovet.rules import delegate_seats

    seats = delegate_seats(s, council, constituency)
    candidates = _candidates(rng, voters, seats)
    e = actions.open_election(
        db,
        actor=convenor,
        constituency=constituency,
        target=council,
        purpose=ElectionPurpose.DELEGATION,
        candidates=candidates,
    )
    for voter in voters:
        if rng.random() < 0.85:
            ranking = _ballot(rng, leaning.get(voter), candidates, leaning)
            actions.cast_ballot(db, actor=voter, election=e.id, ranking=ranking)
    actions.close_election(db, actor=convenor, election=e.id, seed=rng.randrange(2**31))


def _committee_election(
    db: Database, rng: random.Random, unit: str, leaning: dict[str, str | None], *, close: bool
) -> None:
    s = db.state
    voters = sorted(s.units[unit].members)
    convenor = sorted(s.units[unit].convenors)[0]
    candidates = _candidates(rng, voters, 3)
    e = actions.open_election(
        db,
        actor=convenor,
        constituency=unit,
        target=unit,
        purpose=ElectionPurpose.COMMITTEE,
        candidates=candidates,
        seats=3,
    )
    share = 0.8 if close else 0.4
    for voter in voters:
        if rng.random() < share:
            actions.cast_ballot(
                db,
                actor=voter,
                election=e.id,
                ranking=_ballot(rng, leaning.get(voter), candidates, leaning),
            )
    if close:
        actions.close_election(db, actor=convenor, election=e.id, seed=rng.randrange(2**31))


def _sit(db: Database, council: str) -> str:
    s = db.state
    convenor = sorted(s.councils[council].convenors)[0]
    session = actions.open_session(
        db, actor=convenor, council=council, agenda=["Reports from the base", "Motions"]
    )
    for member in sorted(s.seated(council)):
        actions.attend(db, actor=member, session=session.id)
    return session.id


def _roll_call(
    db: Database,
    rng: random.Random,
    motion: str,
    support: dict[str | None, float],
    leaning: dict[str, str | None],
) -> None:
    m = db.state.motions[motion]
    convenor = sorted(db.state.councils[m.body].convenors)[0]
    actions.open_voting(db, actor=convenor, motion=motion)
    for member in sorted(db.state.seated(m.body)):
        p = support.get(leaning.get(member), 0.5)
        x = rng.random()
        choice = "yes" if x < p else ("abstain" if x < p + 0.05 else "no")
        actions.vote(db, actor=member, motion=motion, choice=choice)
    actions.close_motion(db, actor=convenor, motion=motion)


def _instruct(
    db: Database,
    rng: random.Random,
    unit: str,
    proposer: int,
    motion: str,
    title: str,
    position: str,
) -> None:
    """The unit's assembly binds its delegates to ``position`` on a council's motion."""
    instruction = actions.propose_motion(
        db,
        actor=sorted(db.state.units[unit].members)[proposer],
        body=unit,
        title=f"Our delegates vote {position} on: {title}",
        text="",
        kind=MotionKind.INSTRUCTION,
        payload={"motion": motion, "position": position},
    )
    _assembly(db, rng, unit, instruction.id, 0.9)


def _assembly(db: Database, rng: random.Random, unit: str, motion: str, p_yes: float) -> None:
    s = db.state
    convenor = sorted(s.units[unit].convenors)[0]
    if s.motions[motion].status.value == "open":
        actions.open_voting(db, actor=convenor, motion=motion)
    for member in sorted(s.units[unit].members):
        if rng.random() < 0.7:
            actions.vote(
                db, actor=member, motion=motion, choice="yes" if rng.random() < p_yes else "no"
            )
    actions.close_motion(db, actor=convenor, motion=motion)


def _acts(
    db: Database, rng: random.Random, scenario: Scenario, leaning: dict[str, str | None]
) -> None:
    """Sessions with roll calls, an instruction breached, a recall, ratifications."""
    top = scenario.councils[-1].id
    city = scenario.councils[-2].id
    unit_a, unit_b = scenario.units[0].id, scenario.units[1].id
    titles = scenario.motions
    lead = scenario.factions[0].id

    # 1. The base instructs its delegates; the city council votes by roll call.
    _sit(db, city)
    s = db.state
    proposer = sorted(s.seated(city))[0]
    motion = actions.propose_motion(
        db, actor=proposer, body=city, title=titles["city"], text=titles.get("city_text", "")
    )
    _instruct(db, rng, unit_b, 1, motion.id, titles["city"], "yes")
    _roll_call(db, rng, motion.id, {lead: 0.95, None: 0.6}, leaning)
    # a second motion, on which one of unit_b's delegates votes against its instruction
    second = actions.propose_motion(db, actor=proposer, body=city, title=titles["breach"], text="")
    _instruct(db, rng, unit_b, 2, second.id, titles["breach"], "no")
    convenor = sorted(db.state.councils[city].convenors)[0]
    actions.open_voting(db, actor=convenor, motion=second.id)
    b_delegates = [m for m, md in db.state.seated(city).items() if md.constituency == unit_b]
    for member in sorted(db.state.seated(city)):
        choice = "yes" if member == b_delegates[0] or leaning.get(member) != lead else "no"
        actions.vote(db, actor=member, motion=second.id, choice=choice)
    actions.close_motion(db, actor=convenor, motion=second.id)

    # 2. Recall: members of unit_a recall one of their delegates; the next on the list sits.
    a_mandate = next(m for m in db.state.seated(city).values() if m.constituency == unit_a)
    petitioners = [m for m in sorted(db.state.units[unit_a].members) if m != a_mandate.member]
    petition = actions.open_petition(
        db, actor=petitioners[0], mandate=a_mandate.id, reason=titles["recall"]
    )
    for member in petitioners[1:]:
        if db.state.petitions[petition.id].status.value != "open":
            break
        actions.sign_petition(db, actor=member, petition=petition.id)
    vote_motion = db.state.petitions[petition.id].vote_motion
    if vote_motion is not None:
        for member in sorted(db.state.units[unit_a].members):
            yes = member != a_mandate.member and rng.random() < 0.75
            actions.vote(db, actor=member, motion=vote_motion, choice="yes" if yes else "no")
        actions.close_motion(db, actor=petitioners[0], motion=vote_motion)

    # 3. The top council passes a reserved matter; the base ratifies it.
    _sit(db, top)
    top_proposer = sorted(db.state.seated(top))[0]
    reserved = actions.propose_motion(
        db,
        actor=top_proposer,
        body=top,
        title=titles["reserved"],
        text=titles.get("reserved_text", ""),
        kind=MotionKind.RESERVED,
        matter="war-and-peace",
    )
    _roll_call(db, rng, reserved.id, {lead: 1.0, None: 0.8}, leaning)
    if db.state.ratifications.get(reserved.id) is not None:
        for unit in db.state.ratifications[reserved.id].units:
            if db.state.ratifications[reserved.id].status.value != "pending":
                break
            decide = actions.propose_motion(
                db,
                actor=sorted(db.state.units[unit].members)[0],
                body=unit,
                title=f"Ratify: {titles['reserved']}",
                text="",
                kind=MotionKind.RATIFICATION,
                payload={"motion": reserved.id},
            )
            _assembly(db, rng, unit, decide.id, 0.8)
    # 4. The production plan (or another reserved matter) stays pending ratification,
    #    and a motion stays open, to look at.
    if scenario.economy is not None:
        pending = actions.propose_plan(db, actor=top_proposer, council=top, period=scenario.period)
    else:
        pending = actions.propose_motion(
            db,
            actor=top_proposer,
            body=top,
            title=titles["pending"],
            text="",
            kind=MotionKind.RESERVED,
            matter="plan",
        )
    _roll_call(db, rng, pending.id, {lead: 1.0, None: 0.9}, leaning)
    if db.state.ratifications.get(pending.id) is not None:
        first_unit = db.state.ratifications[pending.id].units[0]
        decide = actions.propose_motion(
            db,
            actor=sorted(db.state.units[first_unit].members)[0],
            body=first_unit,
            title=f"Ratify: {titles['pending']}",
            text="",
            kind=MotionKind.RATIFICATION,
            payload={"motion": pending.id},
        )
        _assembly(db, rng, first_unit, decide.id, 0.9)
    actions.propose_motion(db, actor=top_proposer, body=top, title=titles["open"], text="")
