"""Zalo's access token and its one-time refresh token, kept and rotated in `channel_tokens`.

Why it looks like this:
- A refresh token works once, and the gateway and the notifier (or two gateway workers) both
  send. A refresh therefore runs inside one transaction that first locks the row (a no-op
  update, which locks the row on PostgreSQL and takes the write lock on SQLite). Under the lock
  it re-reads the row: if its `version` moved, another process refreshed first and its pair is
  used; if not, the refresh token is exchanged and the new pair stored by a conditional update
  on `version`. A second refresher waits for the lock and then re-reads, so no refresh token is
  ever sent to Zalo twice.
- The transaction and the HTTP call live in one worker thread (the connection stays in the
  thread that opened it); the call itself runs on the event loop that owns the httpx client.
- A token given in the settings has an unknown age, so the first use refreshes it.
- Tokens never reach logs or exception messages.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from pydantic import SecretStr
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from bot.channels.zalo.errors import TokenRefreshFailed
from bot.store.schema import channel_tokens

CHANNEL = "zalo"
# Refresh this long before expiry, so a send never starts with a token about to lapse.
MARGIN = timedelta(minutes=5)
# Longest wait for Zalo's answer to a refresh, kept under SQLite's 30 s lock wait.
_EXCHANGE_TIMEOUT = 20.0


@dataclass(frozen=True)
class TokenPair:
    """The stored pair and the version it was read at."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: datetime
    version: int


@dataclass(frozen=True)
class Grant:
    """What Zalo answers to a refresh."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_in: int


class TokenStore:
    """The channel's row in `channel_tokens`; all methods block, run them in a thread."""

    def __init__(self, engine: Engine, channel: str = CHANNEL) -> None:
        """Use `engine` (migrated) and the row of `channel`."""
        self._engine = engine
        self._channel = channel
        self._row = channel_tokens.c.channel == channel

    def read(self) -> TokenPair | None:
        """The stored pair, or None before the first."""
        with self._engine.connect() as connection:
            return self._read(connection)

    def seed(self, access_token: str, refresh_token: str, expires_at: datetime) -> TokenPair:
        """Store the first pair unless a row exists (another process may seed at once)."""
        values = {
            "channel": self._channel,
            "access_token": access_token,
            "refresh_token": refresh_token,
            "expires_at": expires_at,
            "version": 1,
            "updated_at": datetime.utcnow(),
        }
        try:
            with self._engine.begin() as connection:
                connection.execute(insert(channel_tokens).values(**values))
        except IntegrityError:
            pass  # another process seeded first; its row wins
        pair = self.read()
        if pair is None:
            raise TokenRefreshFailed("the Zalo token row vanished while seeding")
        return pair

    def rotate(
        self, seen_version: int, exchange: Callable[[str], Grant], now: datetime
    ) -> TokenPair:
        """Exchange the refresh token if the row is still at `seen_version`; the current pair."""
        with self._engine.begin() as connection:
            row = self._row
            # The lock: changes nothing, but holds the row until this transaction ends.
            connection.execute(
                update(channel_tokens).where(row).values(version=channel_tokens.c.version)
            )
            pair = self._read(connection)
            if pair is None:
                raise TokenRefreshFailed("no Zalo tokens are stored")
            if pair.version != seen_version:
                return pair  # refreshed by someone else while we waited
            grant = exchange(pair.refresh_token)
            fresh = TokenPair(
                access_token=grant.access_token,
                refresh_token=grant.refresh_token,
                expires_at=now + timedelta(seconds=grant.expires_in),
                version=seen_version + 1,
            )
            changed = connection.execute(
                update(channel_tokens)
                .where(row, channel_tokens.c.version == seen_version)
                .values(
                    access_token=fresh.access_token,
                    refresh_token=fresh.refresh_token,
                    expires_at=fresh.expires_at,
                    version=fresh.version,
                    updated_at=now,
                )
            )
            if changed.rowcount != 1:
                raise TokenRefreshFailed("the Zalo token row changed under its lock")
            return fresh

    def _read(self, connection: Connection) -> TokenPair | None:
        row = connection.execute(select(channel_tokens).where(self._row)).first()
        if row is None:
            return None
        return TokenPair(row.access_token, row.refresh_token, row.expires_at, int(row.version))


