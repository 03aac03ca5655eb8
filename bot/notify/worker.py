"""The notifier process: every few seconds, deliver queued escalations, then read the feed.

Why it looks like this:
- One loop does both, in that order, so an official hears "your request is now ticket HT-…"
  before any reply to that ticket.
- A tick that fails is logged and the loop goes on: the document system or the store may be
  back by the next tick, and a notifier that exits tells nobody anything.
- The log line of a failure carries the error's type and its message with phone numbers
  masked, and no traceback, whose frames could hold what the message does not show.
- The local chats' inbox is always registered; Telegram and Zalo when their settings are given
  (`channel_setup.py`), and channels passed in on top (tests).
- New tickets go to the support staff's group last, from their own cursor: a staff group that
  cannot be reached never delays an official's notice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping

from sqlalchemy.engine import Engine

from bot.channels.zalo.settings import ZaloSettings
from bot.escalation.client import DeskClient
from bot.escalation.connection import desk_client
from bot.escalation.delivery import Notify, deliver_pending
from bot.escalation.outbox import Outbox, mask_phones
from bot.notify.channel_setup import outside_channels
from bot.notify.channels import LOCAL, Channel, Notifier
from bot.notify.feed import FeedWatcher
from bot.notify.local_inbox import LocalInbox
from bot.notify.queued import queued_ticket_notify
from bot.notify.settings import NotifierSettings
from bot.notify.staff_feed import StaffFeedWatcher
from bot.store.database import make_engine, migrate

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


async def serve(
    settings: NotifierSettings,
    stop: asyncio.Event,
    channels: Mapping[str, Channel] | None = None,
    once: bool = False,
    zalo: ZaloSettings | None = None,
) -> None:
    """Migrate the store, then run the notifier until `stop` (or for one tick if `once`).

    Telegram and the staff group come from `settings`, Zalo from `zalo`; `channels` are added.
    """
    await asyncio.to_thread(migrate, settings.database_url)
    engine = make_engine(settings.database_url)
    client = desk_client(settings)
    try:
        async with outside_channels(settings, engine, zalo) as outside:
            notifier = build_notifier(engine, {**outside.channels, **(channels or {})})
            board = outside.staff_board
            worker = NotifierWorker(
                Outbox(engine),
                client,
                FeedWatcher(client, notifier, engine),
                queued_ticket_notify(notifier),
                settings.notifier_poll_seconds,
                StaffFeedWatcher(client, board, engine) if board is not None else None,
            )
            if once:
                await worker.tick()
            else:
                await worker.run(stop)
    finally:
        await client.aclose()
        engine.dispose()


def _log_failure(what: str, error: Exception) -> None:
    log.error("%s failed (%s): %s", what, type(error).__name__, mask_phones(str(error)))
