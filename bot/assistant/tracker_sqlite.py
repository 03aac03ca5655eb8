"""Rasa's conversations file on SQLite: a turn's commit without an fsync, on kept connections.

Why it exists: Rasa's SQL tracker store reads and commits each turn on the server's event loop,
so every conversation of the replica waits while it does (docs/benchmarks.md, "Many officials
at once"). Profiled, the turn spent most of that waiting on the file, not in SQL:
- SQLAlchemy 1.4 opens SQLite files without a pool: each of Rasa's sessions (two a turn)
  opened the file and closed it, and the close of the last connection checkpoints the
  write-ahead log into the file, syncs it and deletes the log, for the next commit to create
  again. Rasa's engine here keeps its connections in a pool (SQLAlchemy 2's default for files):
  the log stays, and is checkpointed as it grows.
- With SQLite's default `synchronous=FULL` each commit waits for an fsync of the log. In WAL
  mode `synchronous=NORMAL` syncs at checkpoints only: a power cut may lose the last turns
  committed before it, but never corrupts the file, and a crash of the process loses nothing
  (docs/deploy.md). `synchronous` belongs to a connection, not to the file: it is set on each.
Only this file: it is recognised by its path, and the assistant's store (bot/db.py), whose rows
must not be lost once acted on, keeps its own engine and FULL. Rasa makes its engine itself
(`SQLTrackerStore.__init__` calls `create_engine_kwargs`, which gives SQLite nothing), so both
changes are hooks installed in the `helpdesk rasa` process before Rasa starts.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

_INSTALLED: set[str] = set()


def install(path: Path) -> None:
    """Pool Rasa's connections to the SQLite file at `path`, in WAL with synchronous=NORMAL."""
    import rasa.core.tracker_store as stores
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    target = os.path.realpath(path)
    if target in _INSTALLED:
        return
    original = stores.create_engine_kwargs

    def engine_kwargs(url: Any) -> dict[str, Any]:
        found: dict[str, Any] = original(url)
        return {**found, **pooled(found)} if names(url, target) else found

    def connected(connection: Any, record: object) -> None:
        if isinstance(connection, sqlite3.Connection) and _opens(connection, target):
            relax(connection)

    stores.create_engine_kwargs = engine_kwargs
    event.listen(Engine, "connect", connected)
    _INSTALLED.add(target)


def pooled(kwargs: dict[str, Any]) -> dict[str, Any]:
    """`create_engine` arguments that keep a SQLite file's connections open between sessions."""
    from sqlalchemy.pool import QueuePool

    # The pool hands a connection to one user at a time, whichever thread it is on.
    arguments = {**kwargs.get("connect_args", {}), "check_same_thread": False}
    return {"poolclass": QueuePool, "connect_args": arguments}


def names(url: Any, target: str) -> bool:
    """Whether the SQLAlchemy `url` (text or URL) is the SQLite file at `target`."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    database = str(parsed.database or "")
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return False
    return os.path.realpath(database) == target


def relax(connection: sqlite3.Connection) -> None:
    """WAL (kept in the file: usually set already) and synchronous=NORMAL on `connection`."""
    (mode,) = connection.execute("PRAGMA journal_mode").fetchone()
    if str(mode).lower() != "wal":
        connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")


def _opens(connection: sqlite3.Connection, target: str) -> bool:
    """Whether `connection`'s main database is the file `target`."""
    for _seq, name, file in connection.execute("PRAGMA database_list"):
        if name == "main":
            return bool(file) and os.path.realpath(file) == target
    return False
