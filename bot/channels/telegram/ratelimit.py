"""Keep the bot under Telegram's flood limits when many messages go out at once.

Why it looks like this:
- python-telegram-bot's own limiter needs `aiolimiter` (its `rate-limiter` extra), which the
  project does not install; the rules needed here are small enough to keep in one class.
- Telegram asks for at most about 30 messages a second overall and one a second per chat. Each
  chat's messages go out one after another under that chat's lock (so the pieces of a long
  answer also arrive in order), and every message also takes the next slot of the overall
  pace, spaced 1/30 s apart.
- When Telegram still answers "retry after N seconds", every message waits N seconds (the
  limit is the bot's, not one chat's) and the request is made again, a few times at most.
- Only messages count (send*, copy*, forward*, edit*): answering a button press or showing
  "typing..." goes out at once.
"""

from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

_MESSAGE_ENDPOINTS = ("send", "copy", "forward", "edit")
_UNLIMITED = frozenset({"sendChatAction"})


class TelegramRateLimiter(BaseRateLimiter[int]):
    """At most `overall_per_second` messages a second, one per `chat_interval` seconds a chat."""

    def __init__(
        self,
        overall_per_second: float = 30.0,
        chat_interval: float = 1.0,
        max_retries: int = 3,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Pace messages as given; retry a request refused with RetryAfter `max_retries` times."""
        if overall_per_second <= 0 or chat_interval < 0 or max_retries < 0:
            raise ValueError("rates must be positive and retries not negative")
        self._spacing = 1.0 / overall_per_second
        self._chat_interval = chat_interval
        self._max_retries = max_retries
        self._clock = clock
        self._next_overall = 0.0
        self._paused_until = 0.0
        self._chat_next: dict[object, float] = {}
        self._chat_locks: dict[object, asyncio.Lock] = {}
        self._chat_users: dict[object, int] = {}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Forget every chat."""
        self._chat_next.clear()
        self._chat_locks.clear()
        self._chat_users.clear()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Make the request when its turn comes; again after a RetryAfter, a few times."""
        retries = self._max_retries if rate_limit_args is None else rate_limit_args
        chat = data.get("chat_id")
        if chat is None or not endpoint.startswith(_MESSAGE_ENDPOINTS) or endpoint in _UNLIMITED:
            return await self._with_retries(callback, args, kwargs, retries, chat=None)
        key = str(chat)
        lock = self._chat_locks.setdefault(key, asyncio.Lock())
        self._chat_users[key] = self._chat_users.get(key, 0) + 1
        try:
            async with lock:
                return await self._with_retries(callback, args, kwargs, retries, chat=key)
        finally:
            self._chat_users[key] -= 1
            if not self._chat_users[key]:
                del self._chat_users[key], self._chat_locks[key]
                if self._chat_next.get(key, 0.0) <= self._clock():
                    self._chat_next.pop(key, None)

    async def _with_retries(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        retries: int,
        chat: str | None,
    ) -> Any:
        for attempt in range(retries + 1):
            await self._wait_turn(chat)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == retries:
                    raise
                delay = _seconds(error)
                log.warning("Telegram asked to slow down: waiting %.1f s", delay)
                self._paused_until = max(self._paused_until, self._clock() + delay)
            finally:
                if chat is not None:
                    self._chat_next[chat] = self._clock() + self._chat_interval
        raise AssertionError("unreachable")  # pragma: no cover

    async def _wait_turn(self, chat: str | None) -> None:
        """Sleep until the chat's next slot, any pause, and then the next overall slot."""
        if chat is not None:
            await self._sleep_until(max(self._chat_next.get(chat, 0.0), self._paused_until))
            slot = max(self._clock(), self._next_overall, self._paused_until)
            self._next_overall = slot + self._spacing
            await self._sleep_until(slot)
        else:
            await self._sleep_until(self._paused_until)

    async def _sleep_until(self, moment: float) -> None:
        delay = moment - self._clock()
        if delay > 0:
            await asyncio.sleep(delay)


def _seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        # PTB 22 warns that `retry_after` will become a timedelta; both shapes are read here.
        warnings.simplefilter("ignore", DeprecationWarning)
        value = error.retry_after
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    return min(max(seconds, 0.0), 3600.0)
