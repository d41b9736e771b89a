"""Every file reader against mutated real files: it parses, or refuses with an InputError.

Each case takes a real file (the elections, budgets, apportionments and input–output
tables in ``../shared/data``, and the project's own constitutions), changes it as an
attacker or a broken export would (bytes flipped, inserted or deleted; a number made
huge; a bare CR, a NUL, a cut-off line) and hands it to the reader. The reader must
return a value, or raise an :class:`~sovet.errors.InputError` (whose message says
where); any other exception is a bug. Ballot files that parse are also counted, and
the count must add up: a tally that wrapped round the 64-bit integers would not.

``make test`` runs a bounded number of cases per format; ``make fuzz`` runs many more
(``SOVET_FUZZ_EXAMPLES`` sets the number per format).
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sovet.cli import main
from sovet.constitution import parse_constitution
from sovet.counting import METHODS
from sovet.counting.base import TieBreak
from sovet.counting.budgets import budget
from sovet.counting.formats import BallotFile, read_blt, read_cvr_csv, read_preflib
from sovet.counting.pabulib import parse_pabulib
from sovet.counting.plurality import first_preferences
from sovet.errors import InputError, PlanningError
from sovet.federation.state import State
from sovet.model import Unit, UnitKind
from sovet.planning.io import parse_coefficients, parse_vector
from sovet.planning.land_table import parse_households, parse_parcels
from sovet.planning.model import economy_from_csv
from sovet.planning.values import labour_values
from tests.conftest import SHARED_DATA

EXAMPLES = int(os.environ.get("SOVET_FUZZ_EXAMPLES", "40"))
ROOT = Path(__file__).resolve().parents[2]

# ------------------------------------------------------------------ the real files


def _read(path: Path) -> bytes:
    return path.read_bytes()


def _head(data: bytes, lines: int) -> bytes:
    return b"".join(data.splitlines(keepends=True)[:lines])


def _ballots() -> list[tuple[str, bytes]]:
    elections = SHARED_DATA / "elections"
    blt = sorted((elections / "droop_test_ballots" / "ballots").glob("*.blt"))
    blt += sorted((elections / "scotland2017" / "ballots").glob("*.blt"))[:6]
    blt += sorted((elections / "glasgow2007_droop" / "ballots").glob("*.blt"))[:2]
    return [(p.name, _read(p)) for p in blt]


def _preflib() -> list[tuple[str, bytes]]:
    folder = SHARED_DATA / "elections" / "ireland2002_preflib"
    # the header and the first orders (the whole file has 10^4); the counts of voters
    # and orders in the header would no longer match, so they are left out
    out = []
    for path in sorted(folder.glob("*.soi")):
        lines = _head(_read(path), 400).splitlines(keepends=True)
        kept = [x for x in lines if not x.startswith((b"# NUMBER VOTERS", b"# NUMBER UNIQUE"))]
        out.append((path.name, b"".join(kept)))
    return out


def _cvr() -> list[tuple[str, bytes]]:
    path = SHARED_DATA / "elections" / "us_rcv" / "2017_minneapolis_mayor_ballots.csv.gz"
    with gzip.open(path) as handle:
        head = b"".join(handle.readline() for _ in range(300))
    return [("minneapolis.csv", head)]


def _pabulib() -> list[tuple[str, bytes]]:
    folder = SHARED_DATA / "pb" / "instances"
    smallest = sorted(folder.glob("*.pb"), key=lambda p: p.stat().st_size)[:4]
    return [(p.name, _read(p)) for p in smallest]


def _constitutions() -> list[tuple[str, bytes]]:
    paths = [ROOT / "docs" / "sample-constitution.toml"]
    paths += sorted((ROOT / "tests" / "data" / "constitutions").glob("valid-*.toml"))
    return [(p.name, _read(p)) for p in paths]


def _claims() -> list[tuple[str, bytes]]:
    out = []
    for path in sorted((SHARED_DATA / "apportionment").glob("us_house_*.json"))[:2]:
        doc = json.loads(path.read_text(encoding="utf-8"))
        lines = ["name,population"]
        lines += [f'"{s["name"]}",{s["apportionment_population"]}' for s in doc["states"]]
        out.append((path.stem + ".csv", ("\n".join(lines) + "\n").encode()))
    return out


@functools.cache
def bea_files(products: int = 12) -> tuple[bytes, bytes]:
    """``A.csv`` and ``l.csv`` for the first industries of the BEA 2021 tables."""
    from tests.planning.bea import load

    bea = load(SHARED_DATA)
    names = bea.names[:products]
    a_lines = [",".join(["product", *(f'"{n}"' for n in names)])]
    for i, name in enumerate(names):
        a_lines.append(",".join([f'"{name}"', *(repr(float(x)) for x in bea.a[i, :products])]))
    labour = bea.labour[:products].tolist()
    l_lines = ["product,labour", *(f'"{n}",{v!r}' for n, v in zip(names, labour, strict=True))]
    return ("\n".join(a_lines) + "\n").encode(), ("\n".join(l_lines) + "\n").encode()


TECHNIQUES = (
    b"workplace,technique,product,labour,capacity,input,amount\n"
    b"Putilov Works,rolling,steel,2.5,400,coal,1.5\n"
    b"Putilov Works,rolling,steel,2.5,400,grain,0.1\n"
    b"Donbass Mine,shaft,coal,3,,grain,0.2\n"
    b"Volost Sokolniki,field,grain,1.2,900,,\n"
    b"Volost Sokolniki,mill,flour,0.4,,grain,1.1\n"
)
NEEDS = b"council,product,quantity\nPetrograd Soviet,flour,300\nPetrograd Soviet,steel,40\n"
PARCELS = "parcel,area,quality\nnorth field,12.5,1\nriver meadow,6,3/2\nhill,25/2,1/2\n"
HOUSEHOLDS = "household,eaters,workers\nIvanovs,6,2\nPetrovs,4,3\nСидоровы,7,2\n"
MEMBERS = "id,name,units\nm1,Анна Петрова,putilov\nm2,Ivan Ivanov,putilov;obukhov\nm3,Σοφία,\n"

# --------------------------------------------------------------------- mutations

HUGE = [
    str(2**63 - 1),
    str(2**63),
    str(2**64 + 1),
    str(10**20),
    "9" * 40,
    "9" * 5000,  # past the 4,300 digits int() reads
    "1e20",
    "1e400",
    "1e999999999",  # Fraction() and Decimal -> Fraction would work out a billion digits
    "1e-999999999",
    "-1",
    "-" + str(2**63 + 1),
    "inf",
    "nan",
    "0",
    "1.5",
]
SPECIAL = [
    b"\r",
    b"\n",
    b"\r\n",
    b"\x00",
    b'"',
    b";",
    b",",
    b":",
    b"0",
    b"-",
    b"=",
    b"[",
    b"]",
    b"{",
    b"(",
    b"#",
    b"\\",
    b"\xff",
    b"\xef\xbb\xbf",
    "\u2028".encode(),
    "\u202e".encode(),
    b"\nVOTES\n",
    b"\nMETA\n",
    b" 0\n",
]
_NUMBER = re.compile(rb"\d+")


@st.composite
def mutated(draw: st.DrawFn, seeds: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    """One of ``seeds``, changed by one to three mutations."""
    name, data = draw(st.sampled_from(seeds), label="seed")
    for _ in range(draw(st.integers(1, 3), label="mutations")):
        kind = draw(
            st.sampled_from(["number", "insert", "flip", "delete", "truncate", "line"]),
            label="kind",
        )
        at = draw(st.integers(0, len(data)), label="at")
        if kind == "number":
            numbers = list(_NUMBER.finditer(data))
            if numbers:
                m = numbers[draw(st.integers(0, len(numbers) - 1), label="which")]
                new = draw(st.sampled_from(HUGE), label="huge").encode()
                data = data[: m.start()] + new + data[m.end() :]
        elif kind == "insert":
            piece = draw(st.sampled_from(SPECIAL) | st.binary(min_size=1, max_size=6))
            data = data[:at] + piece + data[at:]
        elif kind == "flip":
            if data:
                at = min(at, len(data) - 1)
                data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
        elif kind == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 64), label="length") :]
        elif kind == "truncate":
            data = data[:at]
        else:  # a line repeated or a line cut in two by a bare CR
            lines = data.splitlines(keepends=True)
            if lines:
                i = draw(st.integers(0, len(lines) - 1), label="line")
                extra = draw(st.sampled_from([lines[i], b"\r", lines[i][: len(lines[i]) // 2]]))
                lines.insert(i, extra)
                data = b"".join(lines)
    return name, data


# ----------------------------------------------------------------------- readers


def _utf8(data: bytes) -> str:
    """What the command line does before a text reader runs: decode or refuse."""
    from sovet.errors import FileFormatError

    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileFormatError("not UTF-8 text") from None


def _counted(ballots: BallotFile) -> None:
    """A parsed ballot file adds up: no tally wrapped round, whatever the weights."""
    profile = ballots.profile
    total = sum(int(w) for w in profile.weights.tolist())
    assert profile.total_weight == total >= 0
    tallies, valid = first_preferences(profile)
    assert 0 <= valid <= total
    assert all(t >= 0 for t in tallies.tolist())
    assert sum(int(t) for t in tallies.tolist()) == valid
    seats = min(ballots.seats or 1, 3)
    for method in ("plurality", "borda", "approval"):
        result = METHODS[method](profile, seats, tiebreak=TieBreak(seed=1))
        assert all(v >= 0 for v in result.scores.values())


def read_blt_file(name: str, data: bytes) -> None:
    _counted(read_blt(data, source=name))


def read_preflib_file(name: str, data: bytes) -> None:
    _counted(read_preflib(data, source=name))


def read_cvr_file(name: str, data: bytes) -> None:
    _counted(read_cvr_csv(data, source=name))


def read_pabulib_file(name: str, data: bytes) -> None:
    instance = parse_pabulib(_utf8(data), path=name)
    support = instance.points()
    assert all(int(s) >= 0 for s in support.tolist())
    if instance.num_voters and len(instance.projects) < 40:
        budget(instance, "greedy", tie_order="file")


def read_constitution_file(name: str, data: bytes) -> None:
    parse_constitution(_utf8(data), source=name)


def read_claims_file(name: str, data: bytes) -> None:
    from sovet.cli.apportion import parse_claims_csv

    parse_claims_csv(_utf8(data), path=name)


def read_members_file(name: str, data: bytes) -> None:
    from sovet.cli.federation import parse_members_csv

    state = State()
    for unit in ("putilov", "obukhov"):
        state.units[unit] = Unit(unit, unit.title(), UnitKind.WORKPLACE, "1917-03-01")
    parse_members_csv(_utf8(data), name, state)


def read_parcels_file(name: str, data: bytes) -> None:
    parse_parcels(_utf8(data), path=name)


def read_households_file(name: str, data: bytes) -> None:
    parse_households(_utf8(data), path=name)


def read_techniques_file(name: str, data: bytes) -> None:
    economy_from_csv(_utf8(data), NEEDS.decode(), paths=(name, "needs.csv"))


def read_needs_file(name: str, data: bytes) -> None:
    economy_from_csv(TECHNIQUES.decode(), _utf8(data), paths=("techniques.csv", name))


def read_coefficients_file(name: str, data: bytes) -> None:
    products, a = parse_coefficients(_utf8(data), path=name)
    labour = parse_vector(bea_files()[1].decode(), products, column="labour", path="l.csv")
    _solved(a, labour)


def read_labour_file(name: str, data: bytes) -> None:
    products, a = parse_coefficients(bea_files()[0].decode(), path="A.csv")
    labour = parse_vector(_utf8(data), products, column="labour", path=name)
    _solved(a, labour)


def _solved(a: object, labour: np.ndarray) -> None:
    """The labour values of a table that parsed: finite, or the economy is not productive."""
    try:
        values = labour_values(a, labour)
    except PlanningError as exc:
        assert "not productive" in exc.message
        return
    assert np.isfinite(values.values).all()


Reader = Callable[[str, bytes], None]


def _formats() -> dict[str, tuple[Reader, Callable[[], list[tuple[str, bytes]]]]]:
    return {
        "blt": (read_blt_file, _ballots),
        "preflib": (read_preflib_file, _preflib),
        "cvr-csv": (read_cvr_file, _cvr),
        "pabulib": (read_pabulib_file, _pabulib),
        "constitution-toml": (read_constitution_file, _constitutions),
        "claims-csv": (read_claims_file, _claims),
        "members-csv": (read_members_file, lambda: [("members.csv", MEMBERS.encode())]),
        "plan-coefficients-csv": (read_coefficients_file, lambda: [("A.csv", bea_files()[0])]),
        "plan-labour-csv": (read_labour_file, lambda: [("l.csv", bea_files()[1])]),
        "plan-techniques-csv": (read_techniques_file, lambda: [("techniques.csv", TECHNIQUES)]),
        "plan-needs-csv": (read_needs_file, lambda: [("needs.csv", NEEDS)]),
        "land-parcels-csv": (read_parcels_file, lambda: [("parcels.csv", PARCELS.encode())]),
        "land-households-csv": (
            read_households_file,
            lambda: [("households.csv", HOUSEHOLDS.encode())],
        ),
    }


FORMATS = _formats()


def outcome(reader: Reader, name: str, data: bytes) -> str:
    """``"parsed"`` or ``"refused"``; any other exception propagates (and fails)."""
    try:
        reader(name, data)
    except InputError as exc:
        assert exc.message.strip(), "an error must say what is wrong"
        return "refused"
    return "parsed"


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_mutated_real_file_parses_or_is_refused_with_an_input_error(fmt: str) -> None:
    reader, seeds = FORMATS[fmt]
    files = seeds()
    assert files, f"no real files for {fmt}"
    # the real files as they are parse (but equal preferences, refused by design)
    refused = [n for n, d in files if outcome(reader, n, d) != "parsed"]
    assert refused in ([], ["eq1.blt", "eq2.blt"])
    seen: dict[str, int] = {"parsed": 0, "refused": 0}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(mutated(files))
    def check(case: tuple[str, bytes]) -> None:
        seen[outcome(reader, *case)] += 1

    check()
    # shown by `make fuzz` (pytest -s): cases per format, none raised anything else
    print(
        f"\nfuzz {fmt}: {sum(seen.values())} cases, {seen['parsed']} parsed, "
        f"{seen['refused']} refused, 0 tracebacks"
    )
    assert sum(seen.values()) >= min(EXAMPLES, 10)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_number_too_long_to_read_is_refused_with_an_input_error(fmt: str) -> None:
    """Each of the first numbers of the first real files made 5,000 digits long, in turn
    (past the 4,300 digits ``int()`` reads, and more than a ``Fraction`` can show): the
    reader parses it or refuses it with an InputError, never a bare ValueError. The fuzz
    above finds such a case by chance; this tries them all."""
    reader, seeds = FORMATS[fmt]
    cases = 0
    for name, data in seeds()[:4]:
        for m in list(_NUMBER.finditer(data))[:60]:
            outcome(reader, name, data[: m.start()] + b"9" * 5000 + data[m.end() :])
            cases += 1
    assert cases


# -------------------------------------------------- the command line on mutated files

CLI_CASES: list[tuple[str, list[str], str]] = [
    # (format, arguments with {} for the mutated file, its suffix)
    ("blt", ["count", "{}", "--method", "scottish-stv", "--json"], ".blt"),
    ("blt", ["count", "{}", "--method", "meek-stv", "--json"], ".blt"),
    ("preflib", ["count", "{}", "--method", "irv", "--json"], ".soi"),
    ("cvr-csv", ["count", "{}", "--method", "schulze", "--json"], ".csv"),
    ("pabulib", ["budget", "{}", "--json", "--seed", "1"], ".pb"),
    ("claims-csv", ["apportion", "{}", "-n", "20", "--method", "webster", "--json"], ".csv"),
    ("constitution-toml", ["constitution", "show", "{}", "--json"], ".toml"),
    ("plan-coefficients-csv", ["plan", "values", "--coefficients", "{}", "--labour", "L"], ".csv"),
    (
        "plan-labour-csv",
        ["plan", "values", "--coefficients", "A", "--labour", "{}", "--json"],
        ".csv",
    ),
]
CLI_SAMPLE = max(4, EXAMPLES // 4)


def run_main(argv: list[str]) -> tuple[int, str]:
    """The real entry point (``sovet.cli.main``) in process: its exit code and output."""
    with CliRunner().isolation() as (out, err, _):
        try:
            main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        else:
            code = 0
        return code, out.getvalue().decode(errors="replace") + err.getvalue().decode(
            errors="replace"
        )


@pytest.mark.parametrize(
    ("fmt", "argv", "suffix"), CLI_CASES, ids=[f"{c[1][0]}-{c[1][1]}-{c[0]}" for c in CLI_CASES]
)
def test_the_command_line_refuses_a_mutated_file_with_exit_code_2(
    fmt: str, argv: list[str], suffix: str, tmp_path: Path
) -> None:
    _, seeds = FORMATS[fmt]
    files = seeds()
    a_csv, l_csv = bea_files()
    (tmp_path / "A.csv").write_bytes(a_csv)
    (tmp_path / "l.csv").write_bytes(l_csv)
    fixed = {"A": str(tmp_path / "A.csv"), "L": str(tmp_path / "l.csv")}
    codes: list[int] = []

    @settings(
        max_examples=CLI_SAMPLE,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(mutated(files))
    def check(case: tuple[str, bytes]) -> None:
        path = tmp_path / f"case{suffix}"
        path.write_bytes(case[1])
        args = [str(path) if a == "{}" else fixed.get(a, a) for a in argv]
        code, output = run_main(args)
        assert code in (0, 2), (code, output)
        assert "Traceback" not in output
        if code == 2:
            assert "error: " in output
        codes.append(code)

    check()
    print(
        f"\ncli {' '.join(argv[:2])} on {fmt}: {len(codes)} cases, "
        f"{codes.count(0)} exit 0, {codes.count(2)} exit 2, 0 tracebacks"
    )
    assert codes
