"""The database: the log, its signed heads, the sealed ballot box and the projection.

``open_database(url)`` connects (SQLite by default; its file is made when missing),
brings the schema to the newest migration and returns a :class:`Database`. Every
change goes through :meth:`Database.writing`: one transaction in which the writer
first catches up with entries that other processes appended, then appends its own
entries (each applied to the in-memory state, which checks it), writes the changed
projection rows and a signed tree head, and commits. If anything fails, nothing is
written and the in-memory state is thrown away and rebuilt from the log.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Connection, Engine

from sovet.errors import InputError, LedgerError, SovetError, StorageError
from sovet.federation import Event, State, apply
from sovet.ledger.events import Entry, decode_entry, encode_entry
from sovet.ledger.heads import TreeHead, public_key_of, sign_head
from sovet.ledger.merkle import MerkleBuilder
from sovet.storage import schema
from sovet.storage.codec import dump_record

__all__ = ["Database", "Writer", "open_database", "utc_now"]

GENESIS = b"\x00" * 32


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _refuse_nul(
    _conn: Connection, _cursor: Any, _sql: str, parameters: Any, _ctx: Any, many: bool
) -> None:
    """No text goes into the database with a NUL character in it, on either backend
    (PostgreSQL cannot store one; SQLite would keep what PostgreSQL refuses)."""
    for row in parameters if many else [parameters]:
        for value in row.values() if isinstance(row, Mapping) else row or ():
            if isinstance(value, str) and "\x00" in value:
                raise InputError(f"{value[:40]!r}: text cannot hold the NUL character (\\x00)")


def _engine_for(url: str) -> Engine:
    engine = _dialect_engine(url)
    sa_event.listen(engine, "before_cursor_execute", _refuse_nul)
    return engine


def _dialect_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path.startswith("file:"):  # a URI filename, e.g. file:x.db?mode=ro&uri=true
            path = path.removeprefix("file:").split("?", 1)[0]
        if path and path != ":memory:":
            parent = Path(path).expanduser().resolve().parent
            if not parent.is_dir():
                raise StorageError(f"cannot create the database: no directory {parent}")
        engine = sa.create_engine(url, connect_args={"timeout": 60})

        @sa_event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=60000")
            cursor.close()

        @sa_event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            if conn.get_execution_options().get("sovet_write"):
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.exec_driver_sql("BEGIN")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = sa.create_engine(url, pool_pre_ping=True)

    @sa_event.listens_for(engine, "begin")
    def _serialise_writers(conn: Connection) -> None:
        # One ordered log: writers take the log's lock for the whole transaction.
        if conn.get_execution_options().get("sovet_write"):
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(1917)")

    return engine


def _migrate(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def open_database(url: str, *, migrate: bool = True) -> Database:
    """Connect to ``url`` and bring its schema up to date."""
    try:
        engine = _engine_for(url)
        if migrate:
            _migrate(engine)
    except sa.exc.SQLAlchemyError as exc:
        raise StorageError(f"cannot open the database {url}: {exc}") from None
    return Database(engine=engine, url=url)


@dataclass
class Database:
    """A connected database with the federation's state cached in memory."""

    engine: Engine
    url: str
    _state: State | None = None
    _group: _GroupCommit | None = field(default=None, repr=False)
    _signing_key: str | None = field(default=None, repr=False)
    _merkle: MerkleBuilder | None = None
    _last_hash: bytes = GENESIS
    clock: Callable[[], str] = utc_now

    # ---- reading -----------------------------------------------------------------

    @property
    def state(self) -> State:
        """The state as of the last entry this process has seen (caught up on access)."""
        with self.engine.connect() as conn:
            self._catch_up(conn)
        assert self._state is not None
        return self._state

    def _catch_up(self, conn: Connection) -> None:
        if self._state is None:
            self._state, self._merkle, self._last_hash = State(), MerkleBuilder(), GENESIS
        start = self._state.size
        rows = conn.execute(
            sa.select(schema.ledger.c.idx, schema.ledger.c.raw)
            .where(schema.ledger.c.idx >= start)
            .order_by(schema.ledger.c.idx)
        )
        for idx, raw in rows:
            entry = decode_entry(bytes(raw), expected_index=idx)
            self._apply_entry(entry)
        self._state.touched.clear()

    def _apply_entry(self, entry: Entry) -> None:
        assert self._state is not None and self._merkle is not None
        if entry.prev != self._last_hash.hex():
            raise LedgerError(f"entry {entry.index}: the hash chain is broken")
        apply(self._state, Event(entry.type, entry.at, entry.actor, entry.data))
        self._merkle.append(entry.leaf_hash)
        self._last_hash = entry.leaf_hash

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def forget(self) -> None:
        """Drop the cached state; the next access replays the log."""
        self._state, self._merkle, self._last_hash = None, None, GENESIS

    def size(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(sa.select(sa.func.count()).select_from(schema.ledger)).scalar_one()
            )

    def raw_entries(self, start: int = 0, stop: int | None = None) -> Iterator[bytes]:
        """The log's canonical entries, in order, read a page at a time (no cursor is
        left open if the caller stops early)."""
        page = 10_000
        position = start
        while stop is None or position < stop:
            end = position + page if stop is None else min(stop, position + page)
            with self.engine.connect() as conn:
                rows = conn.execute(
                    sa.select(schema.ledger.c.raw)
                    .where(schema.ledger.c.idx >= position, schema.ledger.c.idx < end)
                    .order_by(schema.ledger.c.idx)
                ).all()
            for (raw,) in rows:
                yield bytes(raw)
            if len(rows) < end - position:
                return
            position = end

    def leaf_hashes(self) -> list[bytes]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(schema.ledger.c.leaf_hash).order_by(schema.ledger.c.idx))
            return [bytes(h) for (h,) in rows]

    def heads(self) -> list[TreeHead]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(schema.heads).order_by(schema.heads.c.size))
            return [_head(r) for r in rows]

    def latest_head(self) -> TreeHead | None:
        with self.engine.connect() as conn:
            r = conn.execute(
                sa.select(schema.heads).order_by(schema.heads.c.size.desc()).limit(1)
            ).first()
        if r is None:
            return None
        return _head(r)

    def setting(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(schema.instance.c.value).where(schema.instance.c.key == key)
            ).scalar_one_or_none()

    def public_key(self) -> bytes | None:
        private = self.setting("signing_key")
        if private is None:
            return None
        return public_key_of(bytes.fromhex(private))

    def sealed_ballots(self, election: str) -> list[tuple[str, tuple[str, ...]]]:
        """The sealed ballots of one vote as (receipt, ranking), in receipt order."""
        with self.engine.connect() as conn:
            return self.sealed_ballots_in(conn, election)

    @staticmethod
    def sealed_ballots_in(conn: Connection, election: str) -> list[tuple[str, tuple[str, ...]]]:
        rows = conn.execute(
            sa.select(schema.ballot_box.c.receipt, schema.ballot_box.c.ranking)
            .where(schema.ballot_box.c.election == election)
            .order_by(schema.ballot_box.c.receipt)
        )
        return [(r, tuple(json.loads(k))) for r, k in rows]

    def projection_rows(self, kind: str) -> list[tuple[str, str]]:
        table = schema.PROJECTION[kind]
        with self.engine.connect() as conn:
            return [(i, d) for i, d in conn.execute(sa.select(table).order_by(table.c.id))]

    # ---- writing -----------------------------------------------------------------

    @contextmanager
    def writing(self, *, many: bool = False) -> Iterator[Writer]:
        """One transaction that appends exactly one entry (or, with ``many``, several).

        Inside :meth:`grouped`, an action's ``writing()`` joins the group's transaction.
        """
        group = self._group
        if group is not None and group.leader == threading.get_ident():
            assert group.writer is not None
            yield group.writer
            return
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(sovet_write=True)
                with conn.begin():
                    self._catch_up(conn)
                    assert self._state is not None
                    writer = Writer(db=self, conn=conn, state=self._state)
                    try:
                        yield writer
                        if not writer.entries and writer.entries_optional:
                            return  # a group whose every action was refused
                        if not writer.entries:
                            raise LedgerError("an action must append one ledger entry")
                        if len(writer.entries) > 1 and not many:
                            raise LedgerError("an action appends exactly one ledger entry")
                        writer.flush()
                    except BaseException:
                        self.forget()
                        raise
        except sa.exc.OperationalError as exc:
            self.forget()
            raise StorageError(f"the database could not be written: {exc.orig}") from None

    def grouped(self, action: Callable[..., T], kwargs: dict[str, Any], *, lock: Any = None) -> T:
        """Run ``action(self, **kwargs)`` with group commit, for servers.

        Actions that threads submit while a transaction is being committed wait, and the
        next of them to run takes all that are waiting into ONE transaction: each is
        still checked by its rules and appends its own entry, a refused one gets its
        own error and writes nothing, and none is acknowledged before the commit.
        One fsync then serves many actions. ``lock`` (held while the batch runs) keeps
        readers of the in-memory state out while it changes.
        """
        with _GROUP_SETUP:
            if self._group is None:
                self._group = _GroupCommit()
        return self._group.submit(self, action, kwargs, lock)

    def initialise(self, *, signing_key: bytes | None = None) -> bytes:
        """Store a new Ed25519 signing key for this instance; returns its public key."""
        if self.setting("signing_key") is not None:
            raise InputError(f"{self.url} is already initialised")
        key = signing_key or secrets.token_bytes(32)
        with self.engine.begin() as conn:
            conn.execute(sa.insert(schema.instance).values(key="signing_key", value=key.hex()))
        public = self.public_key()
        assert public is not None
        return public


