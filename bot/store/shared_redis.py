"""The gateways' shared state in Redis (HELPDESK_REDIS_URL), through redis-py's asyncio client.

Why it looks like this:
- Values are plain strings with Redis's own expiry (`SET ... PX`), so Redis forgets them itself.
- What must be decided atomically runs as a Lua script, which Redis runs with nothing else in
  between: compare-and-delete (`delete_if`), and spending a token from several buckets at once
  (`spend`, a hash of `tokens` and `at` per bucket, expiring once it would be full again).
  The script refills each bucket from the time the caller passes, decides, and writes only
  when every bucket has a token, so a refusal spends nothing, as in the store's backend.
- The caller's clock, not Redis's, so that the two backends and their tests agree; replicas'
  clocks agree within far less than a bucket's minute (NTP).
- Numbers cross the script as strings: Redis would turn a Lua number in a reply into an integer.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.store.shared_state import EPSILON, PREFIX, Bucket, StateUnavailable, checked

_DELETE_IF = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

# KEYS: the buckets. ARGV: now, slack, then each bucket's size and rate, then the expiry (ms).
_SPEND = """
local now = tonumber(ARGV[1])
local slack = tonumber(ARGV[2])
local expiry = ARGV[#ARGV]
local wait = 0
local counted = {}
for i, key in ipairs(KEYS) do
  local size = tonumber(ARGV[1 + 2 * i])
  local rate = tonumber(ARGV[2 + 2 * i])
  local found = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = size
  if found[1] and found[2] then
    local elapsed = math.max(now - tonumber(found[2]), 0)
    tokens = math.min(size, tonumber(found[1]) + elapsed * rate)
  end
  counted[i] = tokens
  if tokens < 1 - slack then wait = math.max(wait, (1 - tokens) / rate) end
end
if wait > 0 then return string.format('%.17g', wait) end
for i, key in ipairs(KEYS) do
  redis.call('HSET', key, 'tokens', string.format('%.17g', counted[i] - 1), 'at', ARGV[1])
  redis.call('PEXPIRE', key, expiry)
end
return '0'
"""


class RedisState:
    """`SharedState` in Redis; time for the buckets read from `clock`."""

    def __init__(
        self, client: Redis, prefix: str = PREFIX, clock: Callable[[], float] = time.time
    ) -> None:
        """Use `client` (answers decoded as text), keys under `prefix`; closed by `aclose`."""
        self._client = client
        self._prefix = prefix
        self._clock = clock
        self._delete_if = client.register_script(_DELETE_IF)
        self._spend = client.register_script(_SPEND)

    @classmethod
    def from_url(cls, url: str, prefix: str = PREFIX) -> RedisState:
        """A client for the Redis at `url` (connected on first use, not here)."""
        client = Redis.from_url(url, decode_responses=True, socket_timeout=5.0)
        return cls(client, prefix)

    async def put(self, key: str, value: str, seconds: float) -> None:
        """Keep `value` at `key` for `seconds`, replacing what was there."""
        name = self._name(key)
        checked(name, value)
        try:
            await self._client.set(name, value, px=max(1, math.ceil(seconds * 1000)))
        except RedisError as error:
            raise StateUnavailable(type(error).__name__) from None

    async def get(self, key: str) -> str | None:
        """The value at `key`, or None if there is none or it expired."""
        try:
            found = await self._client.get(self._name(key))
        except RedisError as error:
            raise StateUnavailable(type(error).__name__) from None
        return found if isinstance(found, str) else None

    async def add(self, key: str, value: str, seconds: float) -> bool:
        """Keep `value` at `key` for `seconds` unless a live value is there; whether it did."""
        name = self._name(key)
        checked(name, value)
        try:
            added = await self._client.set(
                name, value, px=max(1, math.ceil(seconds * 1000)), nx=True
            )
        except RedisError as error:
            raise StateUnavailable(type(error).__name__) from None
        return bool(added)

    async def delete(self, key: str) -> None:
        """Forget `key`."""
        try:
            await self._client.delete(self._name(key))
        except RedisError as error:
            raise StateUnavailable(type(error).__name__) from None

    async def delete_if(self, key: str, value: str) -> bool:
        """Forget `key` if it holds `value`; whether it did."""
        try:
            removed = await self._delete_if(keys=[self._name(key)], args=[value])
        except RedisError as error:
            raise StateUnavailable(type(error).__name__) from None
        return int(removed) == 1

    async def spend(self, buckets: Sequence[Bucket]) -> float:
        """A token from each bucket, or none: 0 if spent, else seconds until each has one."""
        if not buckets:
            return 0.0
        args: list[str] = [repr(self._clock()), repr(EPSILON)]
        for bucket in buckets:
            args += [repr(float(bucket.per_minute)), repr(bucket.rate)]
        longest = max(bucket.refill_seconds for bucket in buckets)
        args.append(str(math.ceil(longest * 1000) + 1000))
        keys = [self._name(bucket.key) for bucket in buckets]
        try:
            wait = await self._spend(keys=keys, args=args)
        except RedisError as error:
            raise StateUnavailable(type(error).__name__) from None
        return float(wait)

    async def aclose(self) -> None:
        """Close the client and its connections."""
        await self._client.close(close_connection_pool=True)

    def _name(self, key: str) -> str:
        name = self._prefix + key
        checked(name)
        return name
