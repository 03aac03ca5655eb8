"""The web chat's rate limits: token buckets per sender and per address, on a clock tests move."""

from __future__ import annotations

import pytest

from bot.webchat.limits import RateLimits, TokenBuckets
from tests.webchat.conftest import Clock


def admitted(limits: RateLimits, times: int, sender: str = "a", address: str = "1") -> list[int]:
    return [limits.admit(sender, address) for _ in range(times)]


def test_a_sender_may_send_a_minutes_worth_at_once_then_waits(clock: Clock) -> None:
    limits = RateLimits(sender_per_minute=3, address_per_minute=100, clock=clock)

    assert admitted(limits, 3) == [0, 0, 0]
    assert limits.admit("a", "1") == 20


def test_after_the_wait_said_the_message_is_admitted(clock: Clock) -> None:
    limits = RateLimits(sender_per_minute=3, address_per_minute=100, clock=clock)
    admitted(limits, 3)
    wait = limits.admit("a", "1")

    clock.now += wait - 0.5
    assert limits.admit("a", "1") > 0
    clock.now += 0.5
    assert limits.admit("a", "1") == 0


def test_tokens_come_back_one_at_a_time_not_all_at_once(clock: Clock) -> None:
    limits = RateLimits(sender_per_minute=6, address_per_minute=100, clock=clock)
    admitted(limits, 6)

    clock.now += 10
    assert admitted(limits, 2) == [0, 10]


def test_a_bucket_fills_only_to_a_minutes_worth_however_long_it_waits(clock: Clock) -> None:
    limits = RateLimits(sender_per_minute=2, address_per_minute=100, clock=clock)
    admitted(limits, 2)

    clock.now += 3600
    assert admitted(limits, 3) == [0, 0, 30]


def test_senders_are_limited_apart(clock: Clock) -> None:
    limits = RateLimits(sender_per_minute=1, address_per_minute=100, clock=clock)

    assert [limits.admit(sender, "1") for sender in ("a", "b", "a", "b")] == [0, 0, 60, 60]


def test_senders_behind_one_address_share_its_limit(clock: Clock) -> None:
    limits = RateLimits(sender_per_minute=10, address_per_minute=2, clock=clock)

    assert [limits.admit(sender, "1") for sender in ("a", "b", "c")] == [0, 0, 30]
    assert limits.admit("c", "2") == 0


def test_a_refusal_spends_nothing_from_either_limit(clock: Clock) -> None:
    limits = RateLimits(sender_per_minute=1, address_per_minute=2, clock=clock)
    assert limits.admit("a", "1") == 0

    # Refused by the sender's limit: the address keeps its second token for another sender.
    assert admitted(limits, 5) == [60] * 5
    assert limits.admit("b", "1") == 0


def test_a_clock_that_steps_back_gives_no_tokens(clock: Clock) -> None:
    limits = RateLimits(sender_per_minute=1, address_per_minute=100, clock=clock)
    limits.admit("a", "1")

    clock.now -= 3600
    assert limits.admit("a", "1") == 60


def test_the_longest_unused_bucket_is_forgotten_past_the_bound(clock: Clock) -> None:
    buckets = TokenBuckets(per_minute=2, clock=clock, max_keys=2)
    for key in ("a", "b", "b", "a", "c"):  # "b" is the longest unused when "c" comes
        buckets.take(key)

    assert buckets.wait("a") == 30
    # Forgotten, so full again: no time passed, yet "b" may send at once.
    assert buckets.wait("b") == 0


@pytest.mark.parametrize(("per_minute", "max_keys"), [(0, 10), (-1, 10), (1, 0)])
def test_a_bucket_without_room_is_refused(per_minute: int, max_keys: int) -> None:
    with pytest.raises(ValueError):
        TokenBuckets(per_minute, clock=Clock(), max_keys=max_keys)