T = TypeVar("T")
_GROUP_SETUP = threading.Lock()


@dataclass
class _Pending:
    action: Callable[..., Any]
    kwargs: dict[str, Any]
    done: bool = False
    value: Any = None
    error: BaseException | None = None


class _GroupCommit:
    """Group commit: one transaction for the actions waiting at the same moment."""

    def __init__(self) -> None:
        self.queue: list[_Pending] = []
        self.queue_lock = threading.Lock()
        self.commit_lock = threading.Lock()
        self.leader: int | None = None
        self.writer: Writer | None = None

    def submit(
        self, db: Database, action: Callable[..., T], kwargs: dict[str, Any], lock: Any
    ) -> T:
        item = _Pending(action, kwargs)
        with self.queue_lock:
            self.queue.append(item)
        with self.commit_lock:
            if not item.done:
                with self.queue_lock:
                    batch, self.queue = self.queue, []
                with lock if lock is not None else _nothing():
                    self._run(db, batch)
        if item.error is not None:
            raise item.error
        return item.value  # type: ignore[no-any-return]

    def _run(self, db: Database, batch: list[_Pending]) -> None:
        try:
            self._run_together(db, batch)
        except BaseException:
            # the shared transaction failed as a whole: run each on its own instead
            for item in batch:
                try:
                    item.value, item.error = item.action(db, **item.kwargs), None
                except BaseException as exc:
                    item.error = exc
        for item in batch:
            item.done = True

    def _run_together(self, db: Database, batch: list[_Pending]) -> None:
        try:
            with db.writing(many=True) as writer:
                self.leader, self.writer = threading.get_ident(), writer
                for item in batch:
                    entries, ballots = len(writer.entries), len(writer.ballots)
                    try:
                        item.value = item.action(db, **item.kwargs)
                    except SovetError as exc:
                        if len(writer.entries) != entries:
                            raise  # it wrote before failing: the batch cannot keep it
                        del writer.ballots[ballots:]
                        item.error = exc
                        continue
                    if len(writer.entries) != entries + 1:
                        raise LedgerError("an action appends exactly one ledger entry")
                if not writer.entries:
                    writer.entries_optional = True
        finally:
            self.leader, self.writer = None, None


