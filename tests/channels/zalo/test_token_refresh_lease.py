"""Refreshing Zalo's tokens under a lease: lost answers, refusals, racing processes, dead holders.

Every refresh goes to the fake Zalo over real HTTP, on a real store.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import httpx
import pytest
from sqlalchemy.engine import Engine

from bot.channels.zalo.errors import TokenRefreshFailed
from bot.channels.zalo.refresh import MARGIN, RETRY_AFTER
from bot.channels.zalo.seen import SeenUpdates
from bot.channels.zalo.tokens import TokenStore
from bot.metrics import Metrics
from bot.store.leases import Leases
from tests.channels.zalo.fake_zalo import FakeZalo
from tests.channels.zalo.test_tokens import Clock, tokens_for

LEASE = "zalo-token-refresh"
FAILURES = "zalo_token_refresh_failures"


def no_tokens_in(text: str) -> bool:
    """Whether `text` holds none of the fake's tokens (they are all "access-N"/"refresh-N")."""
    return "access-" not in text and "refresh-" not in text


async def test_an_answer_lost_after_zalo_rotated_is_counted_logged_and_tried_again_later(
    fake_zalo: FakeZalo,
    zalo_url: str,
    sqlite_engine: Engine,
    http: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock, metrics = Clock(), Metrics()
    initial = fake_zalo.issue()
    tokens = tokens_for(
        sqlite_engine,
        http,
        zalo_url,
        initial,
        clock,
        timeout=0.3,
        on_failure=metrics.zalo_token_refresh_failure,
    )
    fake_zalo.lose_after_rotating = 1

    with caplog.at_level(logging.ERROR), pytest.raises(TokenRefreshFailed, match="Timeout"):
        await tokens.current()

    assert metrics.value(FAILURES, reason="lost") == 1
    assert 'helpdesk_gateway_zalo_token_refresh_failures_total{reason="lost"} 1.0' in (
        metrics.render()
    )
    assert "Zalo token refresh failed (lost)" in caplog.text and no_tokens_in(caplog.text)
    stored = TokenStore(sqlite_engine).read()
    assert stored is not None and (stored.refresh_token, stored.version) == (initial[1], 1)
    assert Leases(sqlite_engine).holding(LEASE) is None  # let go, not left to expire
    # Not again at once: every message would otherwise spend a call on a dead token.
    with pytest.raises(TokenRefreshFailed):
        await tokens.current()
    assert fake_zalo.refreshes == 1
    # Then the stored pair is tried again. Zalo did rotate: refused, and counted again.
    clock.now += RETRY_AFTER
    with pytest.raises(TokenRefreshFailed, match="-14014"):
        await tokens.current()
    assert metrics.value(FAILURES, reason="refused") == 1
    assert fake_zalo.refresh_uses[initial[1]] == 2 and no_tokens_in(caplog.text)


async def test_an_answer_lost_before_zalo_rotated_leaves_the_stored_pair_working(
    fake_zalo: FakeZalo, zalo_url: str, sqlite_engine: Engine, http: httpx.AsyncClient
) -> None:
    clock, failures = Clock(), list[str]()
    initial = fake_zalo.issue()
    tokens = tokens_for(
        sqlite_engine, http, zalo_url, initial, clock, timeout=0.3, on_failure=failures.append
    )
    fake_zalo.lose_before_rotating = 1

    with pytest.raises(TokenRefreshFailed):
        await tokens.current()
    clock.now += RETRY_AFTER
    pair = await tokens.current()

    assert failures == ["lost"]
    assert pair.version == 2 and fake_zalo.refresh_uses == {initial[1]: 1}


async def test_two_processes_never_refresh_at_the_same_time(
    fake_zalo: FakeZalo, zalo_url: str, any_engine: Engine, http: httpx.AsyncClient
) -> None:
    clock = Clock()
    initial = fake_zalo.issue()
    first = await tokens_for(any_engine, http, zalo_url, initial, clock).current()
    fake_zalo.refresh_delay = 0.3
    fake_zalo.expire(first.access_token)
    clock.now = first.expires_at + timedelta(seconds=1)
    # The gateway and the notifier: each its own refresher, lease holder and in-process lock.
    gateway, notifier = (tokens_for(any_engine, http, zalo_url, initial, clock) for _ in "ab")

    pairs = await asyncio.gather(
        gateway.current(), notifier.current(), notifier.refresh(first), gateway.refresh(first)
    )

    assert fake_zalo.most_in_flight == 1
    assert len({pair.access_token for pair in pairs}) == 1 and pairs[0].version == 3
    assert fake_zalo.refresh_uses[first.refresh_token] == 1
    assert Leases(any_engine).holding(LEASE) is None


async def test_the_call_to_zalo_holds_no_transaction_on_the_store(
    fake_zalo: FakeZalo, zalo_url: str, sqlite_engine: Engine, http: httpx.AsyncClient
) -> None:
    fake_zalo.refresh_delay = 1.0
    tokens = tokens_for(sqlite_engine, http, zalo_url, fake_zalo.issue(), Clock())
    refreshing = asyncio.create_task(tokens.current())
    await asyncio.to_thread(fake_zalo.refresh_started.wait, 5)

    # SQLite has one writer at a time: a write now would wait if the refresh held a transaction.
    assert await asyncio.to_thread(SeenUpdates(sqlite_engine).claim, "during-refresh")
    assert fake_zalo.in_flight == 1  # the refresh was still waiting for Zalo

    assert (await refreshing).version == 2


async def test_a_refused_refresh_keeps_a_still_valid_token_in_use_and_is_not_hammered(
    fake_zalo: FakeZalo,
    zalo_url: str,
    sqlite_engine: Engine,
    http: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock, failures = Clock(), list[str]()
    initial = fake_zalo.issue()
    tokens = tokens_for(sqlite_engine, http, zalo_url, initial, clock, on_failure=failures.append)
    pair = await tokens.current()
    fake_zalo.refresh[pair.refresh_token] = True  # spent elsewhere: Zalo will say no
    clock.now = pair.expires_at - MARGIN + timedelta(minutes=1)

    with caplog.at_level(logging.ERROR):
        assert await tokens.current() == pair
        assert await tokens.current() == pair

    assert failures == ["refused"] and fake_zalo.refreshes == 2
    assert "Zalo token refresh failed (refused)" in caplog.text and no_tokens_in(caplog.text)


async def test_a_refresh_whose_process_died_is_counted_and_the_stored_pair_tried(
    fake_zalo: FakeZalo, zalo_url: str, sqlite_engine: Engine, http: httpx.AsyncClient
) -> None:
    clock, failures = Clock(), list[str]()
    initial = fake_zalo.issue()
    # Another process took the lease, then died before Zalo answered or the lease was let go.
    assert Leases(sqlite_engine, clock).acquire(LEASE, "gateway:dead", 20) is not None
    clock.now += timedelta(seconds=21)
    tokens = tokens_for(sqlite_engine, http, zalo_url, initial, clock, on_failure=failures.append)

    pair = await tokens.current()

    assert failures == ["abandoned"]
    assert pair.version == 2 and fake_zalo.refresh_uses == {initial[1]: 1}
