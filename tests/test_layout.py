"""The import direction of STYLE.md, and a complete public API."""

from __future__ import annotations

import ast
from pathlib import Path

import sovet

PACKAGE = Path(sovet.__file__).parent
CORE = {"model", "rules", "constitution", "federation", "counting", "ledger", "planning", "errors"}
NUMERIC = {"numpy", "scipy", "highspy"}
# Which top-level sovet modules each layer may import.
ALLOWED = {
    "core": CORE,
    "storage": CORE | {"storage", "settings"},
    "actions": CORE | {"storage", "actions", "settings"},
    "web": CORE | {"storage", "actions", "settings", "web"},
    "demo": CORE | {"storage", "actions", "demo"},
    "cli": CORE | {"storage", "actions", "settings", "cli", "demo"},
}


def layer_of(path: Path) -> str:
    top = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    if top in CORE:
        return "core"
    return top


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_layers_import_only_downward() -> None:
    bad = []
    for path in PACKAGE.rglob("*.py"):
        layer = layer_of(path)
        if layer not in ALLOWED:
            continue
        for name in imports_of(path):
            parts = name.split(".")
            if parts[0] == "sovet" and len(parts) > 1:
                if parts[1] not in ALLOWED[layer]:
                    bad.append(f"{path.relative_to(PACKAGE)} imports {name}")
            elif layer == "core" and parts[0] in {"sqlalchemy", "click", "fastapi", "httpx"}:
                bad.append(f"{path.relative_to(PACKAGE)} (core) imports {name}")
    assert bad == []


def test_core_does_no_io_imports() -> None:
    forbidden = {"sqlalchemy", "click", "rich", "socket", "urllib", "subprocess", "fastapi"}
    bad = []
    for path in PACKAGE.rglob("*.py"):
        if layer_of(path) != "core":
            continue
        for name in imports_of(path):
            if name.split(".")[0] in forbidden:
                bad.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert bad == []


def test_public_api_is_complete() -> None:
    for name in sovet.__all__:
        assert hasattr(sovet, name), name
    exported_errors = {n for n in sovet.__all__ if n[0].isupper()}
    from sovet import errors

    assert set(errors.__all__) <= exported_errors
