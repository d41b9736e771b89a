"""docs/cli.md is the commands' own --help, kept up to date."""

from __future__ import annotations

from pathlib import Path

from sovet.cli.reference import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_cli_reference_is_up_to_date() -> None:
    expected = render()
    assert "## `sovet status`" in expected and "Example" in expected
    assert DOC.read_text(encoding="utf-8") == expected, (
        "docs/cli.md is stale: run `python -m sovet.cli.reference docs/cli.md`"
    )
