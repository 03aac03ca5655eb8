"""How fast the web chat takes messages: token buckets per sender and per client address.

Why it looks like this:
- Every message costs a Rasa turn, and the page is open to whoever reaches the gateway, so each
  sender id and each address gets a bucket of `per_minute` tokens, refilled evenly: a burst of
  a minute's worth, then one every 60/per_minute seconds. A message needs a token from both.
- Per sender alone would not do: sessions are free to get, so one client could open many. Per
  address alone would let one official's burst use up an office's share behind one address.
- The buckets are in the gateways' shared state (`bot.store.shared_state`: Redis or the store),
  spent atomically, so every replica draws on the same budget: what one gateway let through,
  another refuses. A refusal spends from neither bucket.
- The buckets are named by a hash of the sender id or the address, never the address itself,
  and expire a minute after their last use (they are full again by then): nothing grows.
- The clock is the shared state's, so tests move time instead of sleeping.
"""

from __future__ import annotations

import math

from bot.store.shared_state import Bucket, SharedState, hashed

# The defaults of HELPDESK_WEBCHAT_SENDER_PER_MINUTE and HELPDESK_WEBCHAT_ADDRESS_PER_MINUTE.
SENDER_PER_MINUTE = 20
ADDRESS_PER_MINUTE = 60


class RateLimits:
    """The web chat's two limits: per sender id and per client address, kept in `state`."""

    def __init__(
        self,
        state: SharedState,
        sender_per_minute: int = SENDER_PER_MINUTE,
        address_per_minute: int = ADDRESS_PER_MINUTE,
    ) -> None:
        """Let each sender send `sender_per_minute` messages a minute, each address as many."""
        if sender_per_minute < 1 or address_per_minute < 1:
            raise ValueError("a bucket holds at least one token")
        self._state = state
        self._sender = sender_per_minute
        self._address = address_per_minute

    async def admit(self, sender: str, address: str) -> int:
        """0 if the message may go (its tokens are spent), else whole seconds to wait first.

        Nothing is spent on a refusal: a message refused by one limit costs the other nothing.
        Raises `StateUnavailable` when the shared state cannot be reached.
        """
        wait = await self._state.spend(
            [
                Bucket(f"webchat:sender:{hashed(sender)}", self._sender),
                Bucket(f"webchat:address:{hashed(address)}", self._address),
            ]
        )
        return max(1, math.ceil(wait)) if wait > 0 else 0
