"""Engines and Alembic upgrades shared by the assistant's store and the built-in desk.

Why SQLite files are opened this way:
- WAL (write-ahead log): readers never block writers nor writers readers, so a report reading
  for seconds does not make a process writing a conversation fail with "database is locked".
  The mode is a property of the file: set once, it stays, whoever opens the file next (Rasa's
  own tracker store among them).
- `synchronous` stays FULL (SQLite's default): NORMAL with WAL may lose the last commits on a
  power cut, and some rows must not be lost once acted on: Zalo's refresh token works once, and
  an escalation marked delivered is not delivered again.
- The file and its -wal and -shm companions are readable by their owner only (SQLite gives
  the companions the database file's permissions): they hold phone numbers and conversations.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url

# How long a SQLite connection waits for another writer before failing, in seconds.
BUSY_TIMEOUT = 30
_OWNER_ONLY = 0o600
_COMPANIONS = ("", "-wal", "-shm", "-journal")
_MEMORY = (None, "", ":memory:")


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """An engine for the URL; a SQLite file is created (owner-only) with its folder if needed.

    Parameters are hidden from error messages, which may be logged: they hold phone numbers.
    SQLite waits up to BUSY_TIMEOUT for a concurrent writer instead of failing at once. With
    `read_only`, a SQLite file is opened read-only (`mode=ro`) and neither created nor changed.
    """
    parsed = make_url(url)
    options: dict[str, Any] = {}
    sqlite = parsed.get_backend_name() == "sqlite"
    # A file by name; not one given as a URI (`file:...?mode=...`), which SQLite opens as told.
    named = (
        sqlite and parsed.database not in _MEMORY and not str(parsed.database).startswith("file:")
    )
    file = Path(str(parsed.database)) if named else None
    if sqlite:
        options["connect_args"] = {"timeout": BUSY_TIMEOUT}
    if file is not None and read_only:
        address = f"{file.absolute().as_uri()}?mode=ro"
        options["creator"] = lambda: sqlite3.connect(
            address, uri=True, timeout=BUSY_TIMEOUT, check_same_thread=False
        )
    elif file is not None:
        _create_owner_only(file)
    engine = create_engine(url, future=True, pool_pre_ping=True, hide_parameters=True, **options)
    if file is not None and not read_only:
        event.listen(engine, "connect", _write_ahead_log)
    return engine


def holds_conversations(database_url: str | None) -> bool:
    """Whether Rasa keeps its conversations in the store at `database_url`: on PostgreSQL it
    does (bot/assistant/rasa_endpoints.py), on SQLite they have a file of their own."""
    return bool(database_url) and make_url(str(database_url)).get_backend_name() == "postgresql"


def prepare_sqlite(path: Path) -> None:
    """Create the SQLite file at `path` (owner-only) and switch it to WAL now.

    For a database another program opens with an engine of its own, as Rasa's tracker store
    does: the file keeps the mode, so that program's connections use WAL too.
    """
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect():
            pass
    finally:
        engine.dispose()


def upgrade(url: str, migrations: Path) -> None:
    """Run the Alembic migrations in `migrations` on the database at `url` up to head."""
    make_engine(url).dispose()  # creates the SQLite folder and file
    config = Config()
    config.set_main_option("script_location", str(migrations))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(config, "head")


def _create_owner_only(path: Path) -> None:
    """Create the file for its owner only, and take others' access off an existing one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Created with the mode at once: a chmod afterwards would leave a moment others could open it.
    os.close(os.open(path, os.O_RDONLY | os.O_CREAT, _OWNER_ONLY))
    for suffix in _COMPANIONS:
        companion = path.with_name(path.name + suffix)
        try:
            if companion.stat().st_mode & 0o077:
                companion.chmod(_OWNER_ONLY)
        except (FileNotFoundError, PermissionError):
            continue  # gone meanwhile, or another account's file: SQLite says what it can't do


def _write_ahead_log(connection: sqlite3.Connection, record: object) -> None:
    """Switch the database to WAL unless it is already (the mode is kept in the file).

    Two processes opening a new file at once may both try the switch; SQLite then refuses one
    at once ("database is locked") without waiting, so the loser waits here and looks again:
    by then the other has usually switched the file for both.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT
    pause = 0.01
    cursor = connection.cursor()
    try:
        while True:
            try:
                (mode,) = cursor.execute("PRAGMA journal_mode").fetchone()
                if str(mode).lower() != "wal":
                    cursor.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)
    finally:
        cursor.close()
