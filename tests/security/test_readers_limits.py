"""Numbers a file can carry but a count cannot hold: refused with the file, line and field.

Counts are exact integers. A vote count or a weight past 2^63 - 1 cannot be held by the
64-bit arrays the methods vectorise over; before, such a file raised a bare
``OverflowError`` or, worse, was counted with tallies that had wrapped round (a winner
at -9,223,372,036,854,775,808 and someone else elected). Each reader now refuses it,
and each method either counts big (but representable) weights exactly or refuses.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from sovet.counting import METHODS
from sovet.counting.base import Profile, TieBreak
from sovet.counting.budgets import budget
from sovet.counting.formats import read_blt, read_cvr_csv, read_preflib
from sovet.counting.pabulib import parse_pabulib
from sovet.errors import CountingError, FileFormatError, InputError
from sovet.planning.io import parse_coefficients, parse_vector
from sovet.planning.model import economy_from_csv
from tests.security.test_readers_fuzz import run_main

MAX_VOTES = 2**63 - 1
BIG = 2**62 + 1  # two of these weigh more than a 64-bit count can hold


# ----------------------------------------------------------------------- BLT


def test_blt_weights_summing_past_2_63_are_refused_not_counted_wrongly() -> None:
    text = f'2 1\n{BIG} 1 0\n{BIG} 2 0\n1 1 0\n0\n"Ann"\n"Bob"\n"t"\n'
    with pytest.raises(FileFormatError) as info:
        read_blt(text, source="w.blt")
    assert info.value.message.startswith("w.blt:3: ")
    assert "weight" in info.value.message


def test_blt_weight_past_2_63_is_refused_with_its_line() -> None:
    text = f'2 1\n1 1 0\n{2**63} 2 0\n0\n"Ann"\n"Bob"\n"t"\n'
    with pytest.raises(FileFormatError, match=r"^w\.blt:3: .*weight"):
        read_blt(text, source="w.blt")


def test_blt_weights_up_to_the_limit_count_exactly() -> None:
    text = f'2 1\n{MAX_VOTES - 1} 1 0\n1 2 0\n0\n"Ann"\n"Bob"\n"t"\n'
    ballots = read_blt(text, source="w.blt")
    result = METHODS["plurality"](ballots.profile, 1)
    assert result.valid_votes == MAX_VOTES
    assert result.elected_names == ("Ann",)
    assert result.scores[0] == MAX_VOTES - 1


# ------------------------------------------------------------------- PrefLib


def test_preflib_counts_summing_past_2_63_are_refused() -> None:
    text = f"# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n{BIG}: 1,2\n{BIG}: 2\n"
    with pytest.raises(FileFormatError, match=r"^d\.soi:4: .*count"):
        read_preflib(text, source="d.soi")


def test_preflib_count_past_2_63_is_refused() -> None:
    text = f"# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n{2**64}: 1,2\n"
    with pytest.raises(FileFormatError, match=r"^d\.soi:3: .*count"):
        read_preflib(text, source="d.soi")


# -------------------------------------------------------------------- CSV CVR


def test_cvr_count_past_2_63_is_refused() -> None:
    text = f"rank1,rank2,count\nA,B,1\nB,A,{2**63}\n"
    with pytest.raises(FileFormatError, match=r"^c\.csv:3: .*count"):
        read_cvr_csv(text, source="c.csv")


def test_cvr_counts_summing_past_2_63_are_refused() -> None:
    text = f"rank1,count\nA,{BIG}\nB,{BIG}\n"
    with pytest.raises(FileFormatError, match=r"^c\.csv:3: .*count"):
        read_cvr_csv(text, source="c.csv")


# --------------------------------------------------------------------- pabulib

PB = (
    "META\nkey;value\nbudget;10\nvote_type;{kind}\nPROJECTS\nproject_id;cost\np1;6\np2;5\n"
    "VOTES\nvoter_id;vote;points\n"
)


def test_pabulib_points_past_2_63_are_refused() -> None:
    text = PB.format(kind="cumulative") + f"v1;p1,p2;1,{2**63}\n"
    with pytest.raises(FileFormatError, match=r"^b\.pb:11: .*points"):
        parse_pabulib(text, path="b.pb")


def test_pabulib_points_summing_past_2_63_are_refused() -> None:
    text = PB.format(kind="cumulative") + f"v1;p1;{BIG}\nv2;p1;{BIG}\n"
    with pytest.raises(FileFormatError, match=r"^b\.pb:12: .*points"):
        parse_pabulib(text, path="b.pb")


def test_pabulib_ordinal_max_length_too_large_to_count_is_refused() -> None:
    text = (
        "META\nkey;value\nbudget;10\nvote_type;ordinal\n"
        f"max_length;{2**70}\nPROJECTS\nproject_id;cost\np1;6\np2;5\n"
        "VOTES\nvoter_id;vote\nv1;p1,p2\n"
    )
    instance = parse_pabulib(text, path="b.pb")
    with pytest.raises(InputError, match="max_length"):
        budget(instance, "greedy", tie_order="file")


# ---------------------------------------------------------- every method, big weights

RANKED = [
    (["A", "B", "C"], 5),
    (["B", "C", "A"], 4),
    (["C", "A", "B"], 3),
    (["B", "A"], 2),
]
LINEAR = {
    "plurality",
    "two-round",
    "approval",
    "borda",
    "schulze",
    "ranked-pairs",
    "copeland",
    "minimax",
    "irv",
}


@pytest.mark.parametrize("method", sorted(METHODS))
def test_every_method_counts_big_weights_exactly_or_refuses(method: str) -> None:
    """Multiplying every weight by K elects the same candidates (scores times K for the
    methods whose scores add up votes), or the method says it cannot count that many."""
    k = MAX_VOTES // sum(w for _, w in RANKED)
    small = Profile.from_rankings(["A", "B", "C"], RANKED)
    big = Profile.from_rankings(["A", "B", "C"], [(r, w * k) for r, w in RANKED])
    seats = 1 if method in ("irv", "two-round") else 2
    expected = METHODS[method](small, seats, tiebreak=TieBreak(seed=1))
    try:
        result = METHODS[method](big, seats, tiebreak=TieBreak(seed=1))
    except (InputError, CountingError) as exc:
        assert "ballots" in exc.message or "votes" in exc.message
        return
    assert result.elected == expected.elected
    if method in LINEAR:
        wins = {"copeland", "schulze", "ranked-pairs"}  # scores count candidates beaten
        factor = 1 if method in wins else k
        assert result.scores == {c: v * factor for c, v in expected.scores.items()}
        if expected.valid_votes is not None:
            assert result.valid_votes == expected.valid_votes * k
        for got, want in zip(result.rounds, expected.rounds, strict=True):
            assert got.tallies == {c: v * factor for c, v in want.tallies.items()}


def test_a_profile_whose_weights_sum_past_2_63_cannot_be_made() -> None:
    with pytest.raises(InputError, match="votes"):
        Profile.from_rankings(["A", "B"], [(["A"], BIG), (["B"], BIG)])


def test_a_profile_with_a_negative_weight_cannot_be_made() -> None:
    with pytest.raises(InputError, match="negative"):
        Profile.from_rankings(["A", "B"], [(["A"], 3), (["B"], -1)])


def test_borda_scores_past_2_63_are_exact() -> None:
    """A Borda score is weight × points: it may pass 2^63 although every weight fits."""
    p = Profile.from_rankings(["A", "B", "C"], [(["A", "B", "C"], 2**62)])
    result = METHODS["borda"](p, 1)
    assert result.scores == {0: Fraction(2**63), 1: Fraction(2**62), 2: Fraction(0)}
    withdrawn = Profile.from_rankings(
        ["A", "B", "C", "D"], [(["A", "B", "C", "D"], 2**62)], withdrawn=["D"]
    )
    assert METHODS["borda"](withdrawn, 1).scores[0] == 2**63


# --------------------------------------------------------------------- plan CSVs


def test_a_bare_cr_in_a_plan_csv_is_a_file_format_error() -> None:
    """A lone CR ends a line, as in old Mac files (the CSV reader stopped at it before)."""
    names, _ = parse_coefficients("product,a,b\na,0.1,0.2\rb,0,0\r\n", path="A.csv")
    assert names == ("a", "b")
    with pytest.raises(FileFormatError, match=r"^A\.csv:4: table is not square"):
        parse_coefficients("product,a,b\na,0.1,0.2\nb\r,0,0\n", path="A.csv")
    assert parse_coefficients("product,a\ra,0.5\r", path="A.csv")[0] == ("a",)
    with pytest.raises(FileFormatError, match=r"^l\.csv:\d: "):
        parse_vector("product,labour\na\r,1\n", ("a",), column="labour", path="l.csv")
    with pytest.raises(FileFormatError, match=r"^t\.csv:\d: "):
        economy_from_csv(
            "workplace,technique,product,labour,capacity,input,amount\nM\r,m,f,1,,,\n",
            "council,product,quantity\nD,f,1\n",
            paths=("t.csv", "n.csv"),
        )


def test_plan_values_with_a_coefficient_of_1e20_exits_2_with_a_message(tmp_path: Path) -> None:
    a = tmp_path / "A.csv"
    a.write_text("product,grain,tools\ngrain,0.1,1e20\ntools,0.05,0\n")
    labour = tmp_path / "l.csv"
    labour.write_text("product,labour\ngrain,1\ntools,2\n")
    for extra in ([], ["--json"]):
        code, output = run_main(
            ["plan", "values", "--coefficients", str(a), "--labour", str(labour), *extra]
        )
        assert code == 2, output
        assert "Traceback" not in output
        assert output.startswith("error: "), output


def test_a_blt_file_asking_for_10_11_seats_is_counted_by_meek_in_time() -> None:
    """Before, deciding how to hold the patterns raised (candidates + 1) to the power
    of the seats + 1: a file asking for 10^11 seats kept the count busy for ever."""
    ballots = read_blt('3 99999999999\n4 1 2 0\n2 3 0\n0\n"A"\n"B"\n"C"\n"t"\n')
    assert ballots.seats == 99_999_999_999
    result = METHODS["meek-stv"](ballots.profile, ballots.seats)
    assert sorted(result.elected_names) == ["A", "B", "C"]


# ------------------------------------------------------------- JSON-lines import


@pytest.mark.parametrize(
    ("lines", "line"),
    [
        (b"5\n", 1),
        (b'{"format": "sovet-export/1", "size": 0, "root": null}\n[]\n', 2),
        (b'{"format": "sovet-export/1", "size": 0, "root": null}\n"row"\n', 2),
        (
            b'{"format": "sovet-export/1", "size": 0, "root": null}\n'
            b'{"table": "ledger", "row": {"leaf": {"hex": "zz"}}}\n',
            2,
        ),
        (b'{"format": "sovet-export/1", "size": 0, "root": null}\n\xff\xfe\n', 2),
    ],
    ids=["header-not-an-object", "row-a-list", "row-a-string", "bad-hex", "not-utf8"],
)
def test_a_json_lines_import_refuses_what_is_not_a_record(
    tmp_path: Path, lines: bytes, line: int
) -> None:
    from sovet.storage.transfer import import_federation

    path = tmp_path / "export.jsonl"
    path.write_bytes(lines)
    with pytest.raises(FileFormatError, match=rf"export\.jsonl:{line}: "):
        import_federation(path, f"sqlite:///{tmp_path / 'copy.db'}")


# -------------------------------------------------------------------- members CSV


def test_the_members_csv_reads_a_lone_cr_and_refuses_what_csv_cannot_read() -> None:
    from sovet.cli.federation import parse_members_csv
    from sovet.federation.state import State

    rows = parse_members_csv("id,name,units\rm1,Ann,\rm2,Bob,\r", "m.csv", State())
    assert [r[:2] for r in rows] == [("m1", "Ann"), ("m2", "Bob")]
    with pytest.raises(FileFormatError, match=r"^m\.csv:\d+: not CSV: field larger"):
        parse_members_csv("id,name,units\nm1," + "x" * 200_000 + ",\n", "m.csv", State())


def test_a_pabulib_number_with_a_huge_exponent_is_refused_at_once() -> None:
    """``Fraction("1e999999999")`` works out a billion digits: minutes of one core."""
    text = PB.format(kind="cumulative").replace("p1;6", "p1;1e999999999") + "v1;p1;1\n"
    with pytest.raises(FileFormatError, match=r"^b\.pb:7: cost of project 'p1'"):
        parse_pabulib(text, path="b.pb")
    text = PB.format(kind="cumulative").replace("budget;10", "budget;1e-999999999")
    with pytest.raises(FileFormatError, match="budget '1e-999999999' is not a number"):
        parse_pabulib(text, path="b.pb")


def test_a_constitution_share_with_a_huge_exponent_is_a_problem_not_a_hang() -> None:
    from sovet.constitution import check_constitution

    sample = (Path(__file__).parents[2] / "docs" / "sample-constitution.toml").read_text()
    for share in ("1e-99999999", "1e99999999"):
        text = sample.replace('quorum = "1/2"', f"quorum = {share}", 1)
        problems = check_constitution(text)
        assert [p.path for p in problems] == ["defaults.quorum"], problems


def test_a_preflib_alternative_number_of_5000_digits_is_refused() -> None:
    text = f"# ALTERNATIVE NAME {'7' * 5000}: A\n1: 1\n"
    with pytest.raises(FileFormatError, match=r"^d\.soi:1: an alternative's number"):
        read_preflib(text, source="d.soi")
