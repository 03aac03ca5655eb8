"""Refreshing Zalo's token pair under a lease, with the call to Zalo outside any transaction.

Why it looks like this:
- A refresh token works once, and several processes send on Zalo (the gateway, the notifier).
  Only the holder of the lease "zalo-token-refresh" (`bot.store.leases`) refreshes. The lease is
  a committed row, so the call to Zalo holds no transaction or row lock, and a holder that dies
  mid-call frees it when it expires (a little after the call's own timeout).
- With the lease taken the pair is read again: if its version moved, another process refreshed
  meanwhile and its pair is used. The new pair is stored by a conditional update on the version.
- Without the lease: a caller whose access token still works goes on with it; one whose token
  has expired (or was refused) waits for the holder's pair, polling the row.
- Every failure is logged at ERROR (never with a token) and counted through `on_failure`, the
  reason being the label of `helpdesk_*_zalo_token_refresh_failures_total`:
  - `refused`: Zalo answered no. The stored refresh token is dead (spent, or past its months);
    the channel works while the access token lasts, then needs a new pair (docs/zalo.md).
  - `lost`: no usable answer (timeout, dropped connection, 5xx, garbage). Zalo may have rotated
    the pair, or not: if not, the stored refresh token still works, so later refreshes try it
    again; if it did, they are refused, and counted again.
  - `abandoned`: a lease ran out unreleased: its holder died mid-call, the outcome as unknown as
    a lost answer. The process that takes over counts it and tries the stored pair.
  - `unsaved`: Zalo gave a pair the store did not take; the old refresh token is spent, so the
    new pair is kept in memory, used, and written again on each call until the store takes it.
- After a failure this process waits RETRY_AFTER before asking Zalo again: a dead refresh token
  must not turn every message into another refused call.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from pydantic import SecretStr
from sqlalchemy.exc import SQLAlchemyError

from bot.channels.zalo.errors import TokenRefreshFailed
from bot.channels.zalo.tokens import CHANNEL, TokenPair, TokenStore
from bot.store.leases import Leases, holder_id

log = logging.getLogger(__name__)

# Refresh this long before expiry, so a send never starts with a token about to lapse.
MARGIN = timedelta(minutes=5)
RETRY_AFTER = timedelta(seconds=30)
REFUSED, LOST, ABANDONED, UNSAVED = "refused", "lost", "abandoned", "unsaved"
# How often a caller whose token has expired looks whether the lease holder is done.
_WAIT_STEP = 0.2

OnFailure = Callable[[str], None]


@dataclass(frozen=True)
class Grant:
    """What Zalo answers to a refresh."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_in: int


