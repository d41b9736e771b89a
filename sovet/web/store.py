"""The web's hold on the database: one lock around the in-memory state.

The :class:`~sovet.storage.Database` keeps the federation's state in memory and
catches up from the log on access; handlers run in a thread pool, so every read of
the state and every action runs under one lock, and a handler builds its whole
answer while it holds it (records are frozen, the dicts that hold them are not).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from fastapi import Request

from sovet.federation import State
from sovet.ledger import leaf_hash
from sovet.storage import Database

__all__ = ["Store", "store_of"]

T = TypeVar("T")


class Store:
    """A database shared by the request threads of one process."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.lock = threading.RLock()
        self._leaves: list[bytes] = []
        self._leaves_lock = threading.Lock()

    def leaf_hashes(self) -> list[bytes]:
        """The log's leaf hashes (RFC 6962), kept in memory and extended with the entries
        appended since the last call; a copy, so that proofs see one fixed tree."""
        with self._leaves_lock:
            for raw in self.db.raw_entries(len(self._leaves)):
                self._leaves.append(leaf_hash(raw))
            return list(self._leaves)

    @contextmanager
    def read(self) -> Iterator[State]:
        """The state, caught up with the log, held still while the caller reads it."""
        with self.lock:
            yield self.db.state

    def act(self, action: Callable[..., T], /, **kwargs: Any) -> T:
        """Run one action (which checks its rule and appends one ledger entry).

        Actions that arrive while another transaction commits are committed together
        (group commit): one fsync serves them all, each still checked and logged on its
        own, none acknowledged before the commit.
        """
        return self.db.grouped(action, kwargs, lock=self.lock)


def store_of(request: Request) -> Store:
    store = request.app.state.store
    assert isinstance(store, Store)
    return store
