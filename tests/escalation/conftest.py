"""Fixtures for the escalation tests: a fake document system and outbox databases."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from bot.escalation.client import DeskClient
from bot.escalation.outbox import Outbox
from bot.escalation.retry import RetryPolicy
from bot.store.database import make_engine
from tests.escalation.fake_desk import TOKEN, FakeDesk
from tests.support.databases import migrated_sqlite, migrated_store_url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated database: a SQLite file, then a PostgreSQL schema."""
    yield from migrated_store_url(request.param, tmp_path)


@pytest.fixture
def outbox(database_url: str) -> Iterator[Outbox]:
    """An outbox on the migrated database; its engine is disposed before the schema is dropped."""
    engine = make_engine(database_url)
    yield Outbox(engine)
    engine.dispose()


@pytest.fixture
def sqlite_outbox(tmp_path: Path) -> Iterator[Outbox]:
    """An outbox on a SQLite file only, for tests about delivery rather than storage."""
    engine = make_engine(migrated_sqlite(tmp_path / "outbox.db"))
    yield Outbox(engine)
    engine.dispose()


@pytest.fixture
def sleeps() -> list[float]:
    """The delays the client asked to sleep, recorded instead of slept."""
    return []


@pytest.fixture
def retry(sleeps: list[float]) -> RetryPolicy:
    """Three attempts, doubling from 0.5 s to at most 1.5 s, without waiting."""

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    return RetryPolicy(attempts=3, base_delay=0.5, max_delay=1.5, sleep=sleep)


@pytest.fixture
def desk() -> FakeDesk:
    """A fake document system, up."""
    return FakeDesk()


@pytest.fixture
async def client(desk: FakeDesk, retry: RetryPolicy) -> AsyncIterator[DeskClient]:
    """A DeskClient on the fake system, built the way the assistant builds it."""
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(desk.handle),
        base_url="http://desk.test/",
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=5.0,
    ) as http:
        yield DeskClient(http, retry)
