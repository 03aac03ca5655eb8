"""What each trainer has been asked to confirm, remembered in memory for a limited time.

Why it looks like this:
- One pending confirmation per trainer: a new upload, rollback or announcement replaces the
  earlier one, so an old button can never publish something the trainer has moved on from.
- Each confirmation carries a random token that its buttons repeat; a press whose token is not
  the pending one (replaced, expired, already pressed, or from before a restart) is refused.
- Taking a confirmation removes it, so a double press acts once.
- Kept in this process only: after a restart, or on another replica, the trainer is simply
  asked to send the file or command again.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

# How long a trainer has to press "Xuất bản" (or "Hủy") after seeing the changes.
PENDING_SECONDS = 30 * 60

T = TypeVar("T")


@dataclass(frozen=True)
class Pending(Generic[T]):
    """A confirmation waiting for its button: what it is about and the token its buttons carry."""

    token: str
    item: T
    created: float


class PendingConfirmations(Generic[T]):
    """Per trainer (Telegram user id), the one confirmation they may still press."""

    def __init__(
        self, ttl: float = PENDING_SECONDS, clock: Callable[[], float] | None = None
    ) -> None:
        """Forget a confirmation `ttl` seconds after it was asked for; time read from `clock`."""
        self._ttl = ttl
        self._clock = clock or time.monotonic
        self._by_trainer: dict[int, Pending[T]] = {}

    @property
    def ttl_minutes(self) -> int:
        """How long a confirmation stays valid, in whole minutes, as trainers are told."""
        return max(1, round(self._ttl / 60))

    def put(self, trainer: int, item: T) -> str:
        """Remember `item` as `trainer`'s pending confirmation, replacing any; its token."""
        self._forget_expired()
        token = secrets.token_hex(6)
        self._by_trainer[trainer] = Pending(token, item, self._clock())
        return token

    def take(self, trainer: int, token: str) -> T | None:
        """`trainer`'s pending item if `token` is its token and it has not expired; removed."""
        found = self.peek(trainer, token)
        if found is not None:
            del self._by_trainer[trainer]
        return found

    def peek(self, trainer: int, token: str) -> T | None:
        """`trainer`'s pending item if `token` is its token and it has not expired; kept."""
        self._forget_expired()
        found = self._by_trainer.get(trainer)
        if found is None or not secrets.compare_digest(
            found.token.encode(), token.encode("utf-8", "replace")
        ):
            return None
        return found.item

    def __len__(self) -> int:
        """How many confirmations are still pending."""
        self._forget_expired()
        return len(self._by_trainer)

    def _forget_expired(self) -> None:
        now = self._clock()
        for trainer in [t for t, p in self._by_trainer.items() if now - p.created >= self._ttl]:
            del self._by_trainer[trainer]