@contextmanager
def _nothing() -> Iterator[None]:
    yield


@dataclass
class Writer:
    """The open write transaction of one action."""

    db: Database
    conn: Connection
    state: State
    entries: list[Entry] = field(default_factory=list)
    ballots: list[dict[str, str]] = field(default_factory=list)
    entries_optional: bool = False

    def append(
        self, type: str, actor: str | None, data: dict[str, Any], *, at: str | None = None
    ) -> Entry:
        """Append one event: encode it, fold it into the state (which checks it), keep it."""
        db = self.db
        entry = encode_entry(
            index=self.state.size,
            prev=db._last_hash.hex(),
            at=at or db.clock(),
            type=type,
            actor=actor,
            data=data,
        )
        db._apply_entry(entry)
        self.entries.append(entry)
        return entry

    def head(self) -> tuple[int, bytes]:
        """The log's size and Merkle root now, before the next entry: the head that
        seals a vote's ballots when the vote closes (the seed of its lot)."""
        merkle = self.db._merkle
        assert merkle is not None
        return self.state.size, merkle.root()

    def seal_ballot(self, election: str, ranking: Sequence[str]) -> str:
        """Put a secret ballot in the box under a fresh random receipt; returns the receipt."""
        receipt = secrets.token_hex(16)
        self.ballots.append(
            {"receipt": receipt, "election": election, "ranking": json.dumps(list(ranking))}
        )
        return receipt

    def flush(self) -> None:
        conn, state = self.conn, self.state
        conn.exec_driver_sql(
            _insert_sql(conn, "ledger", ("idx", "leaf_hash", "type", "at", "raw")),
            [(e.index, e.leaf_hash, e.type, e.at, e.raw) for e in self.entries],
        )
        if self.ballots:
            conn.execute(sa.insert(schema.ballot_box), self.ballots)
        write_projection(conn, state, state.touched)
        state.touched.clear()
        self._sign_head()

    def _sign_head(self) -> None:
        private = self.db._signing_key
        if private is None:  # read once per process: the key never changes
            private = self.conn.execute(
                sa.select(schema.instance.c.value).where(schema.instance.c.key == "signing_key")
            ).scalar_one_or_none()
            if private is None:
                raise StorageError("this database has no signing key; run `sovet init`")
            self.db._signing_key = private
        merkle = self.db._merkle
        assert merkle is not None
        head = sign_head(
            bytes.fromhex(private), self.state.size, merkle.root(), self.entries[-1].at
        )
        self.conn.execute(
            sa.insert(schema.heads).values(
                size=head.size,
                root=head.root,
                timestamp=head.timestamp,
                signature=head.signature,
                key_id=head.key_id,
            )
        )


