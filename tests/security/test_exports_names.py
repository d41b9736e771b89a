"""Names that would break the files Sovet writes: quoted by every writer, refused at entry.

A budget project named ``"unclosed``, or one holding a newline and ``VOTES``, made the
published pabulib instance unreadable: closing the budget failed (422) and stranded the
ballots cast. Each writer (pabulib, BLT, the JSON-lines export) now quotes what it
writes so that its reader gives back exactly the names it was given, and the budget
action refuses at entry, naming the field, what no file should carry (control
characters, line breaks, bidirectional overrides, names past 200 characters).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from sovet import actions
from sovet.actions.budgets import pabulib_text
from sovet.constitution import DEFAULT_CONSTITUTION
from sovet.counting.formats import read_blt
from sovet.counting.pabulib import parse_pabulib
from sovet.errors import InputError
from sovet.model import Budget, BudgetProject
from sovet.storage import Database, open_database
from sovet.storage.transfer import export_federation, import_federation
from sovet.web.blt import write_blt
from tests.conftest import elect_convenor
from tests.core.test_base_principle import refused

# Names an export must carry through unchanged.
CARRIED = [
    '"unclosed',
    'say "yes"',
    "x;y;z",
    "a,b",
    "VOTES",
    "META",
    "PROJECTS",
    "0",
    "-1",
    "#not a comment",
    "[withdrawn 1]",
    "back\\slash\\",
    "\\",
    "مشروع المكتبة",  # Arabic, right to left
    "\u200fمكتبة\u200e (RLM/LRM marks)",
    "Σοφία's stove",
    "x" * 200,
]
# Names no export should carry: refused at entry.
REFUSED = [
    ("a\nVOTES\nv9;p1", "U+000A"),
    ("line\rbreak", "U+000D"),
    ("nul\x00byte", "U+0000"),
    ("tab\there", "U+0009"),
    ("para\u2029graph", "U+2029"),
    ("line\u2028sep", "U+2028"),
    ("\u202eevil\u202c", "U+202E"),
    ("isolate\u2067x\u2069", "U+2067"),
    ("x" * 201, "200 characters"),
]
# What an old log (before names were checked) may hold: every writer still quotes it.
HOSTILE = CARRIED + [name for name, _ in REFUSED] + ["x" * 5000]


@pytest.fixture
def unit(tmp_path: Path) -> Iterator[Database]:
    """A founded federation with one workplace u1 (convenor a1) of three members."""
    db = open_database(f"sqlite:///{tmp_path / 'sovet.db'}")
    actions.found_federation(db, name="Names", constitution=DEFAULT_CONSTITUTION)
    rows = [(f"a{i}", f"Worker {i}", []) for i in (1, 2, 3)]
    actions.register_members(db, actor="operator", rows=rows)
    founders = [m for m, _, _ in rows]
    actions.found_unit(
        db, actor="a1", unit_id="u1", name="Putilov", kind="workplace", founders=founders
    )
    elect_convenor(db, "u1", "a1")
    yield db
    db.engine.dispose()


def _open(db: Database, title: str, names: list[str], ids: list[str] | None = None) -> Budget:
    ids = ids or [f"p{i}" for i in range(len(names))]
    projects = [(pid, name, 10 + i) for i, (pid, name) in enumerate(zip(ids, names, strict=True))]
    return actions.open_budget(
        db, actor="a1", body="u1", title=title, total=100, projects=projects, rule="greedy"
    )


def _vote_and_close(db: Database, b: Budget) -> Budget:
    ids = [p.id for p in b.projects]
    for i, member in enumerate(("a1", "a2", "a3")):
        actions.cast_budget_ballot(db, actor=member, budget_id=b.id, approved=ids[: i + 1])
    return actions.close_budget(db, actor="a1", budget_id=b.id)


# ------------------------------------------------------------------- pabulib


def test_a_budget_with_names_that_broke_the_instance_closes_and_round_trips(
    unit: Database,
) -> None:
    b = _open(unit, '"unclosed; title, VOTES', CARRIED)
    counted = _vote_and_close(unit, b)
    instance = parse_pabulib(counted.instance)
    assert [p.name for p in instance.projects] == CARRIED
    assert instance.meta["description"] == '"unclosed; title, VOTES'
    assert instance.num_voters == 3
    assert counted.selected  # counted, nothing stranded


@pytest.mark.parametrize(("name", "why"), REFUSED, ids=[w for _, w in REFUSED])
def test_open_budget_refuses_a_project_name_no_file_can_carry(
    unit: Database, name: str, why: str
) -> None:
    attempt = lambda: _open(unit, "T", ["ok", name])  # noqa: E731
    refused(unit, InputError, r"projects\[1\]\.name: .*" + re.escape(why), attempt)


@pytest.mark.parametrize(("name", "why"), REFUSED, ids=[w for _, w in REFUSED])
def test_open_budget_refuses_a_title_no_file_can_carry(unit: Database, name: str, why: str) -> None:
    refused(unit, InputError, "title: .*" + re.escape(why), lambda: _open(unit, name, ["ok"]))


@pytest.mark.parametrize("pid", ['"p', " p1", "p1 ", "p\n1", "p\u202e1", "p" * 61, ""])
def test_open_budget_refuses_a_project_id_no_file_can_carry(unit: Database, pid: str) -> None:
    refused(unit, InputError, r"projects\[0\]\.id: ", lambda: _open(unit, "T", ["ok"], [pid]))


def test_a_budget_logged_before_names_were_checked_still_closes(unit: Database) -> None:
    """An old log may hold any name: the writer quotes it, so the budget still closes."""
    with unit.writing() as w:
        w.append(
            "budget.opened",
            "a1",
            {
                "id": "b-old",
                "body": "u1",
                "title": "old\nVOTES\nv;p1",
                "total": 10**6,
                "rule": "greedy",
                "projects": [
                    {"id": f"p{i}", "name": name, "cost": 10} for i, name in enumerate(HOSTILE)
                ],
            },
        )
    counted = _vote_and_close(unit, unit.state.budgets["b-old"])
    instance = parse_pabulib(counted.instance)
    assert [p.name for p in instance.projects] == HOSTILE
    assert instance.meta["description"] == "old\nVOTES\nv;p1"
    assert counted.selected == ("p0", "p1", "p2")


def test_pabulib_text_round_trips_hostile_names_and_scoring_ballots() -> None:
    projects = tuple(BudgetProject(f"p{i}", n, 5) for i, n in enumerate(HOSTILE))
    b = Budget(
        "b1", "u1", "; META\n", 100, projects, "greedy", "t", "a1", vote_type="scoring",
        max_points=5,
    )  # fmt: skip
    ballots = [("r1", ["p0:3", "p4:5"]), ("r2", ["p7:1"])]
    instance = parse_pabulib(pabulib_text(b, ballots))
    assert [p.name for p in instance.projects] == HOSTILE
    assert instance.voter_ids == ("r1", "r2")
    assert instance.points().tolist()[:8] == [3, 0, 0, 0, 5, 0, 0, 1]


# ------------------------------------------------------------------------ BLT


def test_blt_round_trips_hostile_candidate_names_and_title() -> None:
    names = list(dict.fromkeys(HOSTILE))
    ballots = [[names[0], names[3]], [names[-1]], [names[3], names[0]], [names[0], names[3]]]
    text = write_blt(names, 2, ballots, title='a "title"\nwith\\ a break\u2028')
    read = read_blt(text)
    assert read.profile.candidates == tuple(names)
    assert read.profile.title == 'a "title"\nwith\\ a break\u2028'
    assert read.seats == 2
    assert sorted(read.profile.ballots_by_name()) == sorted(
        [((names[0], names[3]), 2), ((names[-1],), 1), ((names[3], names[0]), 1)]
    )


def test_blt_reader_keeps_a_backslash_before_any_other_letter() -> None:
    """Escapes are only ``\\\\ \\" \\n \\r \\t \\uXXXX``: other backslashes stay as written."""
    read = read_blt('1 1\n1 1 0\n0\n"C:\\dir\\x"\n"t"\n')
    assert read.profile.candidates == ("C:\\dir\\x",)


# ------------------------------------------------------------------ JSON lines


def test_the_json_lines_export_round_trips_hostile_names(unit: Database, tmp_path: Path) -> None:
    with unit.writing() as w:
        w.append(
            "budget.opened",
            "a1",
            {
                "id": "b-old",
                "body": "u1",
                "title": "\n".join(HOSTILE[:5]),
                "total": 100,
                "rule": "greedy",
                "projects": [
                    {"id": f"p{i}", "name": name, "cost": 10} for i, name in enumerate(HOSTILE)
                ],
            },
        )
    out = tmp_path / "export.jsonl"
    with out.open("w", encoding="utf-8") as handle:
        export_federation(unit, handle)
    assert all(line.isascii() for line in out.read_text(encoding="utf-8").split("\n"))
    copy = import_federation(out, f"sqlite:///{tmp_path / 'copy.db'}")
    try:
        b = copy.state.budgets["b-old"]
        assert [p.name for p in b.projects] == HOSTILE
        assert b.title == "\n".join(HOSTILE[:5])
        assert copy.state.budgets == unit.state.budgets
    finally:
        copy.engine.dispose()
