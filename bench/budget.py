"""Participatory budgeting: Sovet against pabutools, measured in the same run.

Run with the benchmark environment (pabutools lives only there)::

    python3 -m venv .venv-bench && .venv-bench/bin/pip install -e '.[bench]'
    .venv-bench/bin/python bench/budget.py

Each measurement runs in its own subprocess and includes reading the .pb file and
building the library's own objects. A peer still running after 600 s is stopped and
reported as "> 600 s". Ours is the median of three runs; the peers run once. Tasks:
Łódź 2022 (90,494 voters, 160 projects) by greedy, Equal Shares, and Equal Shares with
the add1 completion; and the largest ``equalshares/add1`` instance in the data by
Equal Shares with add1. The funded projects of both are compared.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "pb"
TIMEOUT = 600

OURS = """
import json, sys, time
t = time.perf_counter()
from sovet.counting.budgets import budget
from sovet.counting.pabulib import parse_pabulib
path, rule = sys.argv[1], sys.argv[2]
inst = parse_pabulib(open(path, encoding="utf-8").read(), path=path)
result = budget(inst, rule)
print(json.dumps({"seconds": time.perf_counter() - t, "selected": sorted(result.selected_ids)}))
"""

PEER = """
import json, sys, time
t = time.perf_counter()
from pabutools.election import Cost_Sat, parse_pabulib
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
path, rule = sys.argv[1], sys.argv[2]
instance, profile = parse_pabulib(path)
if rule == "greedy":
    outcome = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
elif rule == "equal-shares":
    outcome = method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
else:
    outcome = method_of_equal_shares(
        instance, profile, sat_class=Cost_Sat, voter_budget_increment=1
    )
print(json.dumps({"seconds": time.perf_counter() - t, "selected": sorted(p.name for p in outcome)}))
"""


def measure(code: str, path: Path, rule: str) -> dict[str, object] | None:
    """Run one task in a fresh interpreter; None if it passed the time limit."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, str(path), rule],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=True,
            env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
        )
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"{rule} on {path.name} failed:\n{exc.stderr}") from None
    data: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return data


def largest_add1_instance() -> Path:
    index = json.loads((DATA / "index.json").read_text())
    add1 = [e for e in index if e["rule_declared_in_file"] == "equalshares/add1"]
    best = max(add1, key=lambda e: (e["num_votes"], e["num_projects"]))
    return DATA / best["instance_file"]


def main() -> None:
    lodz = DATA / "instances" / "Poland_Lodz_2022.pb"
    add1 = largest_add1_instance()
    tasks = [
        (lodz, "greedy"),
        (lodz, "equal-shares"),
        (lodz, "equal-shares-add1"),
        (add1, "equal-shares-add1"),
    ]
    print(f"{'instance':28} {'rule':20} {'ours s':>9} {'pabutools s':>12} {'ratio':>8}  same")
    for path, rule in tasks:
        runs = [measure(OURS, path, rule) for _ in range(3)]
        ours = statistics.median(float(r["seconds"]) for r in runs if r is not None)  # type: ignore[arg-type]
        peer = measure(PEER, path, rule)
        name = path.stem.replace("Poland_", "")
        if peer is None:
            peer_s, ratio, same = f"> {TIMEOUT}", f"> {TIMEOUT / ours:.0f}x", "-"
        else:
            seconds = float(peer["seconds"])  # type: ignore[arg-type]
            peer_s, ratio = f"{seconds:.2f}", f"{seconds / ours:.0f}x"
            same = "yes" if peer["selected"] == runs[0]["selected"] else "NO"  # type: ignore[index]
        print(f"{name:28} {rule:20} {ours:9.3f} {peer_s:>12} {ratio:>8}  {same}", flush=True)


if __name__ == "__main__":
    main()
