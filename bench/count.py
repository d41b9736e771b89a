"""Counting benchmark: Sovet against the peer libraries, measured in the same run.

Every run loads the ballots from the same input (a BLT or CSV file, or the
synthetic profile saved as a ``.npy`` array) into the library's own objects and
counts them; the time covers parsing/building and counting, not interpreter
start-up or imports. Each run is a separate process stopped after 600 s
("> 600 s"). Synthetic profiles follow ``../shared/PEERS.md``: numpy seed
20240601, Plackett-Luce over 20 candidates with weights 1/k^0.6, 1,000,000
complete rankings; "truncated" cuts each to 1 + Geometric(0.25) ranks, at most 20.

    python bench/count.py                  # everything (an hour or more)
    python bench/count.py --quick          # 10,000 synthetic ballots, smoke test
    python bench/count.py --only stv5-full # one task (see --list)

Peers are installed in their own environment (``.venv-bench``, ``make bench``).
At the end ``bench/budget.py`` runs, when it exists, with the same interpreter.
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "elections"
SEED = 20240601
NCAND = 20
TIMEOUT = 600.0


@dataclass(frozen=True)
class Task:
    name: str
    title: str
    source: str  # "scotland", "minneapolis", "full", "truncated"
    method: str  # our method id
    seats: int
    peers: tuple[str, ...]


PEERS_IRV = ("votekit-FastSTV", "votekit-STV", "pyrankvote", "pref_voting")
PEERS_STV = ("votekit-FastSTV", "votekit-STV", "pyrankvote")
PEERS_SCHULZE = ("votekit-Schulze", "pref_voting")

TASKS = (
    Task(
        "stv-scotland", "STV, largest Scottish 2017 ward", "scotland", "scottish-stv", 0, PEERS_STV
    ),
    Task("irv-minneapolis", "IRV, Minneapolis 2017", "minneapolis", "irv", 1, PEERS_IRV),
    Task("irv-full", "IRV, 1M x 20 full", "full", "irv", 1, PEERS_IRV),
    Task("irv-truncated", "IRV, 1M x 20 truncated", "truncated", "irv", 1, PEERS_IRV),
    Task("stv5-full", "STV 5 seats, 1M x 20 full", "full", "scottish-stv", 5, PEERS_STV),
    Task(
        "stv5-truncated",
        "STV 5 seats, 1M x 20 truncated",
        "truncated",
        "scottish-stv",
        5,
        PEERS_STV,
    ),
    Task("meek5-full", "Meek STV 5 seats, 1M x 20 full", "full", "meek-stv", 5, ()),
    Task("meek5-truncated", "Meek STV 5 seats, 1M x 20 truncated", "truncated", "meek-stv", 5, ()),
    Task("schulze-full", "Schulze, 1M x 20 full", "full", "schulze", 1, PEERS_SCHULZE),
    Task("schulze-truncated", "Schulze, 1M x 20 truncated", "truncated", "schulze", 1, ()),
)


# ----------------------------------------------------------------- input data


def make_profiles(n: int, folder: Path) -> dict[str, Path]:
    """The synthetic profiles of PEERS.md, saved as int16 arrays (-1 = no rank)."""
    rng = np.random.default_rng(SEED)
    weights = 1.0 / np.arange(1, NCAND + 1) ** 0.6
    # Plackett-Luce by the Gumbel-max trick: sort log-weights plus Gumbel noise.
    keys = np.log(weights)[None, :] + rng.gumbel(size=(n, NCAND))
    full = np.argsort(-keys, axis=1).astype(np.int16)
    length = np.minimum(1 + rng.geometric(0.25, size=n), NCAND)
    truncated = np.where(np.arange(NCAND)[None, :] < length[:, None], full, -1).astype(np.int16)
    paths = {"full": folder / f"full-{n}.npy", "truncated": folder / f"truncated-{n}.npy"}
    np.save(paths["full"], full)
    np.save(paths["truncated"], truncated)
    return paths


def largest_scottish_ward() -> tuple[Path, int]:
    index = json.loads((DATA / "scotland2017" / "index.json").read_text())
    ward = max(index, key=lambda w: w["valid_poll"])
    return DATA / "scotland2017" / ward["ballot_file"], int(ward["seats"])


def minneapolis() -> Path:
    return DATA / "us_rcv" / "2017_minneapolis_mayor_ballots.csv.gz"


def plain_blt(path: Path) -> tuple[list[str], list[tuple[list[str], int]], int]:
    """A minimal BLT reading for the peers (no options, no withdrawn candidates)."""
    lines = [ln.strip() for ln in path.read_text().splitlines() if ln.strip()]
    ncand, seats = (int(x) for x in lines[0].split())
    end = lines.index("0", 1)
    names = [ln.strip('"') for ln in lines[end + 1 : end + 1 + ncand]]
    ballots = []
    for ln in lines[1:end]:
        parts = [int(x) for x in ln.split()]
        ballots.append(([names[c - 1] for c in parts[1:-1]], parts[0]))
    return names, ballots, seats


def plain_cvr(path: Path) -> tuple[list[str], list[tuple[list[str], int]]]:
    """Minneapolis rules for the peers: skip under/overvotes, one skip allowed, no repeats."""
    rows = gzip.decompress(path.read_bytes()).decode().splitlines()[1:]
    ballots, names = [], {}
    for row in rows:
        cells = row.split(",")
        ranking: list[str] = []
        skipped = 0
        for cell in cells[1:4]:
            if cell in ("undervote", "overvote", ""):
                skipped += cell != "overvote"
                if skipped > 1:
                    break
                continue
            skipped = 0
            if cell not in ranking:
                ranking.append(cell)
                names[cell] = True
        ballots.append((ranking, int(cells[4])))
    return list(names), ballots


def named_ballots(source: str, path: Path) -> tuple[list[str], list[tuple[list[str], int]]]:
    """The ballots by name for the peers, identical rankings merged (which helps them)."""
    if source == "scotland":
        names, ballots, _ = plain_blt(path)
    elif source == "minneapolis":
        names, ballots = plain_cvr(path)
    else:
        arr = np.load(path)
        names = [f"C{i}" for i in range(NCAND)]
        ballots = [([names[c] for c in row if c >= 0], 1) for row in arr.tolist()]
    merged: Counter[tuple[str, ...]] = Counter()
    for ranking, weight in ballots:
        merged[tuple(ranking)] += weight
    return names, [(list(r), w) for r, w in merged.items()]


# -------------------------------------------------------------------- runners


def run_ours(task: Task, path: Path, seats: int) -> list[str]:
    from sovet.counting import Profile, count
    from sovet.counting.formats import read_blt, read_cvr_csv

    if task.source == "scotland":
        profile = read_blt(path.read_bytes(), source=path.name).profile
    elif task.source == "minneapolis":
        profile = read_cvr_csv(gzip.decompress(path.read_bytes()), source=path.name).profile
    else:
        arr = np.load(path)
        profile = Profile(
            candidates=tuple(f"C{i}" for i in range(NCAND)),
            rankings=arr,
            weights=np.ones(len(arr), dtype=np.int64),
        )
    return list(count(task.method, profile, seats, seed=1).elected_names)


def run_votekit(kind: str, task: Task, path: Path, seats: int) -> list[str]:
    from votekit.ballot import RankBallot
    from votekit.elections import STV, FastSTV, Schulze
    from votekit.pref_profile import RankProfile

    names, ballots = named_ballots(task.source, path)
    profile = RankProfile(
        ballots=[RankBallot(ranking=[{c} for c in r], weight=w) for r, w in ballots if r],
        candidates=names,
        max_ranking_length=max(len(r) for r, _ in ballots),
    )
    if kind == "Schulze":
        election: Any = Schulze(profile, n_seats=1)
    elif kind == "FastSTV":
        election = FastSTV(profile, n_seats=seats, tiebreak="random", rng_seed=1)
    else:
        election = STV(profile, n_seats=seats, tiebreak="random", rng_seed=1)
    return [c for group in election.get_elected() for c in sorted(group)]


def run_pyrankvote(task: Task, path: Path, seats: int) -> list[str]:
    import pyrankvote

    names, ballots = named_ballots(task.source, path)
    cands = {n: pyrankvote.Candidate(n) for n in names}
    papers = []
    for ranking, weight in ballots:
        paper = pyrankvote.Ballot(ranked_candidates=[cands[c] for c in ranking])
        papers.extend([paper] * weight)
    if seats == 1:
        result = pyrankvote.instant_runoff_voting(list(cands.values()), papers)
    else:
        result = pyrankvote.single_transferable_vote(list(cands.values()), papers, seats)
    return [c.name for c in result.get_winners()]


def run_pref_voting(task: Task, path: Path, seats: int) -> list[str]:
    from pref_voting.iterative_methods import instant_runoff_for_truncated_linear_orders
    from pref_voting.margin_based_methods import beat_path
    from pref_voting.profiles import Profile as PVProfile
    from pref_voting.profiles_with_ties import ProfileWithTies

    if task.source == "full":
        arr = np.load(path)
        profile = PVProfile(arr.tolist())
        winners = beat_path(profile) if task.method == "schulze" else _pv_irv_full(profile)
        return [f"C{c}" for c in winners]
    names, ballots = named_ballots(task.source, path)
    index = {n: i for i, n in enumerate(names)}
    rankings = [{index[c]: k + 1 for k, c in enumerate(r)} for r, _ in ballots if r]
    counts = [w for r, w in ballots if r]
    pwt = ProfileWithTies(rankings, rcounts=counts, candidates=list(range(len(names))))
    if task.method == "schulze":
        winners = beat_path(pwt)
    else:
        winners = instant_runoff_for_truncated_linear_orders(pwt)
    return [names[c] for c in winners]


def _pv_irv_full(profile: Any) -> list[int]:
    from pref_voting.iterative_methods import instant_runoff

    return list(instant_runoff(profile))


RUNNERS: dict[str, Callable[[Task, Path, int], list[str]]] = {
    "ours": run_ours,
    "votekit-FastSTV": lambda t, p, s: run_votekit("FastSTV", t, p, s),
    "votekit-STV": lambda t, p, s: run_votekit("STV", t, p, s),
    "votekit-Schulze": lambda t, p, s: run_votekit("Schulze", t, p, s),
    "pyrankvote": run_pyrankvote,
    "pref_voting": run_pref_voting,
}


PRELOAD = {
    "ours": ("sovet.counting", "sovet.counting.formats"),
    "votekit-FastSTV": ("votekit.elections", "votekit.pref_profile"),
    "votekit-STV": ("votekit.elections", "votekit.pref_profile"),
    "votekit-Schulze": ("votekit.elections", "votekit.pref_profile"),
    "pyrankvote": ("pyrankvote",),
    "pref_voting": (
        "pref_voting.iterative_methods",
        "pref_voting.margin_based_methods",
        "pref_voting.profiles_with_ties",
    ),
}


def worker(lib: str, task_name: str, path: str, seats: int) -> None:
    """Run one library on one task in this process; print seconds and winners as JSON."""
    task = next(t for t in TASKS if t.name == task_name)
    for module in PRELOAD[lib]:  # imports are not timed
        importlib.import_module(module)
    start = time.perf_counter()
    elected = RUNNERS[lib](task, Path(path), seats)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "elected": elected}))


# ---------------------------------------------------------------------- main


def measure(lib: str, task: Task, path: Path, seats: int, repeat: int) -> tuple[str, list[str]]:
    times: list[float] = []
    elected: list[str] = []
    for _ in range(repeat):
        cmd = [sys.executable, __file__, "--worker", lib, task.name, str(path), str(seats)]
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONWARNINGS="ignore")
        try:
            done = subprocess.run(
                cmd, capture_output=True, text=True, timeout=TIMEOUT, env=env, check=False
            )
        except subprocess.TimeoutExpired:
            return f"> {TIMEOUT:.0f} s", []
        if done.returncode != 0:
            tail = (done.stderr.strip().splitlines() or ["?"])[-1]
            return f"failed: {tail[:70]}", []
        out = json.loads(done.stdout.strip().splitlines()[-1])
        times.append(out["seconds"])
        elected = out["elected"]
    return f"{statistics.median(times):.3f}", elected


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 synthetic ballots")
    parser.add_argument("--only", action="append", metavar="TASK", help="run only this task")
    parser.add_argument("--repeat", type=int, default=1, help="runs per entry (median)")
    parser.add_argument("--no-peers", action="store_true", help="time ours only")
    parser.add_argument("--no-budget", action="store_true", help="do not run bench/budget.py")
    parser.add_argument("--list", action="store_true", help="list the tasks")
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        lib, task_name, path, seats = args.worker
        worker(lib, task_name, path, int(seats))
        return 0
    if args.list:
        for t in TASKS:
            print(f"{t.name:20} {t.title}")
        return 0
    by_name = {t.name: t for t in TASKS}
    tasks = [by_name[n] for n in args.only if n in by_name] if args.only else list(TASKS)
    unknown = set(args.only or ()) - {t.name for t in TASKS}
    if unknown:
        parser.error(f"unknown task(s) {sorted(unknown)}; see --list")

    from sovet.counting import METHODS

    n = 10_000 if args.quick else 1_000_000
    with tempfile.TemporaryDirectory(prefix="sovet-bench-") as tmp:
        synthetic: dict[str, Path] = {}
        if any(t.source in ("full", "truncated") for t in tasks):
            synthetic = make_profiles(n, Path(tmp))
        ward, ward_seats = largest_scottish_ward()
        print(f"Counting benchmark: {n:,} synthetic ballots; largest ward {ward.stem}")
        print(f"{'task':38} {'ours (s)':>10}  peer: seconds (peer/ours)")
        for task in tasks:
            title = task.title.replace("1M", f"{n // 1000}k" if args.quick else "1M")
            if task.source == "scotland":
                path, seats = ward, ward_seats
            elif task.source == "minneapolis":
                path, seats = minneapolis(), 1
            else:
                path, seats = synthetic[task.source], task.seats
            if task.method not in METHODS:
                print(f"{title:38} {'-':>10}  {task.method!r} not registered: skipped")
                continue
            ours, ours_elected = measure("ours", task, path, seats, args.repeat)
            cells = []
            for peer in () if args.no_peers else task.peers:
                took, elected = measure(peer, task, path, seats, args.repeat)
                cells.append(f"{peer} {took}{_ratio(took, ours)}{_agree(elected, ours_elected)}")
                sys.stdout.flush()
            print(f"{title:38} {ours:>10}  " + ("; ".join(cells) or "no peer"), flush=True)
    budget = ROOT / "bench" / "budget.py"
    if budget.exists() and not args.no_budget:
        print(f"\n$ {Path(sys.executable).name} bench/budget.py", flush=True)
        extra = ["--quick"] if args.quick and "--quick" in budget.read_text() else []
        return subprocess.run([sys.executable, str(budget), *extra], check=False).returncode
    return 0


def _ratio(peer: str, ours: str) -> str:
    try:
        return f" ({float(peer) / float(ours):.1f}x)"
    except ValueError:
        return ""


def _agree(peer: list[str], ours: list[str]) -> str:
    if not peer or not ours:
        return ""
    return "" if set(peer) == set(ours) else " [elects differently]"


if __name__ == "__main__":
    sys.exit(main())
