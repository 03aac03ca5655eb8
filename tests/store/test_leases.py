"""Leases on the real stores: one holder at a time, taken over only once expired, and the
migration that makes them (with the notifier's notice records) going up and down."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from bot.store.database import make_engine, migrate
from bot.store.leases import Leases, holder_id
from tests.store.test_notification_tables import alembic
from tests.support.databases import migrated_store_url, postgres_schema_url


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 8, 0)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    for url in migrated_store_url(request.param, tmp_path):
        engine = make_engine(url)
        yield engine
        engine.dispose()


def test_a_held_lease_is_refused_to_another_until_it_expires(engine: Engine) -> None:
    clock = Clock()
    leases = Leases(engine, clock)
    first = leases.acquire("notifier", "a", 60)
    assert first is not None and not first.abandoned
    assert leases.acquire("notifier", "b", 60) is None
    clock.now += timedelta(seconds=59)
    assert leases.acquire("notifier", "b", 60) is None
    clock.now += timedelta(seconds=2)
    taken = leases.acquire("notifier", "b", 60)
    # "a" neither renewed nor released it: whatever it was doing stopped half way.
    assert taken is not None and taken.abandoned
    holding = leases.holding("notifier")
    assert holding is not None and holding.holder == "b"


def test_the_holder_renews_its_lease_and_a_released_one_is_free_at_once(engine: Engine) -> None:
    clock = Clock()
    leases = Leases(engine, clock)
    assert leases.acquire("zalo-token-refresh", "a", 30) is not None
    clock.now += timedelta(seconds=25)
    renewed = leases.acquire("zalo-token-refresh", "a", 30)
    assert renewed is not None and renewed.expires_at == clock.now + timedelta(seconds=30)
    clock.now += timedelta(seconds=25)
    assert leases.acquire("zalo-token-refresh", "b", 30) is None
    leases.release("zalo-token-refresh", "b")  # not b's: nothing happens
    assert leases.acquire("zalo-token-refresh", "b", 30) is None
    leases.release("zalo-token-refresh", "a")
    taken = leases.acquire("zalo-token-refresh", "b", 30)
    assert taken is not None and not taken.abandoned
    assert leases.acquire("notifier", "a", 30) is not None  # another name, another lease


def test_of_many_racing_for_an_expired_lease_exactly_one_gets_it(engine: Engine) -> None:
    clock = Clock()
    leases = Leases(engine, clock)
    assert leases.acquire("notifier", "gone", 10) is not None
    clock.now += timedelta(seconds=11)
    start = threading.Barrier(8)
    won: list[str] = []

    def race(name: str) -> None:
        start.wait()
        if leases.acquire("notifier", name, 10) is not None:
            won.append(name)

    threads = [threading.Thread(target=race, args=(f"p{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1


def test_holder_ids_differ_between_processes_and_restarts() -> None:
    assert holder_id("notifier") != holder_id("notifier")
    assert holder_id("notifier").startswith("notifier:") and len(holder_id("x" * 40)) <= 128


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'helpdesk.db'}"
    else:
        yield from postgres_schema_url()


def test_the_migration_adds_leases_and_notice_records_and_goes_back(empty_url: str) -> None:
    migrate(empty_url)
    engine = make_engine(empty_url)
    tables = set(inspect(engine).get_table_names())
    assert {"leases", "feed_notices"} <= tables
    assert inspect(engine).get_pk_constraint("feed_notices")["constrained_columns"] == [
        "feed",
        "position",
    ]
    engine.dispose()
    command.downgrade(alembic(empty_url), "0005")
    engine = make_engine(empty_url)
    assert not {"leases", "feed_notices"} & set(inspect(engine).get_table_names())
    engine.dispose()
