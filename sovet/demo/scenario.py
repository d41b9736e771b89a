"""A demo scenario as data, and the runner that plays it through the actions.

Every change the demo makes goes through the same actions a user's would, so the
demo's log verifies and recounts like any other. Ballots are drawn from a seeded
generator, so a scenario gives the same bodies, delegates and votes every time (ids,
receipts and keys are fresh).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sovet import actions
from sovet.actions.common import slug
from sovet.constitution import DEFAULT_CONSTITUTION
from sovet.errors import SovetError
from sovet.model import ElectionPurpose, MotionKind
from sovet.planning import Economy
from sovet.rules import DEADLINE, OPERATOR, body_rules
from sovet.storage import Database, utc_now

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

    def advance_to(self, moment: str) -> None:
        """Let time pass: the next tick is at or after ``moment``."""
        import datetime as dt

        year, month, dom = (int(x) for x in self.day.split("-"))
        start = dt.datetime(year, month, dom, 8, 0, tzinfo=dt.UTC)
        target = dt.datetime.fromisoformat(moment.replace("Z", "+00:00"))
        self.minute = max(self.minute, int((target - start).total_seconds() // 60))


def _wait_until(db: Database, moment: str | None) -> str:
    """The demo's days pass until ``moment`` (a vote's deadline); the time to close at."""
    assert moment is not None
    if isinstance(db.clock, _Clock):
        db.clock.advance_to(moment)
    return db.clock()


def run(db: Database, scenario: Scenario, *, progress: Callable[[str], None] = print) -> None:
    """Play ``scenario`` into an empty database."""
    rng = random.Random(scenario.name)
    db.clock = _Clock(scenario.start)
    constitution = DEFAULT_CONSTITUTION
    for old, new in scenario.constitution_changes:
        constitution = constitution.replace(old, new)
    actions.found_federation(db, name=scenario.federation, constitution=constitution)
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
    for unit in scenario.units:
        # the members found their unit; its founding assembly elects its convenors (below)
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
    _elect_convenors(db, rng, [unit.id for unit in scenario.units], leaning)
    _found_factions(db, scenario, leaning)
    for mid, faction in leaning.items():
        # the others who lean to a faction join it, once its founders have founded it
        member = db.state.members[mid]
        if faction in db.state.factions and member.faction != faction:
            actions.set_faction(db, actor=mid, faction=faction)
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
            if constituent in db.state.councils[council.id].constituents:
                continue  # the founder convenes it too, so it joined at the founding
            actions.join_council(
                db,
                actor=sorted(db.state.convenors_of(constituent))[0],
                council=council.id,
                constituent=constituent,
            )
        progress(f"  {council.name}: electing delegates")
        _elect_delegations(db, rng, council.id, council.constituents, leaning)
        if db.state.seated(council.id):
            # the seated delegates elect the council's convenors
            _elect_convenors(db, rng, [council.id], leaning)
    if scenario.economy is not None:
        progress("  workplaces declare production, councils declare needs")
        _declare_economy(db, rng, scenario)
    _budget(db, rng, scenario.units[0].id)
    for division in scenario.land:
        progress(f"  {db.state.units[division.unit].name}: {division.title}")
        _divide_land(db, division)
    _committee_election(db, rng, scenario.units[0].id, leaning, close=True)
    _committee_election(db, rng, scenario.units[-1].id, leaning, close=False)
    _committee_nominations(db, rng, scenario.units[1].id)
    progress("  sessions, motions, a recall and a ratification")
    _acts(db, rng, scenario, leaning)
    _refused_capture(db, scenario.units[0].id, progress)


def _found_factions(db: Database, scenario: Scenario, leaning: dict[str, str | None]) -> None:
    """Members found each faction: the first who lean to it propose it, the next co-sign
    until the constitution's number of founders have signed (they then belong to it)."""
    founders = db.state.rules().factions.founders
    for f in scenario.factions:
        leaners = [m for m, faction in leaning.items() if faction == f.id][:founders]
        if len(leaners) < founders:
            continue  # too few members lean to it to found it
        actions.found_faction(
            db, actor=leaners[0], faction_id=f.id, name=f.name, short=f.short, colour=f.colour
        )
        for member in leaners[1:]:
            actions.cosign_faction(db, actor=member, faction=f.id)


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
            _elect_convenors(db, rng, [unit], {})
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
    # not everyone voted, so the vote runs to its deadline and closes by itself
    at = _wait_until(db, db.state.budgets[b.id].deadline)
    actions.close_budget(db, actor=DEADLINE, budget_id=b.id, at=at)


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
    db: Database, rng: random.Random, bodies: Sequence[str], leaning: dict[str, str | None]
) -> None:
    """Each body's own voters (a unit's members, a council's seated delegates) elect its
    convenors, as the constitution's ``[offices.convenor]`` says: members stand with a
    statement, the nomination period passes, the vote runs to its end. While a body has no
    convenor, any of its voters opens the election and moves it on."""
    opened: list[tuple[str, str, list[str]]] = []
    for body in bodies:
        voters = sorted(db.state.voters_of(body))
        if not voters:
            continue
        opener = sorted(db.state.convenors_of(body) or voters)[0]
        e = actions.open_election(
            db,
            actor=opener,
            constituency=body,
            target=body,
            purpose=ElectionPurpose.OFFICE,
            office="convenor",
        )
        candidates = _candidates(rng, voters, e.seats)
        for i, member in enumerate(candidates):
            statement = STATEMENTS[i] if i < len(STATEMENTS) else ""
            actions.stand(db, actor=member, election=e.id, statement=statement)
        opened.append((e.id, opener, candidates))
    rules = [body_rules(db.state, body) for body in bodies]
    _pass_days(db, max((r.nomination_days for r in rules), default=0))
    for election, opener, _ in opened:
        actions.begin_voting(db, actor=opener, election=election)
    for election, _, candidates in opened:
        _vote(db, rng, election, candidates, leaning, 0.9)
    _pass_days(db, max((r.voting_days for r in rules), default=0))
    for election, opener, _ in opened:
        if db.state.elections[election].status.value == "open":
            actions.close_election(db, actor=opener, election=election)


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


