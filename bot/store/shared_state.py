"""State the gateways share, so that any gateway replica can take any message.

Why it looks like this:
- What a gateway used to keep in its own memory (Zalo's numbered choices, Telegram's long button
  payloads, the trainers' pending confirmations, the web chat's rate limits) is read and written
  here instead, so an answer may reach another replica than the question came from.
- Two backends, one interface: Redis when HELPDESK_REDIS_URL is set (`shared_redis.py`), else
  the assistant's store (`shared_sql.py`, the `shared_state` table), which every gateway
  already shares. Nothing more is needed to run one gateway, or several on PostgreSQL.
- A few operations cover the users: a value with an expiry (`put`, `get`, `delete`), an
  insert-if-absent (`add`: one replica at a time runs a conversation's turn, `shared_turns.py`),
  a compare-and-delete (`delete_if`: a pending confirmation is acted on once, by whichever
  replica gets the press first), and `spend`, a token from each of several buckets or none at
  all, atomically, with the wait until there would be one.
- Everything expires, and keys and values are capped: nothing grows without limit. Keys never
  hold an official's id, address, phone number or a token in clear: users pass them through
  `hashed`.
- Either backend's failures are `StateUnavailable`, so callers handle one error, never a
  driver's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.engine import Engine

from bot.store.shared_settings import SharedStateSettings

# Longest key (prefix included) and value accepted. The largest value is a trainer's pending
# file (5 MB, base64 in JSON); anything longer is a mistake, refused before it is stored.
MAX_KEY = 200
MAX_VALUE = 8 * 1024 * 1024
# A little slack on a token count, so waiting the time said is always enough.
EPSILON = 1e-9
PREFIX = "helpdesk:"


class StateUnavailable(Exception):
    """The shared state (Redis or the store) could not be reached or refused the operation."""


@dataclass(frozen=True)
class Bucket:
    """A token bucket: `per_minute` tokens, refilled evenly at `per_minute` a minute."""

    key: str
    per_minute: int

    @property
    def rate(self) -> float:
        """Tokens added a second."""
        return self.per_minute / 60.0

    @property
    def refill_seconds(self) -> float:
        """How long an empty bucket takes to fill: after that it can be forgotten."""
        return self.per_minute / self.rate


class SharedState(Protocol):
    """What the gateways share; every key is prefixed by the backend."""

    async def put(self, key: str, value: str, seconds: float) -> None:
        """Keep `value` at `key` for `seconds`, replacing what was there."""

    async def get(self, key: str) -> str | None:
        """The value at `key`, or None if there is none or it expired."""

    async def add(self, key: str, value: str, seconds: float) -> bool:
        """Keep `value` at `key` for `seconds` unless a live value is there; whether it did."""

    async def delete(self, key: str) -> None:
        """Forget `key`."""

    async def delete_if(self, key: str, value: str) -> bool:
        """Forget `key` if it holds `value`; whether it did (one caller of several wins)."""

    async def spend(self, buckets: Sequence[Bucket]) -> float:
        """A token from each bucket, or none: 0 if spent, else seconds until each has one."""

    async def aclose(self) -> None:
        """Release the connections."""


def hashed(*parts: str) -> str:
    """A short fixed-length name for `parts` that does not show them (SHA-256, 128 bits)."""
    joined = "\x1f".join(parts).encode("utf-8", "surrogatepass")
    return hashlib.sha256(joined).hexdigest()[:32]


def checked(key: str, value: str | None = None) -> None:
    """Refuse a key or value too long to keep (a programming error, not an official's)."""
    if len(key) > MAX_KEY:
        raise ValueError(f"a shared state key is at most {MAX_KEY} characters")
    if value is not None and len(value) > MAX_VALUE:
        raise ValueError(f"a shared state value is at most {MAX_VALUE} characters")


def shared_state(
    settings: SharedStateSettings, engine: Engine, prefix: str = PREFIX
) -> SharedState:
    """Redis at HELPDESK_REDIS_URL if set, else the store `engine` (migrated)."""
    if settings.redis_url:
        from bot.store.shared_redis import RedisState  # the client only where it is used

        return RedisState.from_url(settings.redis_url, prefix)
    from bot.store.shared_sql import SqlState

    return SqlState(engine, prefix)
