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
from sovet.ledger import MerkleLevels, leaf_hash
from sovet.storage import Database

__all__ = ["Store", "store_of"]

T = TypeVar("T")


class Store:
    """A database shared by the request threads of one process."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.lock = threading.RLock()
        self._tree = MerkleLevels()
        self._tree_lock = threading.Lock()

    def tree(self) -> tuple[MerkleLevels, int]:
        """The log's Merkle tree (RFC 6962) and its size now.

        The tree keeps every full subtree's hash in memory and is extended with the
        entries appended since the last call (their leaf hashes computed from the
        entries themselves), so a proof or a root costs O(log n) hashes, not a pass
        over the log. It only grows: a proof for the returned size reads nothing that a
        later append changes.
        """
        with self._tree_lock:
            tree = self._tree
            for raw in self.db.raw_entries(tree.size):  # one indexed query when nothing is new
                tree.append(leaf_hash(raw))
            return tree, tree.size

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
