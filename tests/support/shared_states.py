"""The gateways' shared state for tests, on each backend: SQLite, PostgreSQL and the real Redis.

Each Redis state has a key prefix of its own, so parallel tests never meet, and its keys are
deleted afterwards. Like PostgreSQL (`databases.py`), a Redis that does not answer skips the
test, except under CI, where it fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable, Generator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.store.database import make_engine
from bot.store.shared_redis import RedisState
from bot.store.shared_sql import SqlState
from bot.store.shared_state import SharedState
from tests.support.databases import migrated_postgres_url, migrated_sqlite

REDIS = os.environ.get("HELPDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
BACKENDS = ("sqlite", "postgresql", "redis")

Clock = Callable[[], float]


def unique_prefix() -> str:
    """A key prefix no other test shares."""
    return f"helpdesk-test:{uuid.uuid4().hex[:12]}:"


@asynccontextmanager
async def redis_client() -> AsyncIterator[Redis]:
    """A client of the test Redis (answers as text); the test is skipped if none answers."""
    client = Redis.from_url(REDIS, decode_responses=True, socket_timeout=5.0)
    try:
        await client.ping()
    except (RedisError, OSError):
        await client.close(close_connection_pool=True)
        if os.environ.get("CI"):
            raise
        pytest.skip("no Redis server answers")
    try:
        yield client
    finally:
        await client.close(close_connection_pool=True)


async def forget_prefix(prefix: str) -> None:
    """Delete every key under `prefix` in the test Redis."""
    async with redis_client() as client:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*", count=500)]
        if keys:
            await client.delete(*keys)


def store_url(kind: str, folder: Path) -> Generator[str, None, None]:
    """A migrated store: a SQLite file in `folder` or a PostgreSQL schema."""
    if kind == "sqlite":
        yield migrated_sqlite(folder / "shared.db")
    else:
        yield from migrated_postgres_url()


@asynccontextmanager
async def shared_state_on(kind: str, folder: Path, clock: Clock) -> AsyncIterator[SharedState]:
    """A shared state of `kind` (one of BACKENDS) reading `clock`, emptied afterwards."""
    if kind == "redis":
        prefix = unique_prefix()
        async with redis_client() as client:
            state = RedisState(client, prefix, clock)
            try:
                yield state
            finally:
                await forget_prefix(prefix)
        return
    urls = store_url(kind, folder)
    engine = make_engine(next(urls))
    try:
        yield SqlState(engine, clock=clock)
    finally:
        engine.dispose()
        next(urls, None)  # back to the pool
