"""Each official's reach per channel and the kept notices, on SQLite and PostgreSQL.

The reach rules are a table: the last interaction, what the channel said since, and the time
decide whether a message may go now. The clock is the test's.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import insert, inspect
from sqlalchemy.engine import Engine

from bot.store.contacts import WINDOWS, Contact, Contacts, Reach, reach_of
from bot.store.database import make_engine, migrate
from bot.store.kept_notices import PENDING, SENDING, SENT, WAITING, KeptNotices
from bot.store.schema import audience
from tests.store.test_notification_tables import alembic
from tests.support.databases import migrated_store_url, postgres_schema_url

NOW = datetime(2026, 12, 5, 9, 0)
DAY = timedelta(days=1)


def contact(
    last: datetime | None, closed: datetime | None = None, gone: datetime | None = None
) -> Contact:
    return Contact("zalo", "zalo-1", last, closed, gone, "blocked" if gone else None)


@pytest.mark.parametrize(
    ("row", "window", "expected"),
    [
        (None, WINDOWS["zalo"], Reach.IN_WINDOW),  # never recorded: try, the channel will say
        (contact(NOW - 6 * DAY), WINDOWS["zalo"], Reach.IN_WINDOW),
        (contact(NOW - 8 * DAY), WINDOWS["zalo"], Reach.OUTSIDE_WINDOW),
        (contact(NOW - 8 * DAY), None, Reach.IN_WINDOW),  # Telegram has no window
        (contact(NOW - DAY, closed=NOW - DAY / 2), WINDOWS["zalo"], Reach.OUTSIDE_WINDOW),
        (contact(NOW - DAY / 4, closed=NOW - DAY / 2), WINDOWS["zalo"], Reach.IN_WINDOW),
        (contact(NOW - DAY, gone=NOW - DAY / 2), None, Reach.UNREACHABLE),
        (contact(NOW - DAY / 4, gone=NOW - DAY / 2), None, Reach.IN_WINDOW),  # came back
    ],
)
def test_reach_follows_the_last_interaction_and_what_the_channel_said_since(
    row: Contact | None, window: timedelta | None, expected: Reach
) -> None:
    assert reach_of(row, window, NOW) is expected


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    for url in migrated_store_url(request.param, tmp_path):
        engine = make_engine(url)
        yield engine
        engine.dispose()


def test_an_interaction_reopens_a_closed_window_and_a_blocked_official(engine: Engine) -> None:
    clock = Clock()
    contacts = Contacts(engine, clock=clock)
    contacts.interacted("zalo", "zalo-1", at=NOW - 8 * DAY)
    contacts.unreachable("telegram", "telegram-2", "blocked")
    assert contacts.reach("zalo", "zalo-1") is Reach.OUTSIDE_WINDOW
    assert contacts.reach("telegram", "telegram-2") is Reach.UNREACHABLE

    clock.now += timedelta(seconds=1)
    contacts.interacted("zalo", "zalo-1")
    contacts.interacted("telegram", "telegram-2")

    assert contacts.reach("zalo", "zalo-1") is Reach.IN_WINDOW
    assert contacts.reach("telegram", "telegram-2") is Reach.IN_WINDOW
    clock.now += 7 * DAY + timedelta(seconds=1)
    assert contacts.reach("zalo", "zalo-1") is Reach.OUTSIDE_WINDOW


def test_the_census_counts_who_can_be_reached_now_and_why_not(engine: Engine) -> None:
    contacts = Contacts(engine, clock=Clock())
    contacts.interacted("zalo", "zalo-1", at=NOW - DAY)
    contacts.interacted("zalo", "zalo-2", at=NOW - 9 * DAY)
    contacts.unreachable("zalo", "zalo-3", "not_follower")

    counts = contacts.census("zalo", ["zalo-1", "zalo-2", "zalo-3", "zalo-4"])

    assert counts == {"in_window": 2, "outside_window": 1, "not_follower": 1}


def test_a_kept_notice_is_stored_once_and_claimed_by_one_sender_at_a_time(engine: Engine) -> None:
    clock = Clock()
    kept = KeptNotices(engine, clock=clock)
    first, stored = kept.keep("desk:1", "zalo", "zalo-1", "HT-000001", "Trả lời", "Ngắn")
    again, stored_again = kept.keep("desk:1", "zalo", "zalo-1", "HT-000001", "Khác", "Khác")
    second, _ = kept.keep("desk:2", "zalo", "zalo-1", "HT-000001", "Sau", "Ngắn", claim=True)
    assert (first, stored, stored_again) == (again, True, False) and first.state == PENDING
    assert second.state == SENDING and kept.claim(second.id) is None

    claimed = kept.claim(first.id)
    assert claimed is not None and claimed.state == SENDING
    assert kept.claim(first.id) is None  # another sender finds it taken
    clock.now += timedelta(minutes=3)
    assert kept.claim(first.id) is not None  # a sender that died frees it by expiring

    kept.part_sent(first.id, 1)
    kept.settle(first.id, SENT)
    kept.settle(second.id, WAITING, "outside_window", count_attempt=False)
    assert [n.id for n in kept.open_for("zalo", "zalo-1")] == [second.id]
    assert kept.get(first.id).parts_sent == 1 and kept.get(first.id).attempts == 1
    assert kept.counts() == {SENT: 1, WAITING: 1}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'helpdesk.db'}"
    else:
        yield from postgres_schema_url()


def test_the_migration_seeds_reach_from_the_audience_and_goes_back(empty_url: str) -> None:
    config = alembic(empty_url)
    command.upgrade(config, "0006_delivery")
    engine = make_engine(empty_url)
    with engine.begin() as connection:
        row = {"channel": "zalo", "recipient": "zalo-1", "first_seen": NOW, "last_seen": NOW}
        connection.execute(insert(audience).values(row))
    migrate(empty_url)

    contact = Contacts(engine, clock=lambda: NOW).get("zalo", "zalo-1")
    assert contact is not None and contact.last_interaction_at == NOW
    engine.dispose()
    command.downgrade(config, "0006_delivery")
    engine = make_engine(empty_url)
    assert not {"contacts", "kept_notices", "staff_posts"} & set(inspect(engine).get_table_names())
    engine.dispose()
