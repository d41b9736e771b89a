"""The pabulib reader: every real file, every vote type, line endings, located errors."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from sovet.counting.pabulib import parse_pabulib
from sovet.errors import FileFormatError

APPROVAL = """META
key;value
description;A small test
budget;100
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;votes;name;selected
p1;60;2;"Park; with a ""quoted"" name";1
p2;50;2;Library;0
p3;30;1;Bench;1
VOTES
voter_id;vote
v1;p1,p2
v2;p2,p3,p1
v3;
"""


def test_approval_file_parses() -> None:
    inst = parse_pabulib(APPROVAL)
    assert inst.project_ids == ("p1", "p2", "p3")
    assert inst.costs == (60, 50, 30)
    assert inst.budget == Fraction(100)
    assert inst.vote_type == "approval"
    assert inst.rule == "greedy"
    assert inst.num_voters == 3
    assert inst.projects[0].name == 'Park; with a "quoted" name'
    assert [p.selected for p in inst.projects] == [True, False, True]
    assert inst.approvals().tolist() == [2, 2, 1]
    assert inst.ballot_start.tolist() == [0, 2, 5, 5]


def test_crlf_and_bom_are_accepted() -> None:
    crlf = "\ufeff" + APPROVAL.replace("\n", "\r\n")
    inst = parse_pabulib(crlf)
    assert inst.project_ids == ("p1", "p2", "p3")
    assert inst.approvals().tolist() == [2, 2, 1]
    assert inst.meta["description"] == "A small test"


def test_cumulative_and_ordinal_points() -> None:
    cumulative = (
        "META\nkey;value\nbudget;10\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n"
        "a;5\nb;5\nVOTES\nvoter_id;vote;points\n1;a,b;7,3\n2;b;10\n"
    )
    inst = parse_pabulib(cumulative)
    assert inst.points().tolist() == [7, 13]
    assert inst.approvals().tolist() == [1, 2]
    ordinal = cumulative.replace("cumulative", "ordinal").replace("7,3", "3,2")
    assert parse_pabulib(ordinal).ballot_projects.tolist() == [0, 1, 1]


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        (APPROVAL.replace("v2;p2,p3,p1", "v2;p2,p9"), 15, "unknown project 'p9'"),
        (APPROVAL.replace("v2;p2,p3,p1", "v2;p2,p2"), 15, "names a project twice"),
        (APPROVAL.replace("p3;30;", "p3;3x;"), 11, "cost of project 'p3'"),
        (APPROVAL.replace("p3;30;", "p3;30.5;"), 11, "not a whole number"),
        (APPROVAL.replace("p3;30;", "p1;30;"), 11, "appears twice"),
        (APPROVAL.replace("v3;", "v1;"), 16, "voter 'v1' appears twice"),
        (APPROVAL.replace("project_id;cost;", "project_id;price;"), 8, "lacks the 'cost'"),
        ("hello\n" + APPROVAL, 1, "must start with a META"),
    ],
)
def test_errors_name_the_line(text: str, line: int, problem: str) -> None:
    with pytest.raises(FileFormatError, match=problem) as info:
        parse_pabulib(text, path="x.pb")
    assert info.value.line == line
    assert str(info.value).startswith(f"x.pb:{line}: ")


def test_file_level_errors() -> None:
    with pytest.raises(FileFormatError, match="no budget"):
        parse_pabulib(APPROVAL.replace("budget;100\n", ""))
    with pytest.raises(FileFormatError, match="VOTES section is missing"):
        parse_pabulib(APPROVAL[: APPROVAL.index("VOTES")])
    with pytest.raises(FileFormatError, match="vote_type 'poll'"):
        parse_pabulib(APPROVAL.replace("vote_type;approval", "vote_type;poll"))
    with pytest.raises(FileFormatError, match="need a 'points' column"):
        parse_pabulib(APPROVAL.replace("vote_type;approval", "vote_type;cumulative"))
    points = (
        "META\nkey;value\nbudget;10\nvote_type;scoring\nPROJECTS\nproject_id;cost\na;5\n"
        "VOTES\nvoter_id;vote;points\n1;a;1,2\n"
    )
    with pytest.raises(FileFormatError, match="1 projects but 2 points") as info:
        parse_pabulib(points)
    assert info.value.line == 10


def test_every_real_file_agrees_with_its_own_tables(shared_data: Path) -> None:
    """Counting the VOTES section gives the PROJECTS table's ``votes`` and ``score``."""
    files = sorted((shared_data / "pb" / "instances").glob("*.pb"))
    assert len(files) == 25
    for path in files:
        inst = parse_pabulib(path.read_text(encoding="utf-8"), path=str(path))
        assert inst.num_voters == int(inst.meta["num_votes"]), path.name
        assert len(inst.projects) == int(inst.meta["num_projects"]), path.name
        approvals = inst.approvals().tolist()
        points = inst.points().tolist()
        for j, project in enumerate(inst.projects):
            if project.votes is not None:
                assert approvals[j] == project.votes, (path.name, project.id)
            if project.score is not None:
                assert points[j] == project.score, (path.name, project.id)
