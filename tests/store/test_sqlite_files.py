"""SQLite files as bot/db.py opens them: WAL, a long busy timeout, readable by their owner only."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.db import _write_ahead_log, make_engine, prepare_sqlite
from bot.report.databases import connect

# Rasa's own engine waits 5 s by default; the writer here gives up far sooner, so that waiting
# behind the reader would fail the test at once rather than slowly.
WRITER_TIMEOUT = 0.2
# Only a bound for a test gone wrong: the events end every wait long before.
BOUND = 10


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, under which files are made readable by everyone unless asked not to."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def with_rows(path: Path, journal: str) -> None:
    """A database at `path` in `journal` mode, with enough rows for a read to stop midway."""
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA journal_mode={journal}")
    connection.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, data TEXT)")
    connection.executemany("INSERT INTO events (data) VALUES (?)", [("x",)] * 100)
    connection.commit()
    connection.close()


def write_while_reading(path: Path) -> BaseException | None:
    """A report's read holds its transaction open while a writer with a short timeout commits.

    The reader opens the file as the report does and stops after the first row, keeping its
    read transaction; it lets go only once the writer is done. What the writer raised, if any.
    """
    reading, written = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    def read() -> None:
        engine = connect(f"sqlite:///{path}", "tracker_db")
        try:
            with engine.connect() as connection:
                rows = connection.execute(text("SELECT id FROM events"))
                rows.fetchone()
                reading.set()
                written.wait(BOUND)
                rows.close()
        finally:
            engine.dispose()

    reader = threading.Thread(target=read)
    reader.start()
    assert reading.wait(BOUND)
    writer = sqlite3.connect(path, timeout=WRITER_TIMEOUT)
    try:
        writer.execute("INSERT INTO events (data) VALUES ('y')")
        writer.commit()
    except sqlite3.OperationalError as error:
        failure.append(error)
    finally:
        writer.close()
        written.set()
        reader.join(BOUND)
    return failure[0] if failure else None


def test_a_long_read_does_not_make_a_writer_fail_on_a_wal_database(tmp_path: Path) -> None:
    path = tmp_path / "rasa_tracker.db"
    prepare_sqlite(path)
    with_rows(path, "WAL")

    assert write_while_reading(path) is None

    with sqlite3.connect(path) as check:
        assert check.execute("SELECT count(*) FROM events").fetchone() == (101,)


def test_without_wal_the_same_read_locks_the_writer_out(tmp_path: Path) -> None:
    # Why the files are WAL: in SQLite's default mode a reader keeps every writer out.
    path = tmp_path / "old.db"
    with_rows(path, "DELETE")

    failure = write_while_reading(path)

    assert isinstance(failure, sqlite3.OperationalError)
    assert "locked" in str(failure)


def test_every_connection_of_an_engine_waits_for_writers_in_wal_mode(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'helpdesk.db'}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
            # FULL: a power cut must not undo a stored refresh token or a delivered mark.
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2
    finally:
        engine.dispose()


@pytest.mark.usefixtures("umask_022")
def test_a_database_the_engine_creates_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "var" / "helpdesk.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        assert mode(path) == 0o600
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (x INTEGER)"))
            connection.execute(text("INSERT INTO t VALUES (1)"))
            companions = [path.with_name(path.name + s) for s in ("-wal", "-shm")]
            assert [mode(companion) for companion in companions] == [0o600, 0o600]
    finally:
        engine.dispose()


@pytest.mark.usefixtures("umask_022")
def test_an_existing_database_readable_by_others_is_made_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "helpdesk.db"
    sqlite3.connect(path).close()
    path.chmod(0o644)
    make_engine(f"sqlite:///{path}").dispose()
    assert mode(path) == 0o600


@pytest.mark.usefixtures("umask_022")
def test_rasas_conversations_file_is_prepared_owner_only_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "rasa_tracker.db"
    prepare_sqlite(path)
    assert mode(path) == 0o600
    with sqlite3.connect(path) as check:
        assert check.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_read_only_engine_neither_creates_nor_writes(tmp_path: Path) -> None:
    missing = make_engine(f"sqlite:///{tmp_path / 'absent.db'}", read_only=True)
    with pytest.raises(Exception, match="unable to open"):
        missing.connect()
    missing.dispose()
    assert not (tmp_path / "absent.db").exists()
    path = tmp_path / "helpdesk.db"
    with_rows(path, "WAL")
    engine = make_engine(f"sqlite:///{path}", read_only=True)
    try:
        with engine.connect() as connection, pytest.raises(Exception, match="readonly"):
            connection.execute(text("DELETE FROM events"))
    finally:
        engine.dispose()


def test_rasas_tracker_store_as_configured_waits_30_seconds(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rasa.core.tracker_store import TrackerStore
    from rasa.utils.endpoints import read_endpoint_config

    path = tmp_path / "rasa_tracker.db"
    prepare_sqlite(path)
    endpoints = root / "endpoints.yml"
    # Rasa fills in every ${VARIABLE} of the file, those of the other endpoints too.
    for name in re.findall(r"\$\{(\w+)\}", endpoints.read_text(encoding="utf-8")):
        monkeypatch.setenv(name, "http://127.0.0.1:9" if name.endswith("URL") else "set")
    monkeypatch.setenv("RASA_TRACKER_DB", str(path))
    store = TrackerStore.create(read_endpoint_config(str(endpoints), "tracker_store"))
    try:
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        store.engine.dispose()


def test_a_new_file_another_process_is_writing_is_switched_to_wal_once_it_is_free(
    tmp_path: Path,
) -> None:
    # SQLite refuses the switch at once, without its busy timeout, while another connection
    # writes: two processes opening a new file together used to fail with "database is locked".
    path = tmp_path / "new.db"
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    writer.execute("CREATE TABLE t (x)")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO t VALUES (1)")
    attempts: list[str] = []
    tried_again = threading.Event()

    def traced(sql: str) -> None:
        attempts.extend([sql] if "=WAL" in sql else [])
        if len(attempts) == 2:
            tried_again.set()

    connection = sqlite3.connect(path, check_same_thread=False)
    connection.set_trace_callback(traced)
    errors: list[sqlite3.Error] = []

    def switch() -> None:
        try:
            _write_ahead_log(connection, None)
        except sqlite3.Error as error:
            errors.append(error)

    worker = threading.Thread(target=switch)
    worker.start()
    # Refused once and trying again: only then is the writer done.
    assert tried_again.wait(BOUND)
    writer.execute("COMMIT")
    worker.join(BOUND)

    assert errors == []
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    connection.close()
    writer.close()
