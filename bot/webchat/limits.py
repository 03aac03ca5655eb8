"""How fast the web chat takes messages: token buckets per sender and per client address.

Why it looks like this:
- Every message costs a Rasa turn, and the page is open to whoever reaches the gateway, so each
  sender id and each address gets a bucket of `per_minute` tokens, refilled evenly: a burst of
  a minute's worth, then one every 60/per_minute seconds. A message needs a token from both.
- Per sender alone would not do: sessions are free to get, so one client could open many. Per
  address alone would let one official's burst use up an office's share behind one address.
- In memory, per gateway process: each replica limits on its own (n replicas let through up to
  n times the rate), and a restart forgives everyone. Nothing to store for a few seconds' state.
- Bounded: at most MAX_KEYS buckets each, the longest unused forgotten first. A bucket unused for
  a minute is full again anyway, so forgetting it only matters under a flood of new keys.
- The clock is passed in, so tests move time instead of sleeping.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable

# The defaults of HELPDESK_WEBCHAT_SENDER_PER_MINUTE and HELPDESK_WEBCHAT_ADDRESS_PER_MINUTE.
SENDER_PER_MINUTE = 20
ADDRESS_PER_MINUTE = 60
MAX_KEYS = 10_000

Clock = Callable[[], float]


class TokenBuckets:
    """One bucket of `per_minute` tokens per key, refilled at `per_minute` a minute."""

    def __init__(self, per_minute: int, clock: Clock, max_keys: int = MAX_KEYS) -> None:
        """Read time (seconds) from `clock`; keep at most `max_keys` buckets."""
        if per_minute < 1 or max_keys < 1:
            raise ValueError("a bucket holds at least one token, and there is at least one")
        self._size = float(per_minute)
        self._rate = per_minute / 60.0
        self._clock = clock
        self._max = max_keys
        # key -> (tokens, when they were counted)
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def wait(self, key: str) -> float:
        """Seconds until `key` has a token: 0 when it has one now."""
        tokens = self._tokens(key, self._clock())
        # A hair of slack: waiting the time said must be enough, whatever floats round to.
        return 0.0 if tokens >= 1 - 1e-9 else (1 - tokens) / self._rate

    def take(self, key: str) -> None:
        """Spend one of `key`'s tokens (`wait` said there is one)."""
        now = self._clock()
        self._buckets[key] = (max(self._tokens(key, now) - 1, 0.0), now)
        self._buckets.move_to_end(key)
        while len(self._buckets) > self._max:
            self._buckets.popitem(last=False)

    def _tokens(self, key: str, now: float) -> float:
        found = self._buckets.get(key)
        if found is None:
            return self._size
        tokens, then = found
        return min(self._size, tokens + max(now - then, 0.0) * self._rate)


class RateLimits:
    """The web chat's two limits: per sender id and per client address."""

    def __init__(
        self,
        sender_per_minute: int = SENDER_PER_MINUTE,
        address_per_minute: int = ADDRESS_PER_MINUTE,
        clock: Clock = time.monotonic,
    ) -> None:
        """Let each sender send `sender_per_minute` messages a minute, each address as many."""
        self._senders = TokenBuckets(sender_per_minute, clock)
        self._addresses = TokenBuckets(address_per_minute, clock)

    def admit(self, sender: str, address: str) -> int:
        """0 if the message may go (its tokens are spent), else whole seconds to wait first.

        Nothing is spent on a refusal: a message refused by one limit costs the other nothing.
        """
        wait = max(self._senders.wait(sender), self._addresses.wait(address))
        if wait > 0:
            return max(1, math.ceil(wait))
        self._senders.take(sender)
        self._addresses.take(address)
        return 0