class ZaloTokens:
    """Hands out a valid access token, refreshing through Zalo's OAuth API when due."""

    def __init__(
        self,
        store: TokenStore,
        http: httpx.AsyncClient,
        *,
        oauth_base_url: str,
        app_id: str,
        app_secret_key: SecretStr,
        initial: tuple[SecretStr, SecretStr] | None = None,
        clock: Callable[[], datetime] = datetime.utcnow,
    ) -> None:
        """Refresh through `http` at `oauth_base_url`; seed the store with `initial` if empty."""
        self._store = store
        self._http = http
        self._url = oauth_base_url.rstrip("/") + "/v4/oa/access_token"
        self._app_id = app_id
        self._app_secret_key = app_secret_key
        self._initial = initial
        self._clock = clock
        # Tasks of one process queue here rather than each holding a thread on the row lock.
        self._lock = asyncio.Lock()

    async def current(self) -> TokenPair:
        """A pair whose access token is valid for at least MARGIN more."""
        pair = await asyncio.to_thread(self._store.read)
        if pair is None:
            pair = await self._seed()
        if pair.expires_at - MARGIN <= self._clock():
            pair = await self.refresh(pair)
        return pair

    async def refresh(self, stale: TokenPair) -> TokenPair:
        """A pair newer than `stale`: refreshed here, or by whoever refreshed first."""
        loop = asyncio.get_running_loop()

        def exchange(refresh_token: str) -> Grant:
            future = asyncio.run_coroutine_threadsafe(self._exchange(refresh_token), loop)
            try:
                # A backstop only: the request's own timeout is shorter.
                return future.result(timeout=_EXCHANGE_TIMEOUT + 5)
            except concurrent.futures.TimeoutError:
                future.cancel()
                raise TokenRefreshFailed("Zalo's OAuth server took too long") from None

        async with self._lock:
            return await asyncio.to_thread(
                self._store.rotate, stale.version, exchange, self._clock()
            )

    async def _seed(self) -> TokenPair:
        if self._initial is None:
            raise TokenRefreshFailed(
                "no Zalo tokens are stored: set HELPDESK_ZALO_ACCESS_TOKEN and "
                "HELPDESK_ZALO_REFRESH_TOKEN once"
            )
        access, refresh = (secret.get_secret_value() for secret in self._initial)
        return await asyncio.to_thread(self._store.seed, access, refresh, self._clock())

    async def _exchange(self, refresh_token: str) -> Grant:
        """Spend `refresh_token` for a new pair (the old one is dead from here on)."""
        form = {
            "refresh_token": refresh_token,
            "app_id": self._app_id,
            "grant_type": "refresh_token",
        }
        headers = {"secret_key": self._app_secret_key.get_secret_value()}
        try:
            response = await self._http.post(
                self._url, data=form, headers=headers, timeout=_EXCHANGE_TIMEOUT
            )
        except httpx.HTTPError as error:
            raise TokenRefreshFailed(
                f"Zalo's OAuth server did not answer: {type(error).__name__}"
            ) from None
        if response.status_code != 200:
            raise TokenRefreshFailed(f"Zalo's OAuth server answered HTTP {response.status_code}")
        return _grant(response)


def _grant(response: httpx.Response) -> Grant:
    """The new pair in Zalo's answer; errors come as HTTP 200 with an `error` number."""
    try:
        body = response.json()
    except ValueError:
        raise TokenRefreshFailed("Zalo's OAuth server answered something not JSON") from None
    if not isinstance(body, dict):
        raise TokenRefreshFailed("Zalo's OAuth server answered something not an object")
    code = body.get("error")
    access, refresh = body.get("access_token"), body.get("refresh_token")
    if code not in (None, 0) or not isinstance(access, str) or not isinstance(refresh, str):
        number = code if isinstance(code, int) else None
        raise TokenRefreshFailed(f"Zalo refused the refresh token (error {number})", number)
    try:
        # Zalo sends the lifetime in seconds as a string ("90000").
        expires_in = int(str(body.get("expires_in")))
    except ValueError:
        raise TokenRefreshFailed("Zalo's refresh answer has no valid expires_in") from None
    if not access or not refresh or expires_in <= 0:
        raise TokenRefreshFailed("Zalo's refresh answer is incomplete")
    return Grant(access, refresh, expires_in)
