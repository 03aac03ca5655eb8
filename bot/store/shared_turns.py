"""One turn at a time per conversation, whichever gateway replica runs it.

Why it looks like this:
- A message's turn must see what the turn before it left: "2" typed right after a question is
  read against the choices that question's answer showed. Within one process a lock per
  conversation orders the turns; with several replicas, two messages of one official may
  reach two replicas, so the turn is also held in the shared state (`add`, an insert that only
  one replica wins), with a random holder id, and given back with a compare-and-delete.
- A holder that dies mid-turn frees the conversation when its hold expires (TURN_SECONDS,
  longer than any turn: the wait for Rasa and the sending). A waiter polls, and past the same
  time goes on anyway: an official is never left unanswered because of a lost hold.
- When the shared state cannot be reached, the turn runs without it (logged): the process's
  own lock still orders what reaches this replica.
- The conversation is named by a hash: no user id in a key.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import AsyncIterator

from bot.store.shared_state import SharedState, StateUnavailable, hashed

log = logging.getLogger(__name__)

# Longer than a turn (Rasa's wait, 8 s by default, and the sending); how long a waiter waits.
TURN_SECONDS = 60.0
FIRST_POLL, LAST_POLL = 0.02, 0.25


class SharedTurns:
    """Holds each conversation's turn in `state` while it runs."""

    def __init__(self, state: SharedState, seconds: float = TURN_SECONDS) -> None:
        """Hold a turn at most `seconds`; wait at most as long for another's to end."""
        self._state = state
        self._seconds = seconds

    @contextlib.asynccontextmanager
    async def turn(self, conversation: str) -> AsyncIterator[None]:
        """Run the block once no other replica runs a turn of `conversation`."""
        key = f"turn:{hashed(conversation)}"
        holder = secrets.token_hex(8)
        held = await self._hold(key, holder)
        try:
            yield
        finally:
            if held:
                with contextlib.suppress(StateUnavailable):
                    await self._state.delete_if(key, holder)

    async def _hold(self, key: str, holder: str) -> bool:
        deadline = time.monotonic() + self._seconds
        poll = FIRST_POLL
        while True:
            try:
                if await self._state.add(key, holder, self._seconds):
                    return True
            except StateUnavailable as error:
                log.warning("a turn runs without the shared hold (%s)", error)
                return False
            if time.monotonic() >= deadline:
                log.warning("a turn waited %.0f s for another replica's and goes on", self._seconds)
                return False
            await asyncio.sleep(poll)
            poll = min(poll * 2, LAST_POLL)
