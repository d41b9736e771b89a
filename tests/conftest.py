"""Shared fixtures: an isolated environment and the path to the shared real data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


def _driver_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def _schema_of(url: str) -> str:
    return url.rsplit("search_path%3D", 1)[1]


class PostgresCopy:
    """A PostgreSQL schema made again, for each test, as a copy of a template schema.

    The template holds a federation built once; the working schema has the same tables,
    migrated once. :meth:`fresh` empties the working schema and copies the template's
    rows into it (tens of milliseconds, where migrating a new schema takes half a second),
    after making sure that nothing the previous test opened is still connected to it.
    Connections to the working schema carry its name as their ``application_name``, so
    one left open (a leaked engine, connection or cursor) is seen by the server, not
    only at garbage collection.
    """

    def __init__(self, template_url: str, tmp_path: Path) -> None:
        import sqlalchemy as sa

        from sovet.storage import open_database

        self.template = _schema_of(template_url)
        url = fresh_database_url("postgres", tmp_path)
        self.work = _schema_of(url)
        self.url = f"{url}&application_name={self.work}"
        open_database(self.url).close()  # migrated once
        self.admin = sa.create_engine(_driver_url(os.environ["SOVET_TEST_POSTGRES_URL"]))
        meta = sa.MetaData()
        meta.reflect(bind=self.admin, schema=self.template)
        # in the order of their foreign keys, so that each row finds what it refers to
        self.tables = [t.name for t in meta.sorted_tables if t.name != "alembic_version"]
        self.serials = [
            (t.name, c.name)
            for t in meta.sorted_tables
            for c in t.columns
            if c.server_default is not None and "nextval(" in str(c.server_default.arg)
        ]

    def connected(self) -> list[str]:
        """What is still connected to the working schema (state and last query)."""
        import time

        deadline = time.monotonic() + 2  # a closed connection's backend ends soon after
        while True:
            with self.admin.connect() as conn:
                rows = conn.exec_driver_sql(
                    "SELECT state || ': ' || query FROM pg_stat_activity"
                    " WHERE application_name = %s",
                    (self.work,),
                ).all()
            if not rows or time.monotonic() > deadline:
                return [r for (r,) in rows]
            time.sleep(0.02)

    def fresh(self) -> str:
        """Refill the working schema from the template; returns its URL."""
        left = self.connected()
        assert not left, f"connections left open by the previous test: {left}"
        work, template = self.work, self.template
        with self.admin.begin() as conn:
            conn.exec_driver_sql("SET LOCAL lock_timeout = '10s'")
            # throwaway rows: no wait for the disk (TRUNCATE, which makes new files for
            # every table and syncs them, costs twenty times as much on tables this small)
            conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
            for t in reversed(self.tables):
                conn.exec_driver_sql(f"DELETE FROM {work}.{t}")
            for t in self.tables:
                conn.exec_driver_sql(f"INSERT INTO {work}.{t} SELECT * FROM {template}.{t}")
            for t, column in self.serials:  # the next id follows the copied rows
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{work}.{t}', '{column}'),"
                    f" COALESCE((SELECT max({column}) FROM {work}.{t}), 0) + 1, false)"
                )
        return self.url

    def close(self) -> None:
        """Check that the last test left nothing connected, and let go of the server."""
        left = self.connected()
        self.admin.dispose()
        assert not left, f"connections left open by the last test: {left}"


@pytest.fixture(scope="session", autouse=True)
def _drop_test_schemas() -> Iterator[None]:
    """Drop the PostgreSQL schemas the tests made."""
    yield
    if not _SCHEMAS:
        return
    import sqlalchemy as sa

    base = os.environ["SOVET_TEST_POSTGRES_URL"]
    engine = sa.create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1))
    for schema in _SCHEMAS:  # one transaction each: together they outgrow the lock table
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    engine.dispose()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real elections, budgets and vectors beside the project (never edited)."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"real data missing: {SHARED_DATA} (clone with ../shared beside it)")
    return SHARED_DATA


def elect_convenor(db: Any, body: str, convenor: str) -> None:
    """``convenor`` becomes the sole convenor of ``body`` (a body that has none yet) by an
    office election in which they are the only candidate and cast the only ballot."""
    from .elections import open_vote

    e = open_vote(
        db, body, body, [convenor], convenor=convenor, purpose="office", office="convenor"
    )
    assert convenor in e.elected  # unopposed: no more candidates than seats