def _head(row: Any) -> TreeHead:
    """A signed tree head from its row."""
    return TreeHead(
        size=int(row.size),
        root=bytes(row.root),
        timestamp=row.timestamp,
        signature=bytes(row.signature),
        key_id=row.key_id,
    )


def _insert_sql(
    conn: Connection, table: str, columns: tuple[str, ...], upsert: bool = False
) -> str:
    """A plain INSERT for executemany in the driver's own parameter style."""
    style = conn.dialect.paramstyle
    marks = ", ".join("?" if style == "qmark" else "%s" for _ in columns)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
    if upsert:  # the same syntax on SQLite >= 3.24 and PostgreSQL
        sql += f" ON CONFLICT ({columns[0]}) DO UPDATE SET " + ", ".join(
            f"{c} = excluded.{c}" for c in columns[1:]
        )
    return sql


def write_projection(conn: Connection, state: State, touched: set[tuple[str, str]]) -> None:
    """Write the changed records of ``state`` into the projection tables."""
    by_kind: dict[str, list[str]] = {}
    for kind, record_id in touched:
        by_kind.setdefault(kind, []).append(record_id)
    for kind, ids in by_kind.items():
        source: dict[str, Any] = (
            {"constitution": state.constitution} if kind == "federation" else getattr(state, kind)
        )
        rows = [(i, dump_record(source[i])) for i in ids if i in source]
        if rows:
            conn.exec_driver_sql(_insert_sql(conn, f"p_{kind}", ("id", "data"), upsert=True), rows)
