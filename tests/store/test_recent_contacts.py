"""The gateway's contacts: one write a minute per official, never a stale read of its own."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from bot.store.contacts import Contacts, Reach
from bot.store.database import make_engine
from bot.store.recent_contacts import WRITE_EVERY_SECONDS, RecentContacts
from tests.support.databases import migrated_store_url

NOW = datetime(2026, 12, 5, 9, 0)


class Clocks:
    """The wall clock and the monotonic one, moved together by the test."""

    def __init__(self) -> None:
        self.now = NOW
        self.seconds = 1000.0

    def wall(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.seconds

    def move(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        self.seconds += seconds


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    for url in migrated_store_url("sqlite", tmp_path):
        engine = make_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture
def clocks() -> Clocks:
    return Clocks()


@pytest.fixture
def recent(engine: Engine, clocks: Clocks) -> RecentContacts:
    return RecentContacts(engine, clock=clocks.wall, monotonic=clocks.monotonic)


def _updates(engine: Engine) -> list[str]:
    seen: list[str] = []

    def executed(*args: object) -> None:
        statement = str(args[2])
        if statement.lstrip().upper().startswith(("UPDATE CONTACTS", "INSERT INTO CONTACTS")):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", executed)
    return seen


def _stored(engine: Engine, recipient: str) -> datetime | None:
    found = Contacts(engine).get("telegram", recipient)
    return None if found is None else found.last_interaction_at


def test_messages_within_a_minute_write_the_official_s_row_once(
    engine: Engine, recent: RecentContacts, clocks: Clocks
) -> None:
    writes = _updates(engine)
    recent.interacted("telegram", "telegram-1")
    first = len(writes)  # an insert, after an update that found no row
    for _ in range(9):
        clocks.move(5)
        recent.interacted("telegram", "telegram-1")
    assert first > 0 and len(writes) == first
    assert _stored(engine, "telegram-1") == NOW


def test_a_message_a_minute_after_the_last_write_is_written(
    engine: Engine, recent: RecentContacts, clocks: Clocks
) -> None:
    recent.interacted("telegram", "telegram-1")
    clocks.move(WRITE_EVERY_SECONDS)
    recent.interacted("telegram", "telegram-1")
    assert _stored(engine, "telegram-1") == NOW + timedelta(seconds=WRITE_EVERY_SECONDS)


def test_reading_an_official_writes_their_unwritten_interaction_first(
    engine: Engine, recent: RecentContacts, clocks: Clocks
) -> None:
    recent.interacted("telegram", "telegram-1")
    clocks.move(10)
    Contacts(engine, clock=clocks.wall).unreachable("telegram", "telegram-1", "blocked")
    clocks.move(10)
    recent.interacted("telegram", "telegram-1")  # came back: not written yet
    assert _stored(engine, "telegram-1") == NOW

    assert recent.reach("telegram", "telegram-1") is Reach.IN_WINDOW
    assert _stored(engine, "telegram-1") == NOW + timedelta(seconds=20)


def test_a_channel_s_report_after_an_unwritten_interaction_wins(
    engine: Engine, recent: RecentContacts, clocks: Clocks
) -> None:
    recent.interacted("telegram", "telegram-1")
    clocks.move(10)
    recent.interacted("telegram", "telegram-1")
    clocks.move(1)
    recent.unreachable("telegram", "telegram-1", "blocked")
    assert recent.reach("telegram", "telegram-1") is Reach.UNREACHABLE

    clocks.move(1)
    recent.interacted("telegram", "telegram-1")  # after the report: written at once
    assert recent.reach("telegram", "telegram-1") is Reach.IN_WINDOW


def test_the_census_counts_unwritten_interactions(
    engine: Engine, recent: RecentContacts, clocks: Clocks
) -> None:
    recent.interacted("zalo", "zalo-1", at=NOW - timedelta(days=8))
    clocks.move(10)
    recent.interacted("zalo", "zalo-1")
    assert recent.census("zalo", ["zalo-1"]) == {"in_window": 1}
