"""Fixtures for the notifier tests: migrated stores, a fake desk, and channels that record."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine

from bot.escalation.client import DeskClient
from bot.escalation.retry import RetryPolicy
from bot.messages import OutgoingMessage
from bot.store.database import make_engine
from tests.channels.telegram.fakes import fake_telegram, telegram_url  # noqa: F401  (fixtures)
from tests.escalation.fake_desk import TOKEN, FakeDesk
from tests.notify.delivery_support import clock, fake, http, zalo_settings  # noqa: F401  (fixtures)
from tests.support.databases import migrated_sqlite, migrated_store_url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated store: a SQLite file, then a PostgreSQL schema."""
    yield from migrated_store_url(request.param, tmp_path)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the migrated store, disposed before the schema is dropped."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """An engine on a migrated SQLite file, for tests about behaviour rather than storage."""
    engine = make_engine(migrated_sqlite(tmp_path / "helpdesk.db"))
    yield engine
    engine.dispose()


@pytest.fixture
def desk() -> FakeDesk:
    """A fake document system, up."""
    return FakeDesk()


@pytest.fixture
async def client(desk: FakeDesk) -> AsyncIterator[DeskClient]:
    """A DeskClient on the fake system, retrying once without waiting."""

    async def no_wait(seconds: float) -> None:
        return None

    async with httpx.AsyncClient(
        transport=httpx.MockTransport(desk.handle),
        base_url="http://desk.test/",
        headers={"Authorization": f"Bearer {TOKEN}"},
    ) as desk_http:
        yield DeskClient(desk_http, RetryPolicy(attempts=2, sleep=no_wait))


@dataclass
class Recorder:
    """A Channel that keeps what it was asked to send, or fails while `failing` is set."""

    sent: list[tuple[str, OutgoingMessage]] = field(default_factory=list)
    failing: Exception | None = None

    async def send(self, recipient: str, message: OutgoingMessage) -> None:
        if self.failing is not None:
            raise self.failing
        self.sent.append((recipient, message))

    @property
    def texts(self) -> list[str]:
        return [message.text for _, message in self.sent]
