"""The gateways' shared state, the same on each backend: SQLite, PostgreSQL and the real Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store.database import make_engine
from bot.store.shared_redis import RedisState
from bot.store.shared_settings import SharedStateSettings
from bot.store.shared_sql import SqlState
from bot.store.shared_state import (
    MAX_KEY,
    MAX_VALUE,
    Bucket,
    SharedState,
    StateUnavailable,
    hashed,
    shared_state,
)
from tests.support.databases import migrated_sqlite
from tests.support.shared_states import (
    BACKENDS,
    REDIS,
    forget_prefix,
    redis_client,
    shared_state_on,
    unique_prefix,
)


class Clock:
    """Seconds since 1970 that pass only when a test says so."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=BACKENDS)
async def state(
    request: pytest.FixtureRequest, tmp_path: Path, clock: Clock
) -> AsyncIterator[SharedState]:
    async with shared_state_on(request.param, tmp_path, clock) as found:
        yield found


async def test_a_value_put_is_read_back_and_replaced_by_the_next(state: SharedState) -> None:
    await state.put("a", "một", 60)
    assert await state.get("a") == "một"

    await state.put("a", "hai", 60)
    assert await state.get("a") == "hai"
    assert await state.get("b") is None


async def test_a_deleted_value_is_gone(state: SharedState) -> None:
    await state.put("a", "một", 60)
    await state.delete("a")

    assert await state.get("a") is None


async def test_add_keeps_a_value_only_where_none_is_alive(state: SharedState, clock: Clock) -> None:
    results = await asyncio.gather(*(state.add("turn", f"holder-{n}", 60) for n in range(5)))

    assert sorted(results) == [False] * 4 + [True]
    winner = f"holder-{results.index(True)}"
    assert await state.get("turn") == winner
    assert await state.delete_if("turn", winner)
    assert await state.add("turn", "next", 60)


async def test_delete_if_removes_only_the_value_expected_and_only_once(state: SharedState) -> None:
    await state.put("a", "một", 60)

    assert not await state.delete_if("a", "hai")
    assert await state.get("a") == "một"
    results = await asyncio.gather(*(state.delete_if("a", "một") for _ in range(5)))
    assert sorted(results) == [False] * 4 + [True]
    assert await state.get("a") is None


async def test_a_bucket_gives_a_minutes_worth_then_says_the_wait(
    state: SharedState, clock: Clock
) -> None:
    bucket = Bucket("b", 3)
    assert [await state.spend([bucket]) for _ in range(3)] == [0, 0, 0]

    assert await state.spend([bucket]) == pytest.approx(20)
    clock.now += 20
    assert await state.spend([bucket]) == 0


async def test_a_refusal_by_one_bucket_spends_nothing_from_the_other(state: SharedState) -> None:
    small, large = Bucket("small", 1), Bucket("large", 2)
    assert await state.spend([small, large]) == 0

    assert await state.spend([small, large]) == pytest.approx(60)
    assert await state.spend([Bucket("other", 1), large]) == 0
    assert await state.spend([Bucket("third", 1), large]) == pytest.approx(30)


async def test_a_refusal_by_a_later_bucket_gives_the_earlier_one_its_token_back(
    state: SharedState, clock: Clock
) -> None:
    # Both rows live, so the SQL store tries both buckets in one transaction first.
    large, small = Bucket("large", 2), Bucket("small", 1)
    assert await state.spend([large, small]) == 0

    assert await state.spend([large, small]) == pytest.approx(60)
    assert await state.spend([large]) == 0  # its second token was not taken by the refusal
    assert await state.spend([large]) == pytest.approx(30)
    clock.now += 60
    assert await state.spend([large, small]) == 0


async def test_concurrent_spenders_never_take_more_than_the_bucket_holds(
    state: SharedState,
) -> None:
    bucket = Bucket("crowd", 5)
    waits = await asyncio.gather(*(state.spend([bucket]) for _ in range(12)))

    assert sum(1 for wait in waits if wait == 0) == 5


async def test_a_clock_that_steps_back_refills_nothing(state: SharedState, clock: Clock) -> None:
    bucket = Bucket("b", 1)
    await state.spend([bucket])

    clock.now -= 3600
    assert await state.spend([bucket]) == pytest.approx(60)


async def test_too_long_a_key_or_value_is_refused(state: SharedState) -> None:
    with pytest.raises(ValueError):
        await state.put("k" * MAX_KEY, "v", 60)
    with pytest.raises(ValueError):
        await state.put("k", "v" * (MAX_VALUE + 1), 60)


async def test_a_value_expires_when_its_time_is_up_in_the_store(
    tmp_path: Path, clock: Clock
) -> None:
    engine = make_engine(migrated_sqlite(tmp_path / "store.db"))
    try:
        state = SqlState(engine, clock=clock)
        await state.put("a", "một", 30)
        await state.spend([Bucket("b", 1)])
        assert await state.add("turn", "gone", 30)

        clock.now += 29
        assert await state.get("a") == "một"
        clock.now += 61
        assert await state.get("a") is None
        assert not await state.delete_if("a", "một")
        assert await state.spend([Bucket("b", 1)]) == 0  # a forgotten bucket is a full one
        assert await state.add("turn", "next", 30)  # a hold that expired is free
        await state.put("c", "ba", 30)  # a write prunes what expired
        with engine.connect() as connection:
            keys = connection.exec_driver_sql("SELECT key FROM shared_state").scalars().all()
        assert sorted(keys) == ["helpdesk:b", "helpdesk:c", "helpdesk:turn"]
    finally:
        engine.dispose()


async def test_redis_keeps_each_value_and_bucket_only_for_its_time(clock: Clock) -> None:
    prefix = unique_prefix()
    async with redis_client() as client:
        state = RedisState(client, prefix, clock)
        try:
            await state.put("a", "một", 30)
            await state.spend([Bucket("b", 6)])

            assert 0 < await client.pttl(f"{prefix}a") <= 30_000
            assert 60_000 < await client.pttl(f"{prefix}b") <= 61_000
        finally:
            await forget_prefix(prefix)


async def test_redis_that_does_not_answer_is_unavailable() -> None:
    state = RedisState.from_url("redis://127.0.0.1:1/0")
    try:
        with pytest.raises(StateUnavailable):
            await state.get("a")
        with pytest.raises(StateUnavailable):
            await state.spend([Bucket("b", 1)])
    finally:
        await state.aclose()


async def test_an_unmigrated_store_is_unavailable(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        with pytest.raises(StateUnavailable):
            await SqlState(engine).put("a", "một", 60)
    finally:
        engine.dispose()


async def test_the_settings_choose_redis_when_its_address_is_set(tmp_path: Path) -> None:
    engine = make_engine(migrated_sqlite(tmp_path / "store.db"))
    try:
        with_redis = shared_state(SharedStateSettings(redis_url=REDIS), engine)
        without = shared_state(SharedStateSettings(), engine)
        assert isinstance(with_redis, RedisState)
        assert isinstance(without, SqlState)
        await with_redis.aclose()
    finally:
        engine.dispose()


def test_hashed_names_are_short_and_do_not_show_what_they_name() -> None:
    name = hashed("zalo", "0912345678")

    assert len(name) == 32
    assert "0912345678" not in name
    assert name == hashed("zalo", "0912345678") != hashed("zalo", "0912345679")
