"""The notifier process: every few seconds, deliver queued escalations, then read the feed.

Why it looks like this:
- One loop does both, in that order, so an official hears "your request is now ticket HT-…"
  before any reply to that ticket.
- A tick that fails is logged and the loop goes on: the document system or the store may be
  back by the next tick, and a notifier that exits tells nobody anything.
- The log line of a failure carries the error's type and its message with phone numbers
  masked, and no traceback, whose frames could hold what the message does not show.
- The local chats' inbox is always registered; the other channels are passed in, built from
  settings by `bot.channels.outside` (the notifier command puts the two together).
- New tickets go to the support staff's group last, from their own cursor: a staff group that
  cannot be reached never delays an official's notice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping

from sqlalchemy.engine import Engine

from bot.escalation.client import DeskClient
from bot.escalation.delivery import Notify, deliver_pending
from bot.escalation.outbox import Outbox, mask_phones
from bot.messages import LOCAL, Channel, Notifier
from bot.notify.feed import FeedWatcher
from bot.notify.local_inbox import LocalInbox
from bot.notify.staff_feed import StaffFeedWatcher

log = logging.getLogger(__name__)


class NotifierWorker:
    """Delivers the outbox and watches the change feed, one tick every `poll_seconds`."""

    def __init__(
        self,
        outbox: Outbox,
        client: DeskClient,
        watcher: FeedWatcher,
        notify: Notify,
        poll_seconds: float = 2.0,
        staff: StaffFeedWatcher | None = None,
    ) -> None:
        """Deliver `outbox` through `client` telling officials with `notify`; poll `watcher`.

        `staff`, if given, posts new tickets to the support staff after that.
        """
        if poll_seconds <= 0:
            raise ValueError("poll_seconds must be more than 0")
        self._outbox = outbox
        self._client = client
        self._watcher = watcher
        self._notify = notify
        self._staff = staff
        self.poll_seconds = poll_seconds

    async def tick(self) -> None:
        """Deliver, read the feed, post new tickets to staff; failures are logged, not raised."""
        try:
            await deliver_pending(self._outbox, self._client, self._notify)
        except Exception as error:
            _log_failure("outbox delivery", error)
        try:
            await self._watcher.poll_once()
        except Exception as error:
            _log_failure("change feed", error)
        if self._staff is not None:
            try:
                await self._staff.poll_once()
            except Exception as error:
                _log_failure("new tickets for the staff", error)

    async def run(self, stop: asyncio.Event) -> None:
        """Tick until `stop` is set, waiting `poll_seconds` between ticks."""
        while not stop.is_set():
            await self.tick()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.poll_seconds)


def build_notifier(engine: Engine, channels: Mapping[str, Channel] | None = None) -> Notifier:
    """A Notifier with the local chats' inbox on `engine` and the given other channels."""
    notifier = Notifier({LOCAL: LocalInbox(engine)})
    for name, channel in (channels or {}).items():
        notifier.register(name, channel)
    return notifier


def _log_failure(what: str, error: Exception) -> None:
    log.error("%s failed (%s): %s", what, type(error).__name__, mask_phones(str(error)))
