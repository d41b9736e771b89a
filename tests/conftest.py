"""Shared fixtures: an isolated environment and the path to the shared real data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _isolated_environ(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test sees or leaks SOVET_* settings from the machine."""
    for key in list(os.environ):
        if key.startswith("SOVET_") and key != "SOVET_TEST_POSTGRES_URL":
            monkeypatch.delenv(key)
    yield


BACKENDS = ["sqlite"] + (["postgres"] if os.environ.get("SOVET_TEST_POSTGRES_URL") else [])


def fresh_database_url(backend: str, tmp_path: Path) -> str:
    """A URL of an empty database: a new SQLite file, or a new PostgreSQL schema."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'sovet.db'}"
    import uuid

    import sqlalchemy as sa

    base = os.environ["SOVET_TEST_POSTGRES_URL"]
    driver_url = base.replace("postgresql://", "postgresql+psycopg://", 1)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(driver_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    engine.dispose()
    _SCHEMAS.append(schema)
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}options=-csearch_path%3D{schema}"


_SCHEMAS: list[str] = []


@pytest.fixture(scope="session", autouse=True)
def _drop_test_schemas() -> Iterator[None]:
    """Drop the PostgreSQL schemas the tests made."""
    yield
    if not _SCHEMAS:
        return
    import sqlalchemy as sa

    base = os.environ["SOVET_TEST_POSTGRES_URL"]
    engine = sa.create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        for schema in _SCHEMAS:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    engine.dispose()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real elections, budgets and vectors beside the project (never edited)."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"real data missing: {SHARED_DATA} (clone with ../shared beside it)")
    return SHARED_DATA
