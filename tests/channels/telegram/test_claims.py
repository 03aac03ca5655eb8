"""Claims of update ids in `seen_updates`, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from bot.channels.telegram.claims import UpdateClaims
from bot.store.database import make_engine
from bot.store.schema import seen_updates
from tests.support.databases import migrated_store_url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from migrated_store_url(request.param, tmp_path)


@pytest.fixture
def engines(store_url: str) -> Iterator[tuple[Engine, Engine]]:
    """Two engines on one store, as two gateway processes would have."""
    first, second = make_engine(store_url), make_engine(store_url)
    yield first, second
    first.dispose()
    second.dispose()


async def test_an_update_is_claimed_once_across_processes(engines: tuple[Engine, Engine]) -> None:
    first, second = (UpdateClaims(e) for e in engines)

    results = await asyncio.gather(*(claims.claim(42) for claims in (first, second, first)))

    assert sorted(results) == [False, False, True]
    assert await second.claim(43) is True


async def test_channels_claim_the_same_id_independently(engines: tuple[Engine, Engine]) -> None:
    assert await UpdateClaims(engines[0]).claim(7) is True
    assert await UpdateClaims(engines[1], channel="zalo").claim(7) is True


async def test_pruning_forgets_only_old_claims_of_its_channel(
    engines: tuple[Engine, Engine],
) -> None:
    engine = engines[0]
    old = datetime.utcnow() - timedelta(days=8)
    with engine.begin() as connection:
        connection.execute(
            insert(seen_updates),
            [
                {"channel": "telegram", "update_id": "1", "seen_at": old},
                {"channel": "zalo", "update_id": "1", "seen_at": old},
            ],
        )
    claims = UpdateClaims(engine)
    await claims.claim(2)

    assert await claims.prune() == 1

    with engine.connect() as connection:
        left = connection.execute(select(seen_updates.c.channel, seen_updates.c.update_id))
        assert sorted(tuple(row) for row in left) == [("telegram", "2"), ("zalo", "1")]
