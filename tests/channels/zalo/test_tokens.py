"""Keeping Zalo's token pair: seeding, refreshing before expiry, and racing refreshers."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.channels.zalo.errors import TokenRefreshFailed
from bot.channels.zalo.refresh import MARGIN, ZaloTokens
from bot.channels.zalo.tokens import TokenPair, TokenStore
from bot.store.leases import Leases
from tests.channels.zalo.fake_zalo import APP_ID, APP_SECRET, LIFETIME, FakeZalo


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, 8, 0)

    def __call__(self) -> datetime:
        return self.now


def tokens_for(
    engine: Engine,
    http: httpx.AsyncClient,
    url: str,
    initial: tuple[str, str] | None,
    clock: Clock,
    secret: str = APP_SECRET,
    **options: Any,
) -> ZaloTokens:
    """A refresher on `engine` and the fake at `url`, as one process would build it."""
    return ZaloTokens(
        TokenStore(engine),
        Leases(engine, clock),
        http,
        oauth_base_url=url,
        app_id=APP_ID,
        app_secret_key=SecretStr(secret),
        initial=(SecretStr(initial[0]), SecretStr(initial[1])) if initial else None,
        clock=clock,
        **options,
    )


async def test_a_pair_from_the_settings_is_stored_and_refreshed_at_first_use(
    fake_zalo: FakeZalo, zalo_url: str, sqlite_engine: Engine, http: httpx.AsyncClient
) -> None:
    clock = Clock()
    initial = fake_zalo.issue()
    tokens = tokens_for(sqlite_engine, http, zalo_url, initial, clock)
    pair = await tokens.current()
    assert pair.access_token not in (initial[0], "") and pair.version == 2
    assert pair.expires_at == clock.now + timedelta(seconds=LIFETIME)
    assert fake_zalo.refresh_uses == {initial[1]: 1}
    # The stored pair is used from now on; the settings' pair is never used again.
    again = await tokens_for(sqlite_engine, http, zalo_url, initial, clock).current()
    assert again == pair and fake_zalo.refreshes == 1


async def test_the_token_is_refreshed_shortly_before_it_expires(
    fake_zalo: FakeZalo, zalo_url: str, sqlite_engine: Engine, http: httpx.AsyncClient
) -> None:
    clock = Clock()
    tokens = tokens_for(sqlite_engine, http, zalo_url, fake_zalo.issue(), clock)
    first = await tokens.current()
    clock.now = first.expires_at - MARGIN - timedelta(minutes=1)
    assert await tokens.current() == first
    clock.now = first.expires_at - MARGIN + timedelta(seconds=1)
    second = await tokens.current()
    assert second.version == first.version + 1 and second.access_token != first.access_token
    assert fake_zalo.refresh_uses[first.refresh_token] == 1


async def test_racing_refreshers_in_two_processes_spend_the_refresh_token_once(
    fake_zalo: FakeZalo, zalo_url: str, any_engine: Engine, http: httpx.AsyncClient
) -> None:
    clock = Clock()
    initial = fake_zalo.issue()
    await tokens_for(any_engine, http, zalo_url, initial, clock).current()
    fake_zalo.refresh_delay = 0.3  # a slow Zalo widens the window for a race
    clock.now += timedelta(seconds=LIFETIME)
    # Two "processes": each has its own refresher (its own in-process lock) on one database.
    processes = [tokens_for(any_engine, http, zalo_url, initial, clock) for _ in range(2)]
    pairs = await asyncio.gather(*(p.current() for p in processes for _ in range(3)))
    assert len({pair.access_token for pair in pairs}) == 1
    assert set(fake_zalo.refresh_uses.values()) == {1}
    assert fake_zalo.refreshes == 2  # the settings' token, then the stored one, once each


async def test_a_stale_refresh_request_uses_the_pair_someone_else_stored(
    fake_zalo: FakeZalo, zalo_url: str, sqlite_engine: Engine, http: httpx.AsyncClient
) -> None:
    clock = Clock()
    tokens = tokens_for(sqlite_engine, http, zalo_url, fake_zalo.issue(), clock)
    old = await tokens.current()
    newer = await tokens.refresh(old)
    assert await tokens.refresh(old) == newer
    assert fake_zalo.refreshes == 2


async def test_without_a_stored_or_configured_pair_there_is_no_token(
    zalo_url: str, sqlite_engine: Engine, http: httpx.AsyncClient
) -> None:
    tokens = tokens_for(sqlite_engine, http, zalo_url, None, Clock())
    with pytest.raises(TokenRefreshFailed, match="HELPDESK_ZALO_ACCESS_TOKEN"):
        await tokens.current()


async def test_a_refused_refresh_is_an_error_and_keeps_the_stored_pair(
    fake_zalo: FakeZalo, zalo_url: str, sqlite_engine: Engine, http: httpx.AsyncClient
) -> None:
    clock = Clock()
    access, refresh = fake_zalo.issue()
    fake_zalo.refresh[refresh] = True  # already used (by a copy of the settings elsewhere)
    tokens = tokens_for(sqlite_engine, http, zalo_url, (access, refresh), clock)
    with pytest.raises(TokenRefreshFailed, match="-14014") as raised:
        await tokens.current()
    assert raised.value.code == -14014 and refresh not in str(raised.value)
    stored = TokenStore(sqlite_engine).read()
    assert stored is not None and stored.version == 1 and stored.refresh_token == refresh


async def test_a_wrong_app_secret_is_refused(
    fake_zalo: FakeZalo, zalo_url: str, sqlite_engine: Engine, http: httpx.AsyncClient
) -> None:
    tokens = tokens_for(sqlite_engine, http, zalo_url, fake_zalo.issue(), Clock(), "wrong")
    with pytest.raises(TokenRefreshFailed, match="-14001"):
        await tokens.current()


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(500, text="oops"),
        httpx.Response(200, text="<html>"),
        httpx.Response(200, json=["x"]),
        httpx.Response(200, json={"access_token": "a", "refresh_token": "r"}),
        httpx.Response(200, json={"access_token": "a", "refresh_token": "", "expires_in": "9"}),
        httpx.Response(200, json={"access_token": "a", "refresh_token": "r", "expires_in": "-1"}),
    ],
)
async def test_broken_refresh_answers_are_errors(
    answer: httpx.Response, sqlite_engine: Engine
) -> None:
    transport = httpx.MockTransport(lambda request: answer)
    async with httpx.AsyncClient(transport=transport) as http:
        tokens = tokens_for(sqlite_engine, http, "http://oauth.test", ("a0", "r0"), Clock())
        with pytest.raises(TokenRefreshFailed):
            await tokens.current()


async def test_an_unreachable_oauth_server_is_an_error(sqlite_engine: Engine) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as http:
        tokens = tokens_for(sqlite_engine, http, "http://oauth.test", ("a0", "r0"), Clock())
        with pytest.raises(TokenRefreshFailed, match="ConnectError"):
            await tokens.current()


async def test_tokens_stay_out_of_logs_and_reprs(
    fake_zalo: FakeZalo,
    zalo_url: str,
    sqlite_engine: Engine,
    http: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    tokens = tokens_for(sqlite_engine, http, zalo_url, fake_zalo.issue(), Clock())
    pair = await tokens.current()
    assert pair.access_token not in repr(pair) and pair.refresh_token not in repr(pair)
    assert "access-" not in caplog.text and "refresh-" not in caplog.text
    assert isinstance(pair, TokenPair)
