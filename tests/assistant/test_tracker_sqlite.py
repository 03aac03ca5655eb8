"""Rasa's conversations file commits without an fsync per turn; no other SQLite file changes."""

from __future__ import annotations

from pathlib import Path

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text

from bot.assistant import tracker_sqlite
from bot.db import make_engine

NORMAL, FULL = 1, 2


def _pragmas(url: str) -> tuple[str, int]:
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as connection:
            mode = connection.execute(text("PRAGMA journal_mode")).scalar_one()
            synchronous = connection.execute(text("PRAGMA synchronous")).scalar_one()
    finally:
        engine.dispose()
    return str(mode), int(synchronous)


def test_the_conversations_file_is_opened_in_wal_with_normal_sync(tmp_path: Path) -> None:
    tracker_sqlite.install(tmp_path / "rasa_tracker.db")
    assert _pragmas(f"sqlite:///{tmp_path / 'rasa_tracker.db'}") == ("wal", NORMAL)


def test_another_sqlite_file_keeps_full_sync(tmp_path: Path) -> None:
    tracker_sqlite.install(tmp_path / "rasa_tracker.db")
    assert _pragmas(f"sqlite:///{tmp_path / 'other.db'}")[1] == FULL


def test_the_assistant_s_store_stays_full_beside_the_conversations(tmp_path: Path) -> None:
    tracker_sqlite.install(tmp_path / "rasa_tracker.db")
    engine = make_engine(f"sqlite:///{tmp_path / 'helpdesk.db'}")
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA synchronous")).scalar_one() == FULL
    finally:
        engine.dispose()


async def test_rasa_s_tracker_store_on_the_file_saves_and_reads_back(tmp_path: Path) -> None:
    tracker_sqlite.install(tmp_path / "rasa_tracker.db")
    store = SQLTrackerStore(Domain.empty(), db=str(tmp_path / "rasa_tracker.db"))
    tracker = DialogueStateTracker("can-bo-1", [])
    tracker.update(UserUttered("quên mật khẩu"))
    await store.save(tracker)
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA synchronous")).scalar_one() == NORMAL
    found = await store.retrieve("can-bo-1")
    assert found is not None and found.latest_message is not None
    assert found.latest_message.text == "quên mật khẩu"


async def test_rasa_s_store_keeps_its_connection_and_the_log_between_turns(tmp_path: Path) -> None:
    path = tmp_path / "rasa_tracker.db"
    tracker_sqlite.install(path)
    store = SQLTrackerStore(Domain.empty(), db=str(path))
    tracker = DialogueStateTracker("can-bo-2", [])
    tracker.update(UserUttered("xin chào"))
    await store.save(tracker)
    # Unpooled, closing the session's connection, the last one, checkpointed and deleted it.
    assert (tmp_path / "rasa_tracker.db-wal").exists()
    assert store.engine.pool.checkedin() == 1
