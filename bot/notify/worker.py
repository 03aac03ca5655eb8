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
- With a `NoticeDelivery`, each tick also delivers officials' kept notices that became due
  (the official wrote again, a retry's time came), after the feed and before the staff posts.
- With an `EscalationWatcher`, tickets left waiting are told to the staff group, then to the
  supervisors, last of all (`escalations.py`; it looks at most once a minute).
- With a `RatingFeed`, each tick then asks officials to rate the tickets staff resolved or
  closed (`rating_feed.py`), after their notices, so the question follows the "resolved" one.
- With a `SendingLease` (the command always gives one), a tick does nothing unless this
  notifier holds the lease, and the feeds renew it before each send: of two notifiers on one
  store, one sends and the other waits to take over.
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
from bot.notify.delivery import NoticeDelivery
from bot.notify.escalations import EscalationWatcher
from bot.notify.feed import FeedWatcher
from bot.notify.lease import SendingLease
from bot.notify.local_inbox import LocalInbox
from bot.notify.rating_feed import RatingFeed
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
        lease: SendingLease | None = None,
        delivery: NoticeDelivery | None = None,
        escalations: EscalationWatcher | None = None,
        ratings: RatingFeed | None = None,
    ) -> None:
        """Deliver `outbox` through `client` telling officials with `notify`; poll `watcher`.

        `staff`, if given, posts new tickets to the support staff after that. With `lease`,
        only while this notifier holds it. `escalations`, if given, sends the alerts due; `ratings`
        asks officials to rate the tickets staff resolved or closed.
        """
        if poll_seconds <= 0:
            raise ValueError("poll_seconds must be more than 0")
        self._outbox = outbox
        self._client = client
        self._watcher = watcher
        self._notify = notify
        self._staff = staff
        self._lease = lease
        self._delivery = delivery
        self._escalations = escalations
        self._ratings = ratings
        self.poll_seconds = poll_seconds
        self.ticks = 0

    async def tick(self) -> bool:
        """Deliver, read the feed, post new tickets to staff; failures are logged, not raised.

        False when another notifier holds the lease and this one did nothing.
        """
        self.ticks += 1
        keep = self._lease.keep if self._lease is not None else None
        if self._lease is not None and not await self._lease.take():
            return False
        try:
            await deliver_pending(self._outbox, self._client, self._notify)
        except Exception as error:
            _log_failure("outbox delivery", error)
        try:
            await self._watcher.poll_once(keep)
        except Exception as error:
            _log_failure("change feed", error)
        if self._delivery is not None:
            try:
                await self._delivery.redeliver(keep)
            except Exception as error:
                _log_failure("kept notices", error)
        if self._ratings is not None:
            try:
                await self._ratings.poll_once(keep)
            except Exception as error:
                _log_failure("rating questions", error)
        if self._staff is not None:
            try:
                await self._staff.poll_once(keep)
            except Exception as error:
                _log_failure("new tickets for the staff", error)
        if self._escalations is not None:
            try:
                await self._escalations.poll_once(keep)
            except Exception as error:
                _log_failure("escalations", error)
        return True

    async def run(self, stop: asyncio.Event) -> None:
        """Tick until `stop` is set, waiting `poll_seconds` between ticks; then let go."""
        try:
            while not stop.is_set():
                await self.tick()
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.poll_seconds)
        finally:
            await self.close()

    async def close(self) -> None:
        """Let go of the lease, so another notifier takes over now rather than at its expiry."""
        if self._lease is not None:
            await self._lease.release()


def build_notifier(engine: Engine, channels: Mapping[str, Channel] | None = None) -> Notifier:
    """A Notifier with the local chats' inbox on `engine` and the given other channels."""
    notifier = Notifier({LOCAL: LocalInbox(engine)})
    for name, channel in (channels or {}).items():
        notifier.register(name, channel)
    return notifier


def _log_failure(what: str, error: Exception) -> None:
    log.error("%s failed (%s): %s", what, type(error).__name__, mask_phones(str(error)))
