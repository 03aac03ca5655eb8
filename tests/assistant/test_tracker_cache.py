"""A Rasa replica keeps the conversations it saved, and reads one back only when it changed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event, text

from bot.assistant import tracker_cache
from tests.support.databases import empty_postgres_schema_url

OpenStore = Callable[[], SQLTrackerStore]


@pytest.fixture(params=["sqlite", "postgresql"])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OpenStore]:
    """Rasa's SQL tracker store on one database, as each replica opens it: SQLite, PostgreSQL."""
    tracker_cache.install()
    if request.param == "sqlite":
        path = tmp_path / "rasa_tracker.db"
        yield lambda: SQLTrackerStore(Domain.empty(), db=str(path))
        return
    schemas = empty_postgres_schema_url()
    url = next(schemas)
    opened: list[SQLTrackerStore] = []

    def on_postgres() -> SQLTrackerStore:
        opened.append(SQLTrackerStore(Domain.empty(), host=url))
        return opened[-1]

    yield on_postgres
    for store in opened:
        store.engine.dispose()
    next(schemas, None)


@pytest.fixture
def store(open_store: OpenStore) -> SQLTrackerStore:
    return open_store()


@pytest.fixture
def reads(store: SQLTrackerStore) -> Iterator[list[str]]:
    """The statements that read a conversation's session: its events, or their count."""
    seen: list[str] = []

    def executed(*args: Any) -> None:
        statement = str(args[2])
        if "events.data" in statement and statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", executed)
    yield seen
    event.remove(store.engine, "before_cursor_execute", executed)


def turn(*trackers: DialogueStateTracker, said: str) -> None:
    """One turn's events, the same ones added to each of `trackers`."""
    events = [
        UserUttered(said),
        ActionExecuted("action_answer_article"),
        BotUttered(f"trả lời: {said}"),
        ActionExecuted("action_listen"),
    ]
    for tracker in trackers:
        for happened in events:
            tracker.update(happened)


async def saved(store: SQLTrackerStore, sender: str) -> DialogueStateTracker:
    """A new conversation of one turn, saved (Rasa counts what is stored: nothing yet)."""
    tracker = DialogueStateTracker(sender, [])
    turn(tracker, said="quên mật khẩu")
    await store.save(tracker)
    return tracker


def stored_rows(store: SQLTrackerStore, sender: str) -> list[tuple[Any, ...]]:
    """A conversation's rows as stored, but for their id and sender."""
    columns = "type_name, timestamp, intent_name, action_name, data"
    with store.engine.connect() as connection:
        rows = connection.execute(
            text(f"SELECT {columns} FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
        )
        return [tuple(r) for r in rows]


async def test_a_conversation_saved_here_comes_back_without_reading_its_events(
    store: SQLTrackerStore, reads: list[str]
) -> None:
    tracker = await saved(store, "can-bo-1")
    reads.clear()
    found = await store.retrieve("can-bo-1")
    turn(found, said="còn đổi mật khẩu")
    await store.save(found)
    assert found is tracker
    assert reads == []


async def test_each_turn_stores_only_its_new_events_as_rasa_does(
    store: SQLTrackerStore,
) -> None:
    # The same events, saved turn by turn here, and by Rasa's own save at once (a tracker
    # never read nor saved has nothing stored, and is saved as Rasa saves it).
    by_rasa = DialogueStateTracker("can-bo-2-rasa", [])
    for message in ("xin chào", "quên mật khẩu", "cảm ơn"):
        found = await store.retrieve("can-bo-2") or DialogueStateTracker("can-bo-2", [])
        turn(found, by_rasa, said=message)
        await store.save(found)
    await store.save(by_rasa)
    assert len(stored_rows(store, "can-bo-2")) == 12
    assert stored_rows(store, "can-bo-2") == stored_rows(store, "can-bo-2-rasa")


async def test_a_conversation_another_replica_wrote_to_is_read_from_the_database(
    store: SQLTrackerStore, open_store: OpenStore, reads: list[str]
) -> None:
    tracker = await saved(store, "can-bo-3")
    reads.clear()
    other = open_store()
    theirs = await other.retrieve("can-bo-3")
    assert theirs is not None
    turn(theirs, said="còn đổi mật khẩu thì sao")
    await other.save(theirs)
    reads.clear()
    found = await store.retrieve("can-bo-3")
    assert found is not tracker and found is not None
    assert found.latest_message is not None
    assert found.latest_message.text == "còn đổi mật khẩu thì sao"
    assert len(reads) == 1
    # What was read knows what is stored: the next turn adds its own rows only.
    turn(found, said="cảm ơn")
    await store.save(found)
    assert len(stored_rows(store, "can-bo-3")) == 12
    assert len(reads) == 1


async def test_events_added_but_not_saved_are_never_served(
    store: SQLTrackerStore, reads: list[str]
) -> None:
    tracker = await saved(store, "can-bo-4")
    reads.clear()
    # A turn that failed after changing the tracker it was given: it never saved it.
    given = await store.retrieve("can-bo-4")
    assert given is tracker
    turn(tracker, said="tin nhắn của lượt hỏng")
    found = await store.retrieve("can-bo-4")
    assert found is not tracker and found is not None
    assert len(found.events) == 4
    assert len(reads) == 1


async def test_a_new_domain_after_a_model_swap_reads_the_conversation_again(
    store: SQLTrackerStore, reads: list[str]
) -> None:
    tracker = await saved(store, "can-bo-5")
    reads.clear()
    store.domain = Domain.from_dict({"intents": ["greet"]})
    found = await store.retrieve("can-bo-5")
    assert found is not tracker and found is not None
    assert len(reads) == 1


async def test_a_replica_keeps_at_most_its_share_of_conversations(
    store: SQLTrackerStore, monkeypatch: pytest.MonkeyPatch, reads: list[str]
) -> None:
    monkeypatch.setattr(tracker_cache, "KEEP", 2)
    for number in range(3):
        await saved(store, f"can-bo-6-{number}")
    reads.clear()
    await store.retrieve("can-bo-6-0")
    assert len(reads) == 1
    await store.retrieve("can-bo-6-2")
    assert len(reads) == 1


async def test_after_a_new_session_the_next_turn_reads_only_that_session(
    store: SQLTrackerStore, reads: list[str]
) -> None:
    tracker = await saved(store, "can-bo-7")
    given = await store.retrieve("can-bo-7")
    assert given is tracker
    # The session expired: Rasa starts a new one on the tracker it was given.
    for happened in (ActionExecuted("action_session_start"), SessionStarted()):
        tracker.update(happened)
    turn(tracker, said="chào buổi sáng")
    await store.save(tracker)
    reads.clear()
    found = await store.retrieve("can-bo-7")
    assert found is not tracker and found is not None
    assert len(found.events) == 5  # the new session's: its start, then the turn
    assert len(reads) == 1
