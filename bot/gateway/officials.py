"""What the gateway does when an official shows up, on whichever channel: the one place for it.

Why it looks like this:
- Every official's message reaches Rasa through the gateway's one `RasaClient`, whose
  `before_send` is `seen`; Zalo's other events (a follow, a sticker) come through `wrote` from
  the Zalo processor. So the announcements' audience, the official's reach per channel and the
  notices waiting for them are all handled here, before the turn.
- Waiting notices are sent through the gateway's own channels (Zalo, Telegram once built, the
  local chats), under the same claims as the notifier's, so neither sends one twice.
- A message on a ticket staff are handling is kept there for them instead (`handling.py`).
- Nothing here raises into the official's message: a store or channel failure is logged.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from bot.announce.audience import Audience
from bot.gateway.handling import StaffHandling
from bot.messages import LOCAL, Channel, Notifier
from bot.notify.delivery import DeliveryMetrics, NoticeDelivery
from bot.notify.local_inbox import LocalInbox
from bot.store.recent_contacts import RecentContacts


class Officials:
    """The gateway's `Presence`: records each official and delivers what waits for them."""

    def __init__(
        self,
        engine: Engine,
        metrics: DeliveryMetrics | None = None,
        clock: Callable[[], datetime] = datetime.utcnow,
    ) -> None:
        """Use the store `engine`; count account problems and held notices in `metrics`."""
        self._audience = Audience(engine)
        self._notifier = Notifier({LOCAL: LocalInbox(engine)})
        # Written at most once a minute per official, not on every message (recent_contacts.py).
        contacts = RecentContacts(engine, clock=clock)
        self.delivery = NoticeDelivery(
            self._notifier, engine, metrics=metrics, clock=clock, contacts=contacts
        )
        self._handling = StaffHandling.from_environment(engine, clock)

    def register(self, name: str, channel: Channel | None) -> None:
        """Deliver waiting notices of officials on `name` through `channel` (None: not served)."""
        if channel is not None:
            self._notifier.register(name, channel)

    async def seen(self, channel: str, sender: str, text: str) -> list[dict[str, Any]] | None:
        """`before_send`: the official wrote `text` on `channel`; waiting notices go out first.
        Then, if staff handle one of their tickets, it is kept there and acknowledged: the
        acknowledgement is returned, and Rasa is not asked (handling.py)."""
        await self._audience.seen(channel, sender)
        await self.delivery.official_wrote(channel, sender)
        return (
            None if self._handling is None else await self._handling.answer(channel, sender, text)
        )

    async def kept_for_staff(
        self, channel: str, sender: str, text: str
    ) -> list[dict[str, Any]] | None:
        """The web chat's `before_send`: only the staff check, since its page fetches its own
        notices and announcements do not go to it."""
        if self._handling is None:
            return None
        return await self._handling.answer(channel, sender, text)

    async def wrote(self, channel: str, recipient: str) -> None:
        """An event of the official on `channel` that may not reach Rasa (a follow)."""
        await self.delivery.official_wrote(channel, recipient)

    async def left(self, channel: str, recipient: str, reason: str) -> None:
        """The official left `channel`: unreachable there until they come back."""
        await self.delivery.official_left(channel, recipient, reason)
