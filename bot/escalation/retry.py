"""How the desk client retries a request: which failures, how often, how patiently.

Why it looks like this:
- The loop is tenacity's (`AsyncRetrying`): stop after N attempts, wait between them, retry only
  some exceptions, sleep through an injectable function. tenacity rather than stamina because
  stamina adds jitter and process-wide switches and instrumentation hooks; tenacity takes this
  exact policy as it is, deterministic, so tests can check the waits asked for.
- Only failures after which the request may still succeed are retried: transport errors
  (refused connections, timeouts, dropped connections) and 5xx. A 4xx will be the same next time.
- `RetryPolicy` stays the configuration callers pass around; its `delay` is the wait tenacity
  asks for, so the policy reads the same with or without the library.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt

Sleep = Callable[[float], Awaitable[None]]


class ServerError(Exception):
    """A 5xx answer, raised so that it is retried like a transport error."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


# What may succeed on another attempt.
RETRIED = (httpx.TransportError, ServerError)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry; `sleep` is injectable so tests do not wait."""

    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    sleep: Sleep = asyncio.sleep

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.base_delay < 0 or self.max_delay < 0:
            raise ValueError("attempts must be at least 1 and delays not negative")

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number `retry` (0 for the first): doubling, capped."""
        return float(min(self.max_delay, self.base_delay * 2**retry))

    async def send(self, request: Callable[[], Awaitable[httpx.Response]]) -> httpx.Response:
        """The first answer below 500; after `attempts` failures the last one is raised.

        Raises an `httpx.TransportError` or a `ServerError` (see `RETRIED`).
        """
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.attempts),
            wait=self._wait,
            retry=retry_if_exception_type(RETRIED),
            sleep=self.sleep,
            reraise=True,
        )
        return await retrying(_below_500, request)

    def _wait(self, state: RetryCallState) -> float:
        # tenacity counts attempts from 1; the wait after the first is retry number 0.
        return self.delay(state.attempt_number - 1)


async def _below_500(request: Callable[[], Awaitable[httpx.Response]]) -> httpx.Response:
    response = await request()
    if 500 <= response.status_code <= 599:
        raise ServerError(response)
    return response
