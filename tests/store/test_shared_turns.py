"""One turn at a time per conversation across gateway replicas, on each shared state backend."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store.database import make_engine
from bot.store.shared_sql import SqlState
from bot.store.shared_state import SharedState, hashed
from bot.store.shared_turns import SharedTurns
from tests.support.shared_states import BACKENDS, shared_state_on


@pytest.fixture(params=BACKENDS)
async def state(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SharedState]:
    async with shared_state_on(request.param, tmp_path, time.time) as found:
        yield found


async def test_a_second_replica_waits_for_the_first_ones_turn_to_end(state: SharedState) -> None:
    first, second = SharedTurns(state), SharedTurns(state)
    order: list[str] = []
    first_in, first_may_end = asyncio.Event(), asyncio.Event()

    async def first_turn() -> None:
        async with first.turn("zalo-42"):
            order.append("first in")
            first_in.set()
            await first_may_end.wait()
            order.append("first out")

    async def second_turn() -> None:
        await first_in.wait()
        async with second.turn("zalo-42"):
            order.append("second in")

    running = asyncio.gather(first_turn(), second_turn())
    await first_in.wait()
    async with SharedTurns(state).turn("zalo-other"):  # another conversation does not wait
        order.append("other")
    first_may_end.set()
    await running

    assert order == ["first in", "other", "first out", "second in"]


async def test_a_turn_held_by_a_replica_that_died_is_waited_for_only_so_long(
    state: SharedState, caplog: pytest.LogCaptureFixture
) -> None:
    assert await state.add(f"turn:{hashed('zalo-7')}", "a dead replica", 60)
    turns = SharedTurns(state, seconds=0.2)

    with caplog.at_level(logging.WARNING):
        async with turns.turn("zalo-7"):
            entered = True

    assert entered
    assert "goes on" in caplog.text


async def test_without_the_shared_state_the_turn_still_runs(tmp_path: Path) -> None:
    unmigrated = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        async with SharedTurns(SqlState(unmigrated)).turn("zalo-1"):
            ran = True
    finally:
        unmigrated.dispose()

    assert ran
