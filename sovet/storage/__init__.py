"""Storage: the log, its heads and the projection in SQLite or PostgreSQL.

Dialect details stay in this package; everything else calls :func:`open_database`.
"""

from __future__ import annotations

from sovet.storage.database import Database, Writer, open_database, utc_now

__all__ = ["Database", "Writer", "open_database", "utc_now"]
