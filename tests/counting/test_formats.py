"""Ballot file readers: BLT, PrefLib and CSV cast-vote records."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sovet.counting.formats import CvrRules, parse_ballots, read_blt, read_cvr_csv, read_preflib
from sovet.errors import FileFormatError

SMALL_BLT = """\
4 2
-3
3 1 2 0
2 4 1 3 0
(b7) 1 2 - 4 0
0
"Ann Smith"
"Bob"
"Cy (withdrawn)"
Dee Jones
"A small test"
"""


def test_blt_reads_header_withdrawn_weights_names_and_title() -> None:
    f = read_blt(SMALL_BLT, source="small.blt")
    p = f.profile
    assert f.seats == 2
    assert p.candidates == ("Ann Smith", "Bob", "Cy (withdrawn)", "Dee Jones")
    assert p.withdrawn == frozenset({2})
    assert p.title == "A small test"
    assert p.ballots_by_name() == [
        (("Ann Smith", "Bob"), 3),
        (("Dee Jones", "Ann Smith", "Cy (withdrawn)"), 2),
        (("Bob", "Dee Jones"), 1),
    ]
    assert p.rankings.dtype == np.int16 and p.weights.dtype == np.int64
    assert p.rankings[0].tolist() == [0, 1, -1]


def test_blt_droop_options(shared_data: Path) -> None:
    root = shared_data / "elections" / "droop_test_ballots" / "ballots"
    plain = read_blt((root / "SCw.blt").read_text(), source="SCw.blt")
    option = read_blt((root / "SCwopt.blt").read_text(), source="SCwopt.blt")
    assert plain.profile.withdrawn == option.profile.withdrawn == frozenset({3})
    assert (plain.profile.rankings == option.profile.rankings).all()
    tie = read_blt((root / "42t.blt").read_text(), source="42t.blt")
    assert tie.tie_order == (2, 1, 0)
    accented = read_blt((root / "42u.blt").read_bytes(), source="42u.blt")
    assert accented.profile.candidates == ("Cåstor", "Pøllüx", "Hélen")


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("", 1, "empty file"),
        ("3\n", 1, "first line"),
        ("2 1\n1 1 2\n0\nA\nB\n", 2, "must end with 0"),
        ("2 1\n1 1 3 0\n0\nA\nB\n", 2, "candidate 3 does not exist"),
        ("2 1\n1 1 1 0\n0\nA\nB\n", 2, "ranked twice"),
        ("2 1\n1 1=2 0\n0\nA\nB\n", 2, "equal preferences"),
        ("2 1\nx 1 0\n0\nA\nB\n", 2, "ballot weight"),
        ("2 1\n-1 1 0\n0\nA\nB\n", 2, "withdrawn candidate"),
        ("2 1\n1 1 0\n", 2, "missing the line '0'"),
        ("2 1\n1 1 0\n0\nA\n", 4, "expected 2 candidate names, found 1"),
        ("2 1\n1 1 0\n0\nA\nA\n", 5, "appears twice"),
        ("2 1\n1 1 0\n0\nA\nB\ntitle\nmore\n", 7, "after the title"),
        ("2 1\n[colour red]\n1 1 0\n0\nA\nB\n", 2, "unknown option"),
    ],
)
def test_blt_errors_name_the_line(text: str, line: int, problem: str) -> None:
    with pytest.raises(FileFormatError) as info:
        read_blt(text, source="bad.blt")
    assert info.value.line == line
    assert str(info.value).startswith(f"bad.blt:{line}: ")
    assert problem in str(info.value)


def test_every_scottish_ward_matches_its_official_first_preferences(shared_data: Path) -> None:
    root = shared_data / "elections" / "scotland2017"
    index = json.loads((root / "index.json").read_text())
    assert len(index) == 163
    for ward in index:
        f = read_blt((root / ward["ballot_file"]).read_bytes(), source=ward["ballot_file"])
        official = json.loads((root / ward["result_file"]).read_text())
        p = f.profile
        assert f.seats == official["seats"]
        assert p.total_weight == official["valid_poll_in_ballot_file"]
        assert p.title == official["ballot_file_title_line"]
        firsts_weighted = [
            int(p.weights[p.rankings[:, 0] == c].sum()) for c in range(len(p.candidates))
        ]
        for cand in official["candidates"]:
            i = cand["blt_index"] - 1
            assert p.candidates[i] == cand["blt_name"]
            assert firsts_weighted[i] == cand["first_preferences"]


def _preflib_header_counts(text: str) -> dict[str, int]:
    out = {}
    for line in text.splitlines():
        for key in ("NUMBER ALTERNATIVES", "NUMBER VOTERS", "NUMBER UNIQUE ORDERS"):
            if line.startswith(f"# {key}:"):
                out[key] = int(line.split(":", 1)[1])
    return out


@pytest.mark.parametrize("name", ["00001-00000001.soi", "00001-00000002.soi"])
def test_preflib_irish_files_match_their_headers(shared_data: Path, name: str) -> None:
    path = shared_data / "elections" / "ireland2002_preflib" / name
    text = path.read_text()
    header = _preflib_header_counts(text)
    f = read_preflib(text, source=name)
    p = f.profile
    assert len(p.candidates) == header["NUMBER ALTERNATIVES"]
    assert p.total_weight == header["NUMBER VOTERS"]
    assert p.rankings.shape[0] == header["NUMBER UNIQUE ORDERS"]
    assert f.seats is None
    # the first order line of the body, read back by name
    first = next(line for line in text.splitlines() if line and not line.startswith("#"))
    count, order = first.split(":")
    names = {i + 1: n for i, n in enumerate(p.candidates)}
    assert p.ballots_by_name()[0] == (tuple(names[int(a)] for a in order.split(",")), int(count))
    named = [
        line.split(":", 1)[1].strip() for line in text.splitlines() if "ALTERNATIVE NAME" in line
    ]
    assert list(p.candidates) == named


def test_preflib_header_mismatch_and_ties_are_errors() -> None:
    head = "# NUMBER ALTERNATIVES: 2\n# NUMBER VOTERS: 5\n# ALTERNATIVE NAME 1: A\n"
    head += "# ALTERNATIVE NAME 2: B\n"
    with pytest.raises(FileFormatError, match="NUMBER VOTERS 5, the file has 4"):
        read_preflib(head + "4: 1,2\n", source="x.soi")
    with pytest.raises(FileFormatError, match=r"x.toi:5: tied ranks"):
        read_preflib(head + "5: {1,2}\n", source="x.toi")
    with pytest.raises(FileFormatError, match=r"x.soc:5: a complete order"):
        read_preflib(head + "5: 1\n", source="x.soc")
    complete = read_preflib(head + "5: 2,1\n", source="x.soc")
    assert complete.profile.ballots_by_name() == [(("B", "A"), 5)]


def test_cvr_rules_follow_the_markers() -> None:
    rules = CvrRules()
    assert rules.ranking(["A", "undervote", "B"]) == ["A", "B"]
    assert rules.ranking(["A", "undervote", "undervote", "B"]) == ["A"]
    assert rules.ranking(["overvote", "B", "B"]) == ["B"]
    assert rules.ranking(["UWI", "A"]) == ["Undeclared Write-ins", "A"]
    strict = CvrRules(overvote_rule="exhaust", max_skipped=None, duplicate_rule="exhaust")
    assert strict.ranking(["A", "overvote", "B"]) == ["A"]
    assert strict.ranking(["undervote", "undervote", "B", "B", "C"]) == ["B"]


def test_cvr_csv_reader_merges_rows_and_reports_bad_lines() -> None:
    text = "precinct,rank1,rank2,rank3,count\nP1,A,B,undervote,2\nP2,B,overvote,C,1\nP3,A,B,,3\n"
    p = read_cvr_csv(text, source="c.csv").profile
    assert p.candidates == ("A", "B", "C")
    assert p.ballots_by_name() == [(("A", "B"), 5), (("B", "C"), 1)]
    with pytest.raises(FileFormatError, match=r"c.csv:3: expected 5 fields"):
        read_cvr_csv("precinct,rank1,rank2,rank3,count\nP1,A,B,C,1\nP2,A\n", source="c.csv")
    with pytest.raises(FileFormatError, match=r"c.csv:2: the count"):
        read_cvr_csv("rank1,count\nA,many\n", source="c.csv")
    with pytest.raises(FileFormatError, match=r"c.csv:1: no rank columns"):
        read_cvr_csv("name,votes\nA,1\n", source="c.csv")


def test_minneapolis_cvr_first_round_matches_reference(shared_data: Path) -> None:
    root = shared_data / "elections" / "us_rcv"
    name = "2017_minneapolis_mayor_ballots.csv.gz"
    p = parse_ballots(name, (root / name).read_bytes()).profile
    reference = json.loads((root / "2017_minneapolis_mayor_reference_result.json").read_text())
    first_round = reference["rounds"][0]["tally"]
    assert set(p.candidates) == set(first_round)
    firsts = {c: 0 for c in p.candidates}
    for ranking, weight in p.ballots_by_name():
        if ranking:
            firsts[ranking[0]] += weight
    assert firsts == first_round


def test_dispatch_by_suffix() -> None:
    assert parse_ballots("a.BLT", b"1 1\n2 1 0\n0\nA\n").profile.total_weight == 2
    with pytest.raises(FileFormatError, match=r"a.pb: .*sovet budget"):
        parse_ballots("a.pb", b"")
    with pytest.raises(FileFormatError, match=r"unknown ballot file type '.txt'"):
        parse_ballots("a.txt", b"")
    with pytest.raises(FileFormatError, match=r"a.blt.gz: not a readable gzip"):
        parse_ballots("a.blt.gz", b"not gzip")
    with pytest.raises(FileFormatError, match=r"a.blt:1: not UTF-8"):
        parse_ballots("a.blt", b"\xff\xfe 1")
