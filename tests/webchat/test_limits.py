"""The web chat's rate limits: token buckets per sender and per address, in the shared state.

Each test runs on every backend (SQLite, PostgreSQL, Redis), on a clock tests move.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store.shared_state import SharedState
from bot.webchat.limits import RateLimits
from tests.support.shared_states import BACKENDS, shared_state_on
from tests.webchat.conftest import Clock


@pytest.fixture(params=BACKENDS)
async def state(
    request: pytest.FixtureRequest, tmp_path: Path, clock: Clock
) -> AsyncIterator[SharedState]:
    async with shared_state_on(request.param, tmp_path, clock) as found:
        yield found


async def admitted(
    limits: RateLimits, times: int, sender: str = "a", address: str = "1"
) -> list[int]:
    return [await limits.admit(sender, address) for _ in range(times)]


async def test_a_sender_may_send_a_minutes_worth_at_once_then_waits(state: SharedState) -> None:
    limits = RateLimits(state, sender_per_minute=3, address_per_minute=100)

    assert await admitted(limits, 3) == [0, 0, 0]
    assert await limits.admit("a", "1") == 20


async def test_after_the_wait_said_the_message_is_admitted(
    state: SharedState, clock: Clock
) -> None:
    limits = RateLimits(state, sender_per_minute=3, address_per_minute=100)
    await admitted(limits, 3)
    wait = await limits.admit("a", "1")

    clock.now += wait - 0.5
    assert await limits.admit("a", "1") > 0
    clock.now += 0.5
    assert await limits.admit("a", "1") == 0


async def test_tokens_come_back_one_at_a_time_not_all_at_once(
    state: SharedState, clock: Clock
) -> None:
    limits = RateLimits(state, sender_per_minute=6, address_per_minute=100)
    await admitted(limits, 6)

    clock.now += 10
    assert await admitted(limits, 2) == [0, 10]


async def test_a_bucket_fills_only_to_a_minutes_worth_however_long_it_waits(
    state: SharedState, clock: Clock
) -> None:
    limits = RateLimits(state, sender_per_minute=2, address_per_minute=100)
    await admitted(limits, 2)

    clock.now += 3600
    assert await admitted(limits, 3) == [0, 0, 30]


async def test_senders_are_limited_apart(state: SharedState) -> None:
    limits = RateLimits(state, sender_per_minute=1, address_per_minute=100)

    assert [await limits.admit(sender, "1") for sender in ("a", "b", "a", "b")] == [0, 0, 60, 60]


async def test_senders_behind_one_address_share_its_limit(state: SharedState) -> None:
    limits = RateLimits(state, sender_per_minute=10, address_per_minute=2)

    assert [await limits.admit(sender, "1") for sender in ("a", "b", "c")] == [0, 0, 30]
    assert await limits.admit("c", "2") == 0


async def test_a_refusal_spends_nothing_from_either_limit(state: SharedState) -> None:
    limits = RateLimits(state, sender_per_minute=1, address_per_minute=2)
    assert await limits.admit("a", "1") == 0

    # Refused by the sender's limit: the address keeps its second token for another sender.
    assert await admitted(limits, 5) == [60] * 5
    assert await limits.admit("b", "1") == 0


async def test_a_clock_that_steps_back_gives_no_tokens(state: SharedState, clock: Clock) -> None:
    limits = RateLimits(state, sender_per_minute=1, address_per_minute=100)
    await limits.admit("a", "1")

    clock.now -= 3600
    assert await limits.admit("a", "1") == 60


async def test_two_gateways_on_one_state_share_the_budget(state: SharedState) -> None:
    first = RateLimits(state, sender_per_minute=2, address_per_minute=100)
    second = RateLimits(state, sender_per_minute=2, address_per_minute=100)

    assert [await first.admit("a", "1"), await second.admit("a", "1")] == [0, 0]
    assert await first.admit("a", "1") == 30
    assert await second.admit("a", "1") == 30


@pytest.mark.parametrize(("sender", "address"), [(0, 10), (-1, 10), (1, 0)])
async def test_a_limit_without_room_is_refused(
    state: SharedState, sender: int, address: int
) -> None:
    with pytest.raises(ValueError):
        RateLimits(state, sender, address)
