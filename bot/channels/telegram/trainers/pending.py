"""What each trainer has been asked to confirm, kept in the gateways' shared state for a while.

Why it looks like this:
- One pending confirmation per trainer: a new upload, rollback or announcement replaces the
  earlier one, so an old button can never publish something the trainer has moved on from.
- Each confirmation carries a random token that its buttons repeat; a press whose token is not
  the pending one (replaced, expired or already pressed) is refused.
- Taking a confirmation removes it, with a compare-and-delete in the shared state, so a double
  press acts once, even when the two presses reach two gateway replicas.
- Kept in the shared state (Redis or the store), under a hash of the trainer's id: the press
  may reach another replica than the one that asked, or come after a restart. What is kept is
  JSON (`requests.py` says what each request keeps), never a pickled object.
- The same keeping serves what a trainer's buttons point into (the /hangcho listing, under its
  own `name`): `peek` reads it without taking it, so each of its buttons can be pressed.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from bot.store.shared_state import SharedState, hashed

# How long a trainer has to press "Xuất bản" (or "Hủy") after seeing the changes.
PENDING_SECONDS = 30 * 60


class PendingConfirmations:
    """Per trainer (Telegram user id), the one confirmation they may still press."""

    def __init__(
        self, state: SharedState, ttl: float = PENDING_SECONDS, name: str = "trainer-pending"
    ) -> None:
        """Keep confirmations in `state` under `name`, forgotten `ttl` seconds after they were
        asked for."""
        self._state = state
        self._ttl = ttl
        self._name = name

    @property
    def ttl_minutes(self) -> int:
        """How long a confirmation stays valid, in whole minutes, as trainers are told."""
        return max(1, round(self._ttl / 60))

    def beside(self, name: str, ttl: float) -> PendingConfirmations:
        """Another keeping, per trainer, in the same shared state: under `name`, for `ttl`."""
        return PendingConfirmations(self._state, ttl, name)

    async def put(self, trainer: int, item: dict[str, Any]) -> str:
        """Keep `item` (JSON) as `trainer`'s pending confirmation, replacing any; its token.

        Raises `StateUnavailable` when the shared state cannot be reached.
        """
        token = secrets.token_hex(6)
        kept = json.dumps({"token": token, "item": item}, ensure_ascii=False)
        await self._state.put(self._key(trainer), kept, self._ttl)
        return token

    async def take(self, trainer: int, token: str) -> dict[str, Any] | None:
        """`trainer`'s pending item if `token` is its token and it has not expired; removed.

        Raises `StateUnavailable` when the shared state cannot be reached.
        """
        found = await self._found(trainer, token)
        if found is None:
            return None
        kept, item = found
        if not await self._state.delete_if(self._key(trainer), kept):
            return None  # another press (on this replica or another) took it first
        return item

    async def peek(self, trainer: int, token: str) -> dict[str, Any] | None:
        """`trainer`'s pending item if `token` is its token and it has not expired; kept.

        Raises `StateUnavailable` when the shared state cannot be reached.
        """
        found = await self._found(trainer, token)
        return found[1] if found is not None else None

    async def _found(self, trainer: int, token: str) -> tuple[str, dict[str, Any]] | None:
        """The value kept for `trainer` and its item, if `token` is its token."""
        kept = await self._state.get(self._key(trainer))
        if kept is None:
            return None
        try:
            found = json.loads(kept)
        except ValueError:
            return None
        if not isinstance(found, dict) or not isinstance(found.get("token"), str):
            return None
        if not secrets.compare_digest(found["token"].encode(), token.encode("utf-8", "replace")):
            return None
        item = found.get("item")
        return (kept, item) if isinstance(item, dict) else None

    def _key(self, trainer: int) -> str:
        return f"telegram:{self._name}:{hashed(str(trainer))}"