STATEMENTS = (
    "I have worked here eleven years. I will report back after every session and vote "
    "as this assembly instructs me.",
    "Bread, peace and the eight-hour day. Recall me the day I forget who sent me.",
    "Our delegates should be workers from the bench, not speakers from outside.",
)


def _pass_days(db: Database, days: int) -> None:
    """Move the demo's clock on by ``days`` (elections wait out their periods)."""
    clock = db.clock
    assert isinstance(clock, _Clock)
    clock.minute += days * 24 * 60


def _nominations(
    db: Database,
    rng: random.Random,
    constituency: str,
    target: str,
    purpose: ElectionPurpose,
) -> tuple[str, list[str]] | None:
    """A convenor opens an election on the constitution's terms; members stand (some with
    a statement), one is nominated by a fellow member and accepts."""
    s = db.state
    voters = sorted(s.voters_of(constituency))
    if not voters:
        return None
    body = s.units.get(constituency) or s.councils[constituency]
    e = actions.open_election(
        db,
        actor=sorted(body.convenors)[0],
        constituency=constituency,
        target=target,
        purpose=purpose,
    )
    candidates = _candidates(rng, voters, e.seats)
    for i, member in enumerate(candidates):
        if i == 1 and len(voters) > 1:  # nominated by a fellow member; accepts by standing
            nominator = next(v for v in voters if v != member)
            actions.nominate(db, actor=nominator, election=e.id, member=member)
        statement = STATEMENTS[i] if i < len(STATEMENTS) else ""
        actions.stand(db, actor=member, election=e.id, statement=statement)
    return e.id, candidates


def _vote(
    db: Database,
    rng: random.Random,
    election: str,
    candidates: Sequence[str],
    leaning: dict[str, str | None],
    share: float,
) -> None:
    e = db.state.elections[election]
    if e.status.value != "open":
        return  # elected unopposed
    for voter in sorted(e.electors):
        if rng.random() < share:
            ranking = _ballot(rng, leaning.get(voter), candidates, leaning)
            actions.cast_ballot(db, actor=voter, election=election, ranking=ranking)


