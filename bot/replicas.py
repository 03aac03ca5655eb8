"""Which Rasa replica takes a conversation: a consistent-hash ring over the replicas' addresses.

Why it looks like this:
- Every turn of one conversation goes to the same replica, so its turns are handled in order by
  that replica's own per-conversation lock, with no lock shared between processes (Rasa's
  open-source Redis lock store is known to race between instances). Every gateway computes the
  same owner from the same list: the hash is SHA-256, not Python's `hash`, which differs from
  one process to the next.
- Consistent hashing (each replica at many points on a circle, a conversation owned by the
  first point after its own): adding a fourth replica moves about a quarter of the
  conversations, not nearly all of them as `hash % n` would.
- `order` also gives the replicas to fall back on, in the same ring order for every gateway:
  when the owner cannot be reached, all gateways move its conversations to the same next one,
  which reads them from the shared tracker store.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Sequence

# Points per replica: enough for an even share (within a few percent at 2–16 replicas).
POINTS = 160


def _position(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")


def replica_urls(listed: str) -> list[str]:
    """The replicas' base URLs in a comma-separated list, without trailing slashes or blanks."""
    return [url.strip().rstrip("/") for url in listed.split(",") if url.strip()]


class Ring:
    """The replicas at `urls`, each placed at POINTS points of the circle."""

    def __init__(self, urls: Sequence[str], points: int = POINTS) -> None:
        """Place every replica; the same list always gives the same ring."""
        if not urls or len(set(urls)) != len(urls):
            raise ValueError("a ring needs at least one replica, each listed once")
        placed = sorted((_position(f"{url}#{i}"), url) for url in urls for i in range(points))
        self._positions = [position for position, _ in placed]
        self._owners = [url for _, url in placed]
        self.urls = tuple(urls)

    def owner(self, key: str) -> str:
        """The replica that takes `key`'s conversation."""
        return self._owners[self._index(key)]

    def order(self, key: str) -> list[str]:
        """Every replica, the owner first, then in the order the ring falls back on them."""
        start = self._index(key)
        seen: list[str] = []
        for step in range(len(self._owners)):
            url = self._owners[(start + step) % len(self._owners)]
            if url not in seen:
                seen.append(url)
                if len(seen) == len(self.urls):
                    break
        return seen

    def _index(self, key: str) -> int:
        return bisect.bisect(self._positions, _position(key)) % len(self._positions)