class ZaloTokens:
    """Hands out a valid access token, refreshing through Zalo's OAuth API when due."""

    def __init__(
        self,
        store: TokenStore,
        leases: Leases,
        http: httpx.AsyncClient,
        *,
        oauth_base_url: str,
        app_id: str,
        app_secret_key: SecretStr,
        initial: tuple[SecretStr, SecretStr] | None = None,
        clock: Callable[[], datetime] = datetime.utcnow,
        timeout: float = 10.0,
        on_failure: OnFailure | None = None,
    ) -> None:
        """Refresh through `http` at `oauth_base_url`; seed the store with `initial` if empty.

        `timeout` bounds Zalo's answer to a refresh; the lease outlives it by ten seconds.
        """
        self._store = store
        self._leases = leases
        self._http = http
        self._url = oauth_base_url.rstrip("/") + "/v4/oa/access_token"
        self._app_id = app_id
        self._app_secret_key = app_secret_key
        self._initial = initial
        self._clock = clock
        self._timeout = timeout
        self._on_failure = on_failure
        self._lease = f"{CHANNEL}-token-refresh"
        self._holder = holder_id(f"{CHANNEL}-tokens")
        self._lease_seconds = timeout + 10.0
        self._resting_until: datetime | None = None
        self._unsaved: TokenPair | None = None
        # This process's tasks queue here; other processes are kept out by the lease.
        self._lock = asyncio.Lock()

    async def current(self) -> TokenPair:
        """A pair whose access token is valid for at least MARGIN more, if one can be had."""
        pair = await self._stored()
        if pair.expires_at - MARGIN <= self._clock():
            pair = await self._refresh(pair, needed=pair.expires_at <= self._clock())
        return pair

    async def refresh(self, stale: TokenPair) -> TokenPair:
        """A pair newer than `stale`, whose access token Zalo refused."""
        return await self._refresh(stale, needed=True)

    async def _refresh(self, stale: TokenPair, *, needed: bool) -> TokenPair:
        async with self._lock:
            give_up = time.monotonic() + self._lease_seconds
            while True:
                pair = await self._stored()
                if pair.version != stale.version or self._unsaved is not None:
                    return pair
                if self._resting_until is not None and self._clock() < self._resting_until:
                    return self._still_usable(pair, needed, "the last refresh failed moments ago")
                claim = await asyncio.to_thread(
                    self._leases.acquire, self._lease, self._holder, self._lease_seconds
                )
                if claim is not None:
                    break
                if not needed:
                    return pair  # another process is refreshing; this token works a while yet
                if time.monotonic() > give_up:
                    raise TokenRefreshFailed("another process holds the Zalo refresh too long")
                await asyncio.sleep(_WAIT_STEP)
            try:
                if claim.abandoned:
                    self._failed(ABANDONED, "a refresh by another process ended without a word")
                return await self._refresh_holding(stale, needed)
            finally:
                await self._release()

    async def _refresh_holding(self, stale: TokenPair, needed: bool) -> TokenPair:
        """With the lease: spend the stored refresh token and store the new pair."""
        pair = await asyncio.to_thread(self._store.read)
        if pair is None:
            raise TokenRefreshFailed("no Zalo tokens are stored")
        if pair.version != stale.version:
            return pair
        try:
            grant = await self._exchange(pair.refresh_token)
        except TokenRefreshFailed as error:
            self._resting_until = self._clock() + RETRY_AFTER
            self._failed(REFUSED if error.code is not None else LOST, str(error))
            if needed or pair.expires_at <= self._clock():
                raise
            return pair
        now = self._clock()
        expires_at = now + timedelta(seconds=grant.expires_in)
        fresh = TokenPair(grant.access_token, grant.refresh_token, expires_at, pair.version + 1)
        self._resting_until = None
        try:
            stored = await asyncio.to_thread(self._store.replace, pair.version, fresh, now)
        except SQLAlchemyError as error:
            self._unsaved = fresh
            self._failed(UNSAVED, f"the store refused the new pair ({type(error).__name__})")
            return fresh
        if stored:
            return fresh
        return await asyncio.to_thread(self._store.read) or fresh

    def _still_usable(self, pair: TokenPair, needed: bool, reason: str) -> TokenPair:
        """`pair` when its access token still works, else the refresh's failure."""
        if needed or pair.expires_at <= self._clock():
            raise TokenRefreshFailed(f"no new Zalo access token: {reason}")
        return pair

    async def _stored(self) -> TokenPair:
        """The pair to use: the one waiting to be stored, the stored one, or the settings' one."""
        if self._unsaved is not None:
            return await self._store_unsaved(self._unsaved)
        pair = await asyncio.to_thread(self._store.read)
        return pair if pair is not None else await self._seed()

    async def _store_unsaved(self, fresh: TokenPair) -> TokenPair:
        try:
            stored = await asyncio.to_thread(
                self._store.replace, fresh.version - 1, fresh, self._clock()
            )
        except SQLAlchemyError:
            return fresh  # the store is still away: go on with the pair in memory
        self._unsaved = None
        if stored:
            log.info("the Zalo token pair kept in memory is stored now")
            return fresh
        return await asyncio.to_thread(self._store.read) or fresh

    async def _seed(self) -> TokenPair:
        if self._initial is None:
            raise TokenRefreshFailed(
                "no Zalo tokens are stored: set HELPDESK_ZALO_ACCESS_TOKEN and "
                "HELPDESK_ZALO_REFRESH_TOKEN once"
            )
        access, refresh = (secret.get_secret_value() for secret in self._initial)
        return await asyncio.to_thread(self._store.seed, access, refresh, self._clock())

    async def _release(self) -> None:
        try:
            await asyncio.to_thread(self._leases.release, self._lease, self._holder)
        except SQLAlchemyError as error:
            # It expires by itself; meanwhile the others wait a little longer.
            log.warning("the Zalo refresh lease was not released (%s)", type(error).__name__)

    def _failed(self, reason: str, detail: str) -> None:
        log.error("Zalo token refresh failed (%s): %s", reason, detail)
        if self._on_failure is not None:
            self._on_failure(reason)

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
                self._url, data=form, headers=headers, timeout=self._timeout
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
        # Only an error number is Zalo saying no; anything else may hide a spent token.
        number = code if isinstance(code, int) and not isinstance(code, bool) and code else None
        raise TokenRefreshFailed(f"Zalo refused the refresh token (error {number})", number)
    try:
        # Zalo sends the lifetime in seconds as a string ("90000").
        expires_in = int(str(body.get("expires_in")))
    except ValueError:
        raise TokenRefreshFailed("Zalo's refresh answer has no valid expires_in") from None
    if not access or not refresh or expires_in <= 0:
        raise TokenRefreshFailed("Zalo's refresh answer is incomplete")
    return Grant(access, refresh, expires_in)