def _elect_delegations(
    db: Database,
    rng: random.Random,
    council: str,
    constituents: Sequence[str],
    leaning: dict[str, str | None],
) -> None:
    """Every constituent elects its delegation at once: nominations for the constitution's
    period, then the vote, which closes at its deadline."""
    opened = [
        found
        for c in constituents
        if (found := _nominations(db, rng, c, council, ElectionPurpose.DELEGATION)) is not None
    ]
    own = [body_rules(db.state, c) for c in constituents]
    _pass_days(db, max((r.nomination_days for r in own), default=0))
    for election, _ in opened:
        voter = sorted(db.state.voters_of(db.state.elections[election].constituency))[0]
        actions.begin_voting(db, actor=voter, election=election)
    for election, candidates in opened:
        _vote(db, rng, election, candidates, leaning, 0.85)
    _pass_days(db, max((r.voting_days for r in own), default=0))
    for election, _ in opened:
        vote = db.state.elections[election]
        if vote.status.value == "open":
            closer = sorted(vote.electors)[0]
            actions.close_election(db, actor=closer, election=election)


def _committee_election(
    db: Database, rng: random.Random, unit: str, leaning: dict[str, str | None], *, close: bool
) -> None:
    """A unit elects its committee; the demo leaves one vote open to take part in."""
    opened = _nominations(db, rng, unit, unit, ElectionPurpose.COMMITTEE)
    assert opened is not None
    election, candidates = opened
    _pass_days(db, body_rules(db.state, unit).nomination_days)
    # the vote left open opens when the demo is loaded, so that whoever explores the demo
    # can still vote in it until its deadline, ``voting_days`` from now
    at = None if close else utc_now()
    actions.begin_voting(db, actor=candidates[0], election=election, at=at)
    _vote(db, rng, election, candidates, leaning, 0.8 if close else 0.4)
    if close and db.state.elections[election].status.value == "open":
        _pass_days(db, body_rules(db.state, unit).voting_days)
        actions.close_election(db, actor=candidates[0], election=election)


def _committee_nominations(db: Database, rng: random.Random, unit: str) -> None:
    """A unit's committee election still taking nominations, with a self-nomination."""
    _nominations(db, rng, unit, unit, ElectionPurpose.COMMITTEE)


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
    # not everyone voted, so the vote runs to its deadline and closes by itself
    at = _wait_until(db, db.state.motions[motion].deadline)
    actions.close_motion(db, actor=DEADLINE, motion=motion, at=at)


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
        # three in four of the others vote to recall (a majority whatever the draw)
        others = [m for m in sorted(db.state.units[unit_a].members) if m != a_mandate.member]
        recallers = set(rng.sample(others, -(-3 * len(others) // 4)))
        for member in sorted(db.state.units[unit_a].members):
            yes = member in recallers
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
    #    and a motion stays open, to look at. These happen in the last days before the
    #    demo is loaded, so that their ratification period and petition still run when it
    #    is served (the server closes whatever is past its deadline by itself).
    recent = dt.datetime.fromisoformat(utc_now().replace("Z", "+00:00")) - dt.timedelta(days=10)
    db.clock = _Clock(recent.strftime("%Y-%m-%d"))
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
    # 5. Members force their own assembly to sit, by petition: no convenor calls it.
    _petition_assembly(db, unit_b, titles.get("petition"))


def _refused_capture(db: Database, unit: str, progress: Callable[[str], None]) -> None:
    """Show a capture attempt refused: the operator tries to name a unit's convenor by
    opening its convenor election. Nothing is written; the refusal is what the rules say."""
    size = db.size()
    try:
        actions.open_election(
            db,
            actor=OPERATOR,
            constituency=unit,
            target=unit,
            purpose=ElectionPurpose.OFFICE,
            office="convenor",
        )
    except SovetError as exc:
        progress(f"  a capture attempt refused: the operator tried to name a convenor — {exc}")
    else:  # pragma: no cover - the rules refuse it; a demo that shows otherwise must fail
        raise AssertionError("the operator opened a convenor election")
    assert db.size() == size


def _petition_assembly(db: Database, unit: str, title: str | None) -> None:
    """A tenth of a unit's members sign a petition; at the threshold the log convenes the
    assembly (a session convened by the petition), with its agenda."""
    members = sorted(db.state.units[unit].members)
    if not members:
        return
    d = actions.open_demand(
        db,
        actor=members[-1],
        body=unit,
        kind="session",
        title=title or "General assembly called by the members",
        text="Report of the committee\nWages and hours",
    )
    for member in members[:-1]:
        if db.state.demands[d.id].status.value != "open":
            break
        actions.sign_demand(db, actor=member, demand=d.id)
