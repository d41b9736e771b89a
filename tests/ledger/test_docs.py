"""The stand-alone checker printed in docs/ledger.md agrees with Sovet."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from sovet.ledger.events import Entry
from sovet.ledger.heads import TreeHead, encode_head
from sovet.ledger.merkle import root

DOC = Path(__file__).resolve().parents[2] / "docs" / "ledger.md"


def _snippet() -> str:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Verify with nothing but the spec", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_documented_checker_agrees(
    tmp_path: Path,
    entries_of: Callable[[int], list[Entry]],
    heads_of: Callable[[list[Entry], list[int]], list[TreeHead]],
) -> None:
    snippet = _snippet()
    assert len([line for line in snippet.splitlines() if line.strip()]) <= 22
    assert "sovet" not in snippet
    script = tmp_path / "check.py"
    script.write_text(snippet, encoding="utf-8")
    entries = entries_of(37)
    log = tmp_path / "ledger.jsonl"
    log.write_bytes(b"".join(e.raw + b"\n" for e in entries))
    heads = tmp_path / "ledger.heads.jsonl"
    heads.write_bytes(b"".join(encode_head(h) + b"\n" for h in heads_of(entries, [5, 37])))
    done = subprocess.run(
        [sys.executable, str(script), str(log), str(heads)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == [root([e.leaf_hash for e in entries]).hex(), "37"]
    tampered = log.read_bytes().replace(b'"seq":20', b'"seq":21', 1)
    log.write_bytes(tampered)
    failed = subprocess.run(
        [sys.executable, str(script), str(log), str(heads)], capture_output=True, text=True
    )
    assert failed.returncode != 0
    assert "entry 21 (or 20) was changed" in failed.stderr
