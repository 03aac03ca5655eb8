"""Two gateway processes on one store handle each update once, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.gateway.app import create_app
from bot.gateway.settings import GatewaySettings
from bot.store.database import make_engine
from tests.channels.telegram.fakes import (
    FakeRasa,
    FakeTelegram,
    fast_limiter,
    message_update,
    running_gateway,
)
from tests.support.databases import migrated_postgres_url, migrated_sqlite


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated store both gateways use."""
    if request.param == "sqlite":
        yield migrated_sqlite(tmp_path / "shared.db")
    else:
        yield from migrated_postgres_url()


async def test_an_update_delivered_to_both_instances_is_handled_once(
    settings: GatewaySettings, shared_url: str, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    on_shared = settings.copy(update={"database_url": shared_url})
    first_app = create_app(on_shared, rate_limiter=fast_limiter())
    second_app = create_app(on_shared, rate_limiter=fast_limiter())
    updates = [message_update(f"câu hỏi {n}", chat_id=500 + n) for n in range(5)]

    async with running_gateway(first_app) as first, running_gateway(second_app) as second:
        responses = await asyncio.gather(
            *(gw.post_update(u) for u in updates for gw in (first, second, first))
        )

    assert all(r.status_code == 200 for r in responses)
    assert sorted(r.json()["outcome"] for r in responses) == ["duplicate"] * 10 + ["handled"] * 5
    assert sorted(b["message"] for b in fake_rasa.received) == [f"câu hỏi {n}" for n in range(5)]
    assert len(fake_telegram.of("sendMessage")) == 5


async def test_an_update_seen_before_a_restart_is_not_handled_again(
    settings: GatewaySettings, fake_rasa: FakeRasa
) -> None:
    update = message_update("trước khi khởi động lại")
    async with running_gateway(create_app(settings, rate_limiter=fast_limiter())) as before:
        assert (await before.post_update(update)).json()["outcome"] == "handled"

    async with running_gateway(create_app(settings, rate_limiter=fast_limiter())) as after:
        assert (await after.post_update(update)).json()["outcome"] == "duplicate"

    assert len(fake_rasa.received) == 1


async def test_when_the_store_is_down_telegram_is_asked_to_deliver_again(
    settings: GatewaySettings, fake_rasa: FakeRasa, tmp_path: Path
) -> None:
    unmigrated = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")  # no seen_updates table
    try:
        app = create_app(settings, engine=unmigrated, rate_limiter=fast_limiter())
        async with running_gateway(app) as gateway:
            response = await gateway.post_update(message_update("kho dữ liệu hỏng"))
    finally:
        unmigrated.dispose()

    assert response.status_code == 503
    assert fake_rasa.received == []
