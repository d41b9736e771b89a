"""Every example in the package's docstrings runs and prints what it shows."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

import sovet

PACKAGE = Path(sovet.__file__).parent
# Modules that act on import: alembic's env.py runs a migration, __main__ runs the CLI.
SKIP = {"sovet.storage.migrations.env", "sovet.__main__"}
MODULES = sorted(
    name
    for name in (
        ".".join(("sovet", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(
            ".__init__"
        )
        for path in PACKAGE.rglob("*.py")
        if "versions" not in path.parts
    )
    if name not in SKIP
)


def test_the_package_has_examples() -> None:
    examples = sum(
        len(t.examples)
        for m in MODULES
        for t in doctest.DocTestFinder().find(importlib.import_module(m))
    )
    assert examples > 100  # the walk found the package, not an empty folder


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
